#pragma once
/// The IKE_SA_INIT request of ikev2d-flood (README.md in this folder): a
/// well-formed first message of a new IKE SA (RFC 7296 1.2) as an initiator
/// would send it, HDR(SPIi, 0) SA KE Ni N(NAT_DETECTION_SOURCE_IP)
/// N(NAT_DETECTION_DESTINATION_IP), that a responder cannot tell from a real
/// one without spending state or a cookie round trip on it.
///
/// The message is encoded once with libike's wire encoders; each flood packet
/// then only rewrites the fields that differ between initiators (SPIi, the
/// key exchange value, the nonce and the two NAT-D hashes), in place, so a
/// packet costs two SHA-1 and some random bytes rather than an encoding.
///
///   auto request = FloodRequest::build(proposals, responder);
///   request->renew(spi, spoofed_source, random);
///   send(request->bytes());

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "ike/bytes.hpp"
#include "ike/error.hpp"
#include "ike/proposal/crypto_proposal.hpp"
#include "ike/random.hpp"
#include "ike/sa/endpoint.hpp"
#include "ike/wire/types.hpp"

namespace ikev2d::load {

class FloodRequest {
 public:
  /// The size of a NAT-D hash: SHA-1 (RFC 7296 2.23).
  static constexpr std::size_t kNatDetectionSize = 20;

  /// Encodes the template: an SA payload with `proposals` (the offer, as
  /// ikev2d-load would send it), a KE payload of the first proposal's first
  /// group with a value of that group's exact length, a nonce of
  /// `nonce_size` octets (16..256, RFC 7296 2.10), and NAT-D hashes for
  /// `responder`. Fails (invalid_argument) without a key exchange group, for
  /// a group libike cannot size, or a nonce size out of range.
  static ike::Result<FloodRequest> build(std::span<const ike::proposal::CryptoProposal> proposals,
                                         const ike::sa::Endpoint& responder,
                                         std::size_t nonce_size = 32);

  /// Makes the message that of a new initiator at `source` with SPIi `spi`
  /// (not 0): fresh random key exchange value and nonce from `random`, and
  /// NAT-D hashes SHA-1(SPIi | SPIr=0 | address | port) for `source` and
  /// the responder (RFC 7296 2.23).
  void renew(std::uint64_t spi, const ike::sa::Endpoint& source, ike::RandomSource& random);

  /// The whole IKE message (without a non-ESP marker).
  ike::ByteView bytes() const noexcept { return message_; }
  ike::wire::KeGroup group() const noexcept { return group_; }
  std::size_t key_exchange_size() const noexcept { return key_exchange_size_; }
  std::size_t nonce_size() const noexcept { return nonce_size_; }

 private:
  FloodRequest() = default;
  void write_nat_detection(std::size_t offset, std::uint64_t spi,
                           const ike::sa::Endpoint& endpoint);

  ike::Bytes message_;
  ike::sa::Endpoint responder_;
  ike::wire::KeGroup group_ = ike::wire::KeGroup::none;
  std::size_t key_exchange_size_ = 0;
  std::size_t nonce_size_ = 0;
  /// Where the variable fields start in message_.
  std::size_t key_exchange_offset_ = 0;
  std::size_t nonce_offset_ = 0;
  std::size_t nat_source_offset_ = 0;
  std::size_t nat_destination_offset_ = 0;
};

/// What the answer to an IKE_SA_INIT request is, from its first payloads:
/// what the flood counts, and what ikev2d-load counts to show that a
/// responder engaged its cookies.
enum class InitAnswer : std::uint8_t {
  other,       ///< not an IKE_SA_INIT response (or not IKE at all)
  cookie,      ///< N(COOKIE): the responder asks for a cookie round trip (RFC 7296 2.6)
  invalid_ke,  ///< N(INVALID_KE_PAYLOAD): another group, please (RFC 7296 1.3)
  refused,     ///< another error notify (NO_PROPOSAL_CHOSEN, ...)
  accepted,    ///< SA, KE, Nr: the responder created a half-open IKE SA
};

/// Classifies `datagram` (an IKE message without non-ESP marker). Reads only
/// the header and decodes the message; malformed input is `other`.
InitAnswer classify_init_answer(ike::ByteView datagram);

/// "cookie", "invalid_ke", ...
const char* to_string(InitAnswer answer) noexcept;

}  // namespace ikev2d::load
