#pragma once
/// The kernel as libike sees it: a narrow interface of plain requests
/// (STYLE.md 7). The daemon implements it over netlink XFRM; tests use a fake
/// that records every request and can fail the Nth. Every request carries a
/// short story for its log line ("install inbound ESP for child 'office'").
///
/// Calls are synchronous: XFRM answers in microseconds, and a synchronous
/// answer keeps the engine's state machine free of "waiting for the kernel"
/// states.

#include <cstdint>
#include <optional>
#include <string>

#include "ike/bytes.hpp"
#include "ike/error.hpp"
#include "ike/ts/traffic_selector.hpp"
#include "ike/wire/types.hpp"

namespace ike::sa {

enum class IpsecMode : std::uint8_t { tunnel, transport };
std::string_view to_string(IpsecMode mode) noexcept;

enum class PolicyDirection : std::uint8_t { out, in, fwd };
std::string_view to_string(PolicyDirection direction) noexcept;

/// XFRM marks: the SA or policy matches packets whose mark & mask == value.
struct Mark {
  std::uint32_t value = 0;
  std::uint32_t mask = 0;
  bool empty() const noexcept { return mask == 0; }
  friend bool operator==(const Mark&, const Mark&) = default;
};

/// UDP encapsulation of ESP (RFC 3948) when a NAT is in the path or forced.
/// The ports of the SA's own packets, as XFRM's encap_sport/encap_dport: an
/// outbound SA's source is our NAT-T port, an inbound SA's source is the
/// peer's port (the kernel reports inbound packets from another port as a
/// MAPPING event).
struct UdpEncapsulation {
  std::uint16_t source_port = 4500;
  std::uint16_t destination_port = 4500;
  friend bool operator==(const UdpEncapsulation&, const UdpEncapsulation&) = default;
};

/// Kernel lifetimes of one SA; zero means unlimited.
struct SaLimits {
  std::uint64_t soft_seconds = 0;
  std::uint64_t hard_seconds = 0;
  std::uint64_t soft_bytes = 0;
  std::uint64_t hard_bytes = 0;
  std::uint64_t soft_packets = 0;
  std::uint64_t hard_packets = 0;
  friend bool operator==(const SaLimits&, const SaLimits&) = default;
};

/// An SA in the kernel is known by destination, protocol and SPI (and mark).
struct SaKey {
  IpAddress destination;
  std::uint32_t spi = 0;
  wire::ProtocolId protocol = wire::ProtocolId::esp;
  Mark mark;
  friend bool operator==(const SaKey&, const SaKey&) = default;
};

struct AllocateSpiRequest {
  IpAddress source;       ///< the peer (the SA will be inbound)
  IpAddress destination;  ///< us
  wire::ProtocolId protocol = wire::ProtocolId::esp;
  std::uint32_t reqid = 0;
  Mark mark;
  std::string story;
};

struct AddSaRequest {
  IpAddress source;
  IpAddress destination;
  std::uint32_t spi = 0;
  wire::ProtocolId protocol = wire::ProtocolId::esp;
  IpsecMode mode = IpsecMode::tunnel;
  std::uint32_t reqid = 0;
  Mark mark;
  /// True for the inbound SA whose SPI was allocated (XFRM_MSG_UPDSA of the
  /// larval state), false for a fresh one (XFRM_MSG_NEWSA).
  bool update_allocated = false;
  bool inbound = false;
  wire::EncryptionAlgorithm encryption = wire::EncryptionAlgorithm::aes_gcm_16;
  std::uint16_t encryption_key_bits = 0;
  Bytes encryption_key;  ///< including the salt for AEAD
  wire::IntegrityAlgorithm integrity = wire::IntegrityAlgorithm::none;
  Bytes integrity_key;
  bool extended_sequence_numbers = false;
  std::uint32_t replay_window = 32;
  SaLimits limits;
  std::optional<UdpEncapsulation> encapsulation;
  /// The traffic the SA carries (XFRM selector); the kernel checks inbound
  /// packets against it in tunnel mode.
  std::optional<ts::TrafficSelector> local_ts;
  std::optional<ts::TrafficSelector> remote_ts;
  std::string story;
};

struct UpdateSaAddressesRequest {
  SaKey sa;
  IpAddress new_source;
  IpAddress new_destination;
  std::optional<UdpEncapsulation> encapsulation;
  std::string story;
};

struct DeleteSaRequest {
  SaKey sa;
  std::string story;
};

struct PolicyRequest {
  ts::TrafficSelector source;
  ts::TrafficSelector destination;
  PolicyDirection direction = PolicyDirection::out;
  Mark mark;
  std::uint32_t priority = 0;
  /// Template: the SA endpoints (tunnel mode) and reqid binding the policy to
  /// the SAs of one CHILD SA.
  IpAddress tunnel_source;
  IpAddress tunnel_destination;
  IpsecMode mode = IpsecMode::tunnel;
  std::uint32_t reqid = 0;
  /// A trap policy (auto=route): matching packets make the kernel send an
  /// ACQUIRE instead of using an SA.
  bool trap = false;
  std::string story;
};

struct SaUsage {
  std::uint64_t bytes = 0;
  std::uint64_t packets = 0;
};

class Kernel {
 public:
  virtual ~Kernel() = default;
  virtual Result<std::uint32_t> allocate_spi(const AllocateSpiRequest& request) = 0;
  virtual Status add_sa(const AddSaRequest& request) = 0;
  virtual Status update_sa_addresses(const UpdateSaAddressesRequest& request) = 0;
  virtual Status delete_sa(const DeleteSaRequest& request) = 0;
  virtual Status add_policy(const PolicyRequest& request) = 0;
  /// Removes the policy with the same selectors, direction and mark.
  virtual Status delete_policy(const PolicyRequest& request) = 0;
  virtual Result<SaUsage> query_sa(const SaKey& sa) = 0;
};

/// What the kernel tells us unasked (netlink multicast groups).
struct KernelAcquire {
  std::uint32_t reqid = 0;
  ts::TrafficSelector source;
  ts::TrafficSelector destination;
};
struct KernelExpire {
  SaKey sa;
  bool hard = false;
};
struct KernelMapping {
  SaKey sa;
  IpAddress new_address;
  std::uint16_t new_port = 0;
};

}  // namespace ike::sa
