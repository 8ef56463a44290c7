#pragma once
/// IKE message fragmentation (RFC 7383): how large each fragment may be, and
/// the reassembly of received SKF fragments of one message. Splitting and
/// sealing is SkProtection::seal_fragments; opening one fragment is
/// SkProtection::open_fragment.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "ike/bytes.hpp"
#include "ike/error.hpp"
#include "ike/wire/header.hpp"
#include "ike/wire/protection/sk_protection.hpp"
#include "ike/wire/types.hpp"

namespace ike::wire {

/// RFC 7383 2.5.1: without path MTU knowledge, fragments should fit IP
/// datagrams of 576 octets over IPv4 and 1280 over IPv6.
inline constexpr std::size_t kDefaultIpv4FragmentMtu = 576;
inline constexpr std::size_t kDefaultIpv6FragmentMtu = 1280;

/// The largest IKE message (what seal_fragments' max_message_size means) that
/// fits an IP datagram of `ip_mtu` octets: minus the IP header (20 for IPv4,
/// 40 for IPv6), the UDP header (8) and, on port 4500, the 4-octet non-ESP
/// marker (RFC 3948 2.2). 0 when nothing fits.
constexpr std::size_t max_fragment_message_size(std::size_t ip_mtu, bool ipv6,
                                                bool non_esp_marker) noexcept {
  std::size_t overhead = (ipv6 ? 40 : 20) + 8 + (non_esp_marker ? 4 : 0);
  return ip_mtu > overhead ? ip_mtu - overhead : 0;
}

/// The clear-text facts of a received SKF message, read without any crypto
/// so that a reassembler can drop what it would not store before spending a
/// decryption on it.
struct FragmentHeader {
  IkeHeader header;
  PayloadType first_inner = PayloadType::none;
  std::uint16_t number = 1;
  std::uint16_t total = 1;
};

/// Parses header and chain up to SKF (same structural checks as
/// SkProtection::open_fragment, nothing authenticated yet).
Result<FragmentHeader> peek_fragment(ByteView datagram);

/// Bounds on what one reassembly may hold.
struct ReassemblyLimits {
  /// The highest Total Fragments accepted.
  std::uint16_t max_fragments = 128;
  /// The most inner-chain bytes kept for one message.
  std::size_t max_message_size = 64 * 1024;
};

/// A message put back together: the header of fragment 1 (Next Payload SKF,
/// that fragment's Length), the first inner type from fragment 1, and the
/// inner chain ready for decode_payload_chain(first_inner, inner_chain).
struct ReassembledMessage {
  IkeHeader header;
  PayloadType first_inner = PayloadType::none;
  Bytes inner_chain;
  std::uint16_t fragment_count = 0;
};

/// What became of one fragment that was not refused.
enum class FragmentOutcome {
  /// Kept; more are missing.
  stored,
  /// Already held (or the message is already complete); dropped.
  duplicate,
  /// Its Total Fragments was higher than before: what was held is discarded
  /// and reassembly starts over with it (RFC 7383 2.6.1).
  restarted,
  /// It was the last missing one; FragmentResult::message is set.
  complete,
};

struct FragmentResult {
  FragmentOutcome outcome = FragmentOutcome::stored;
  std::optional<ReassembledMessage> message;
};

/// Collects the fragments of the message with one Message ID, in any order.
/// Each fragment is verified (ICV) before it is stored; nothing unverified
/// ever changes the state. Refusals are errors the caller logs and drops:
/// fragment_rejected (another Message ID, over the limits, a lower Total
/// Fragments than already seen, RFC 7383 2.6.1), integrity_check_failed, or
/// invalid_syntax.
class FragmentReassembler {
 public:
  explicit FragmentReassembler(std::uint32_t message_id, ReassemblyLimits limits = {});

  std::uint32_t message_id() const noexcept { return message_id_; }
  /// Total Fragments of the current reassembly, 0 before the first fragment.
  std::uint16_t total() const noexcept { return total_; }
  /// Fragments held for the current reassembly.
  std::size_t received() const noexcept { return received_; }
  /// Inner-chain bytes held.
  std::size_t held_bytes() const noexcept { return held_bytes_; }
  bool complete() const noexcept { return complete_; }

  /// Cheap checks on the clear header first (Message ID, limits, duplicate,
  /// lower total), then protection.open_fragment (ICV first), then store().
  Result<FragmentResult> accept(ByteView datagram, SkProtection& protection);

  /// Stores a fragment that has already been opened (verified).
  Result<FragmentResult> store(OpenedFragment fragment);

 private:
  /// Refusals and duplicates decided from the clear header alone.
  Result<std::optional<FragmentOutcome>> precheck(const IkeHeader& header, std::uint16_t number,
                                                  std::uint16_t total) const;
  void restart(std::uint16_t total);
  ReassembledMessage assemble();

  std::uint32_t message_id_;
  ReassemblyLimits limits_;
  std::uint16_t total_ = 0;
  std::size_t received_ = 0;
  std::size_t held_bytes_ = 0;
  bool complete_ = false;
  /// The first fragment kept: the others must match its exchange and direction.
  std::optional<IkeHeader> reference_header_;
  /// Fragment 1's header, returned with the reassembled message.
  std::optional<IkeHeader> first_header_;
  PayloadType first_inner_ = PayloadType::none;
  std::vector<std::optional<Bytes>> parts_;
};

}  // namespace ike::wire
