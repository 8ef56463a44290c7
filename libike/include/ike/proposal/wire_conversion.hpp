#pragma once
/// Between our proposal model and the SA payload structs (RFC 7296 3.3).
///
/// Outbound: proposals are numbered 1, 2, ... in preference order (RFC 7296
/// 3.3.1); every proposal carries the caller's SPI; transforms are grouped by
/// type in the order ENCR, PRF, INTEG, KE, ESN (RFC 7296 3.3.2's type
/// numbers; the RFC gives no order between types, peers must accept any),
/// within a type in preference order. AES transforms carry the Key Length
/// attribute in TV form (RFC 7296 3.3.5, mandatory for AES: RFC 3602, RFC
/// 4106); ChaCha20-Poly1305 carries none (RFC 7634 2); an ESP proposal
/// without ESN gets NO_ESN, ESN being mandatory for ESP (RFC 7296 3.3.3).
///
/// Inbound (RFC 7296 3.3.6): a transform we do not support, or with an
/// attribute we do not understand, is ignored and the other transforms of its
/// type still count; a transform type we do not know, a protocol other than
/// IKE/ESP, or a type not allowed for the protocol (ESN in IKE, PRF in ESP)
/// makes the whole proposal unacceptable, and the other proposals are judged
/// as usual.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ike/bytes.hpp"
#include "ike/proposal/crypto_proposal.hpp"
#include "ike/wire/payloads.hpp"

namespace ike::proposal {

/// Whether key exchange transforms go on the wire. `omit` is for the first
/// Child SA, negotiated in IKE_AUTH and keyed from the IKE SA's key exchange
/// (RFC 7296 1.2), where strongSwan strips them too.
enum class KeTransforms { include, omit };

/// One proposal with the given number and SPI.
wire::Proposal to_wire(const CryptoProposal& proposal, std::uint8_t number, ByteView spi,
                       KeTransforms ke = KeTransforms::include);

/// The initiator's SA payload: all `proposals` (at most 255; the parser caps
/// configured lists at kMaxConfiguredProposals) numbered from 1, each with
/// `spi` (empty in IKE_SA_INIT, our new IKE SPI in an IKE rekey, our inbound
/// ESP SPI for a Child SA).
wire::SaPayload to_sa_payload(std::span<const CryptoProposal> proposals, ByteView spi,
                              KeTransforms ke = KeTransforms::include);

/// A received proposal in our model.
struct ReceivedProposal {
  std::uint8_t number = 0;
  wire::ProtocolId protocol = wire::ProtocolId::ike;
  Bytes spi;
  /// The transforms we support, in the sender's order (which is its
  /// preference). May contain IntegrityAlgorithm::none and KeGroup::none.
  CryptoProposal supported;
  /// One line per ignored transform: "ENCR AES_CTR_128: not supported",
  /// "ENCR AES_CBC: Key Length attribute missing", "INTEG HMAC_SHA2_256_128:
  /// unknown attribute type 7".
  std::vector<std::string> ignored;
  /// Non-empty when the whole proposal must be refused, with the reason
  /// ("unknown transform type 6").
  std::string unacceptable;
  /// Bit (1 << type) for every transform type present in the proposal,
  /// supported or not: a type that was offered but entirely ignored cannot be
  /// agreed on, which is different from a type not offered at all.
  std::uint8_t offered_types = 0;

  bool offers(wire::TransformType type) const noexcept {
    return (offered_types >> static_cast<unsigned>(type)) & 1u;
  }
};

/// Converts one received proposal.
ReceivedProposal from_wire(const wire::Proposal& proposal);

/// The Key Length attribute of a transform in bits: nullopt without one;
/// an error text when it is malformed (TLV form, repeated) or another
/// attribute type is present.
struct KeyLengthResult {
  std::optional<std::uint16_t> bits;
  std::string problem;
};
KeyLengthResult key_length_of(const wire::Transform& transform);

/// strongSwan's log form of a proposal as sent or received, unsupported
/// transforms included: "IKE:AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024",
/// "ESP:AES_CTR_128/HMAC_SHA2_256_128/NO_EXT_SEQ".
std::string describe(const wire::Proposal& proposal);

/// describe() of each proposal, joined by ", ".
std::string describe(const wire::SaPayload& payload);

}  // namespace ike::proposal
