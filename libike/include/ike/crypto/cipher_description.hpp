#pragma once
/// What each SK payload transform needs, keyed by its IANA identifiers, so
/// the key derivation knows how many bytes SK_e and SK_a take (RFC 7296 2.14)
/// and the protection layer knows the sizes of IV, padding and ICV.
///
/// Supported (RFC 8247 MUST/SHOULD):
///   ENCR_AES_GCM_16 with 128/256-bit keys (RFC 5282): SK_e = key || 4-byte salt
///   ENCR_CHACHA20_POLY1305 (RFC 7634): SK_e = 32-byte key || 4-byte salt
///   ENCR_AES_CBC with 128/256-bit keys (RFC 3602), with one of
///   AUTH_HMAC_SHA2_256_128 / _384_192 / _512_256 (RFC 4868)
/// Anything else is Error{unsupported_algorithm}.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "ike/error.hpp"
#include "ike/wire/types.hpp"

namespace ike::crypto {

/// The OpenSSL cipher family behind an encryption transform.
enum class CipherFamily { aes_gcm, chacha20_poly1305, aes_cbc };

struct CipherDescription {
  wire::EncryptionAlgorithm algorithm = wire::EncryptionAlgorithm::aes_gcm_16;
  /// The Key Length attribute as negotiated (0 for ChaCha20-Poly1305, which has none).
  std::uint16_t key_bits = 0;
  CipherFamily family = CipherFamily::aes_gcm;
  /// Bytes of the cipher key proper.
  std::size_t key_size = 0;
  /// Bytes of nonce salt taken from the keying material after the key (AEAD only).
  std::size_t salt_size = 0;
  /// Bytes of explicit IV carried in each SK/SKF payload.
  std::size_t iv_size = 0;
  /// Inner payloads + padding + pad length must be a multiple of this.
  std::size_t block_size = 1;
  /// Bytes of authentication tag (AEAD); 0 when an integrity transform supplies the ICV.
  std::size_t tag_size = 0;
  /// "AES-GCM-16-256", for log lines.
  std::string_view name;

  bool is_aead() const noexcept { return tag_size != 0; }
  /// Length of SK_ei / SK_er (RFC 7296 2.14, RFC 5282 7.1, RFC 7634 4).
  std::size_t keying_material_size() const noexcept { return key_size + salt_size; }
};

struct IntegrityDescription {
  wire::IntegrityAlgorithm algorithm = wire::IntegrityAlgorithm::hmac_sha2_256_128;
  /// Length of SK_ai / SK_ar (RFC 4868 2.6: the hash output size).
  std::size_t key_size = 0;
  /// Truncated ICV length (RFC 4868 2.6).
  std::size_t icv_size = 0;
  /// OpenSSL digest name given to HMAC.
  std::string_view digest;
  /// "HMAC-SHA2-256-128", for log lines.
  std::string_view name;
};

/// Describes an encryption transform; `key_bits` is its Key Length attribute
/// (0 when absent, which only ChaCha20-Poly1305 allows; it also accepts 256).
Result<CipherDescription> describe_cipher(wire::EncryptionAlgorithm algorithm,
                                          std::uint16_t key_bits);

/// Describes an integrity transform; `none` is not an integrity transform here.
Result<IntegrityDescription> describe_integrity(wire::IntegrityAlgorithm algorithm);

/// One negotiated SK protection suite: an AEAD alone, or CBC with an HMAC.
struct SuiteDescription {
  CipherDescription cipher;
  /// Empty for AEAD ciphers.
  std::optional<IntegrityDescription> integrity;

  /// Length of each of SK_ei and SK_er.
  std::size_t encryption_key_size() const noexcept { return cipher.keying_material_size(); }
  /// Length of each of SK_ai and SK_ar; 0 for AEAD (RFC 5282 7.1: no SK_a).
  std::size_t integrity_key_size() const noexcept { return integrity ? integrity->key_size : 0; }
  std::size_t iv_size() const noexcept { return cipher.iv_size; }
  std::size_t block_size() const noexcept { return cipher.block_size; }
  /// Bytes of Integrity Checksum Data at the end of each SK/SKF payload.
  std::size_t icv_size() const noexcept {
    return integrity ? integrity->icv_size : cipher.tag_size;
  }
};

/// Checks the combination: an AEAD cipher needs integrity `none` (RFC 7296
/// 3.3: an AEAD proposal has no integrity transform, or NONE), a CBC cipher
/// needs a supported HMAC.
Result<SuiteDescription> describe_suite(wire::EncryptionAlgorithm algorithm, std::uint16_t key_bits,
                                        wire::IntegrityAlgorithm integrity);

}  // namespace ike::crypto
