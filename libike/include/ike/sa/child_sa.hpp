#pragma once
/// A CHILD SA: the pair of ESP SAs and the policies that bind traffic to them.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ike/crypto/key_material.hpp"
#include "ike/crypto/secret_bytes.hpp"
#include "ike/proposal/crypto_proposal.hpp"
#include "ike/sa/connection.hpp"
#include "ike/sa/kernel.hpp"
#include "ike/sa/time.hpp"
#include "ike/ts/traffic_selector.hpp"

namespace ike::sa {

enum class ChildState : std::uint8_t {
  creating,   ///< negotiating; nothing in the kernel yet (but an allocated SPI)
  installed,  ///< both SAs and the policies are in the kernel
  rekeying,   ///< a CREATE_CHILD_SA rekey for it is under way
  rekeyed,    ///< replaced by a newer CHILD SA; deleted soon
  deleting,   ///< a delete for it is under way
};
std::string_view to_string(ChildState state) noexcept;

struct ChildSa {
  std::uint32_t serial = 0;
  const ChildConfig* config = nullptr;  ///< owned by the IKE SA's Connection
  ChildState state = ChildState::creating;
  IpsecMode mode = IpsecMode::tunnel;
  std::uint32_t reqid = 0;
  /// `reqid` is shared through the engine's reqid registry and counted there
  /// until the CHILD SA leaves the kernel.
  bool holds_shared_reqid = false;
  std::uint32_t spi_in = 0;   ///< ours: the peer sends with it
  std::uint32_t spi_out = 0;  ///< the peer's: we send with it
  proposal::NegotiatedAlgorithms algorithms;
  std::vector<ts::TrafficSelector> local_ts;
  std::vector<ts::TrafficSelector> remote_ts;
  bool encapsulated = false;
  bool policies_installed = false;
  bool inbound_installed = false;
  bool outbound_installed = false;
  /// Both SAs reached the kernel once: its end is announced (child_down)
  /// even when the kernel already dropped one of them (hard expire).
  bool was_installed = false;
  /// The responder of a CHILD rekey holds its new outbound SA back until the
  /// CHILD SA it replaces is deleted: the initiator deletes that one only
  /// after installing the new SAs (RFC 7296 2.8), so the responder never
  /// sends on an SA the initiator cannot receive yet. Meanwhile the keys wait
  /// here and the old outbound SA carries the traffic.
  struct DeferredOutbound {
    std::uint32_t replaced_serial = 0;
    crypto::ChildSaKeys keys;
  };
  std::optional<DeferredOutbound> deferred_outbound;
  MonoTime established_at{};
  std::optional<MonoTime> rekey_at;
  MonoTime expire_at{};
  /// Why the last attempt failed, for `ikectl status`.
  std::string last_failure;

  const std::string& name() const noexcept;
};

}  // namespace ike::sa
