#pragma once
/// One IKE SA: a coarse lifecycle plus facts (STYLE.md, after libcharon); the
/// protocol logic lives in tasks (task.hpp), which read and write this state.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ike/crypto/key_material.hpp"
#include "ike/crypto/pki/certificate.hpp"
#include "ike/crypto/pki/identity.hpp"
#include "ike/crypto/prf.hpp"
#include "ike/proposal/crypto_proposal.hpp"
#include "ike/sa/child_sa.hpp"
#include "ike/sa/connection.hpp"
#include "ike/sa/endpoint.hpp"
#include "ike/sa/message_window.hpp"
#include "ike/sa/time.hpp"
#include "ike/wire/protection/fragmentation.hpp"
#include "ike/wire/protection/sk_protection.hpp"
#include "ike/wire/types.hpp"

namespace ike::sa {

class Task;

enum class IkeState : std::uint8_t {
  created,      ///< nothing sent or received yet
  connecting,   ///< IKE_SA_INIT / IKE_AUTH under way
  established,  ///< authenticated; CHILD SAs may exist
  rekeying,     ///< an IKE rekey is under way
  rekeyed,      ///< replaced by a rekeyed IKE SA; deleted soon
  deleting,     ///< a delete is under way
  destroying,   ///< gone; removed from the engine at the end of this input
};
std::string_view to_string(IkeState state) noexcept;

/// Tasks waiting for their turn, first to run at the front. Usually empty or
/// one or two long: a vector, not a std::deque, which allocates about 600
/// bytes as soon as it is constructed (issue 6: heap per IKE SA).
class TaskQueue {
 public:
  TaskQueue();
  ~TaskQueue();
  TaskQueue(TaskQueue&&) noexcept;
  TaskQueue& operator=(TaskQueue&&) noexcept;

  bool empty() const noexcept { return tasks_.empty(); }
  std::size_t size() const noexcept { return tasks_.size(); }
  std::unique_ptr<Task>& front() noexcept { return tasks_.front(); }
  const std::unique_ptr<Task>& front() const noexcept { return tasks_.front(); }
  void push_back(std::unique_ptr<Task> task);
  void push_front(std::unique_ptr<Task> task);
  void pop_front();
  void clear() noexcept;

 private:
  std::vector<std::unique_ptr<Task>> tasks_;
};

struct IkeSa {
  IkeSa(std::uint32_t serial_number, ConnectionPtr conn, bool we_initiate)
      : serial(serial_number), connection(std::move(conn)), initiator(we_initiate) {}
  IkeSa(const IkeSa&) = delete;
  IkeSa& operator=(const IkeSa&) = delete;

  // --- identity of the SA
  std::uint32_t serial;
  ConnectionPtr connection;
  /// We are the original initiator: our messages carry the Initiator flag
  /// and our SPI is SPIi (RFC 7296 2.2).
  bool initiator;
  IkeState state = IkeState::created;
  std::uint64_t spi_i = 0;
  std::uint64_t spi_r = 0;
  std::uint64_t our_spi() const noexcept { return initiator ? spi_i : spi_r; }
  std::uint64_t peer_spi() const noexcept { return initiator ? spi_r : spi_i; }

  // --- where the peer is, and what it told us about itself
  Endpoint local;
  Endpoint remote;
  bool nat_here = false;   ///< our address is translated (we send keepalives)
  bool nat_there = false;  ///< the peer's address is translated
  bool peer_supports_fragmentation = false;
  std::vector<wire::HashAlgorithm> peer_signature_hashes;
  std::optional<pki::Identity> peer_id;
  pki::CertificatePtr peer_certificate;
  bool peer_requested_certificate = false;

  // --- keys (after IKE_SA_INIT)
  std::optional<proposal::NegotiatedAlgorithms> algorithms;
  std::optional<crypto::Prf> prf;
  crypto::IkeSaKeys keys;
  std::optional<wire::SkProtection> outbound;  ///< seals what we send
  std::optional<wire::SkProtection> inbound;   ///< opens what we receive
  /// The IKE_SA_INIT nonces, until IKE_AUTH has keyed the first CHILD SA
  /// (an IKE SA made by a rekey keeps those of the rekey).
  Bytes nonce_i;
  Bytes nonce_r;
  /// The IKE_SA_INIT messages as sent and received, for the AUTH octets
  /// (dropped once IKE_AUTH is done).
  Bytes init_message_ours;
  Bytes init_message_peers;
  /// SKF reassembly (RFC 7383 2.6), one per direction: the peer's requests
  /// and its responses have separate Message ID spaces (RFC 7296 2.2), and
  /// the fragments of a request may arrive between those of a response.
  /// Allocated when a fragment arrives: most IKE SAs never see one.
  std::unique_ptr<wire::FragmentReassembler> request_reassembler;
  std::unique_ptr<wire::FragmentReassembler> response_reassembler;

  // --- exchanges
  RequestWindow requests;
  ResponseWindow responses;
  TaskQueue queued;
  std::unique_ptr<Task> active;

  // --- children and timers
  std::vector<ChildSa> children;
  /// ESP SPIs the peer deleted before we knew them, while an exchange of ours
  /// was in flight: the responder of a CHILD SA installs it when it answers
  /// and may delete it before the answer reaches us, which then must not
  /// install it (child_negotiation.cpp). The newest few only.
  std::vector<std::uint32_t> deleted_before_known;
  std::uint32_t keying_attempt = 0;
  MonoTime created_at{};
  MonoTime established_at{};
  MonoTime last_heard{};
  /// When we last sent the peer anything: NAT keepalives wait for silence.
  MonoTime last_sent{};
  std::optional<MonoTime> rekey_at;
  std::optional<MonoTime> expire_at;
  std::optional<MonoTime> half_open_deadline;
  std::string last_failure;
  /// Engine bookkeeping: the deadline under which this IKE SA sits in the
  /// engine's timer queue (absent: not queued).
  std::optional<MonoTime> queued_deadline;
  /// Engine bookkeeping: queued requests wait with nothing in flight, so the
  /// next timer run starts them.
  bool waits_for_kick = false;
  /// The SA ends as a normal step of a negotiation (a responder asking for
  /// another KE group): logged, but no `failed` event.
  bool ends_as_expected = false;

  /// "office[3] 1a2b3c4d5e6f7081/9aabbccddeeff001", the prefix of every log line.
  std::string label() const;
  /// A queued request waits and nothing is in flight, so the next may start.
  bool can_start_request() const noexcept {
    return state != IkeState::destroying && !active && !requests.busy() && !queued.empty();
  }
  ChildSa* find_child_by_inbound_spi(std::uint32_t spi) noexcept;
  ChildSa* find_child_by_outbound_spi(std::uint32_t spi) noexcept;
  ChildSa* find_child(std::uint32_t child_serial) noexcept;
};

}  // namespace ike::sa
