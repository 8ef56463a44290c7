#pragma once
/// Our model of one SA proposal (RFC 7296 3.3): for IKE or ESP, the
/// acceptable transforms of each type in preference order. Several transforms
/// of one type are alternatives ("OR"), the types are all required ("AND").
/// A proposal is either all-AEAD (no integrity) or all-classic
/// (encryption + integrity), as RFC 7296 3.3 demands.
///
/// Also the result of a negotiation, `NegotiatedAlgorithms`: exactly one
/// transform per type, which the key derivation and cipher code consume.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ike/bytes.hpp"
#include "ike/wire/payloads.hpp"
#include "ike/wire/types.hpp"

namespace ike::proposal {

/// An encryption transform with its Key Length attribute (0 = none sent).
struct EncryptionTransform {
  wire::EncryptionAlgorithm id = wire::EncryptionAlgorithm::aes_gcm_16;
  std::uint16_t key_bits = 0;
  friend bool operator==(const EncryptionTransform&, const EncryptionTransform&) = default;
};

/// True for combined-mode ciphers (AES-GCM, AES-CCM, ChaCha20-Poly1305).
bool is_aead(wire::EncryptionAlgorithm id) noexcept;

/// One proposal, transforms of each type in descending preference.
///
/// Invariants of proposals built by the parser or defaults.hpp: IKE has
/// encryption, PRF and key exchange, integrity iff classic, no ESN; ESP has
/// encryption, integrity iff classic, no PRF, at least one ESN value, key
/// exchange groups only for PFS. Proposals converted from the wire
/// (wire_conversion.hpp) may also hold `IntegrityAlgorithm::none` and
/// `KeGroup::none`, which peers may offer (RFC 7296 3.3.2).
struct CryptoProposal {
  wire::ProtocolId protocol = wire::ProtocolId::ike;
  std::vector<EncryptionTransform> encryption;
  std::vector<wire::PrfAlgorithm> prf;
  std::vector<wire::IntegrityAlgorithm> integrity;
  std::vector<wire::KeGroup> ke_groups;
  std::vector<wire::EsnMode> esn;

  /// All encryption transforms are AEAD (and there is at least one).
  bool aead() const noexcept;
  friend bool operator==(const CryptoProposal&, const CryptoProposal&) = default;
};

/// strongSwan's status form: "IKE:AES_CBC_128/AES_CBC_256/HMAC_SHA2_256_128/
/// PRF_HMAC_SHA2_256/MODP_3072", "ESP:AES_GCM_16_256/NO_EXT_SEQ" (types in
/// the order encryption, integrity, PRF, key exchange, ESN).
std::string describe(const CryptoProposal& proposal);

/// describe() of each, joined by ", ".
std::string describe(std::span<const CryptoProposal> proposals);

/// The key exchange group an initiator puts in its KE payload: the first
/// group of the first proposal that has one (strongSwan does the same).
/// nullopt when no proposal has a group (ESP without PFS).
std::optional<wire::KeGroup> preferred_ke_group(std::span<const CryptoProposal> proposals);

/// After INVALID_KE_PAYLOAD (RFC 7296 1.2) or for an IKE rekey reusing the old
/// group: moves `group` to the front of every proposal containing it, and the
/// proposals lacking it behind the others (order otherwise kept), so the
/// proposals we send agree with the KE payload we send. Returns false, and
/// changes nothing, when no proposal contains `group`.
bool promote_ke_group(std::vector<CryptoProposal>& proposals, wire::KeGroup group);

/// The outcome of a negotiation: one transform of each type.
struct NegotiatedAlgorithms {
  wire::ProtocolId protocol = wire::ProtocolId::ike;
  /// Algorithm and Key Length in bits (0 for ChaCha20-Poly1305, whose key is
  /// always 256 bits, RFC 7634).
  EncryptionTransform encryption;
  /// `none` for AEAD.
  wire::IntegrityAlgorithm integrity = wire::IntegrityAlgorithm::none;
  /// Set for IKE, empty for ESP.
  std::optional<wire::PrfAlgorithm> prf;
  /// IKE: the group of the key exchange. ESP: the PFS group of a
  /// CREATE_CHILD_SA, `none` without PFS (and always in IKE_AUTH).
  wire::KeGroup ke_group = wire::KeGroup::none;
  /// ESP only: extended (64-bit) sequence numbers (RFC 4303 2.2.1).
  bool extended_sequence_numbers = false;

  bool aead() const noexcept { return is_aead(encryption.id); }
  friend bool operator==(const NegotiatedAlgorithms&, const NegotiatedAlgorithms&) = default;
};

/// Status form without protocol prefix, as strongSwan logs a selected
/// proposal: "AES_GCM_16_256/PRF_HMAC_SHA2_384/CURVE_25519",
/// "AES_CBC_128/HMAC_SHA2_256_128/NO_EXT_SEQ".
std::string describe(const NegotiatedAlgorithms& algorithms);

/// A proposal both sides agreed on.
struct SelectedProposal {
  /// The Proposal Num of the initiator's proposal (RFC 7296 3.3.1).
  std::uint8_t number = 1;
  /// The SPI the peer sent in that proposal: for the responder the
  /// initiator's SPI, for the initiator the responder's (empty in
  /// IKE_SA_INIT, 8 bytes in an IKE rekey, 4 bytes for ESP). For ESP it is the
  /// SPI of the peer's inbound SA, i.e. ours to send with.
  Bytes peer_spi;
  NegotiatedAlgorithms algorithms;
  /// The chosen transforms exactly as the initiator encoded them (including
  /// integrity or KE "NONE" when the initiator offered it), for the response.
  std::vector<wire::Transform> transforms;
  friend bool operator==(const SelectedProposal&, const SelectedProposal&) = default;
};

/// The responder's SA payload: one proposal carrying the selection's number
/// and transforms and the responder's own SPI (`our_spi`: empty in
/// IKE_SA_INIT, our new IKE SPI in an IKE rekey, our inbound ESP SPI).
wire::SaPayload response_sa_payload(const SelectedProposal& selected, ByteView our_spi);

}  // namespace ike::proposal
