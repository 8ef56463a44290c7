#pragma once
/// IKEv2 transform IDs to the kernel's crypto API names, ICV and truncation
/// lengths, and the sizes of the key material the kernel expects.
///
/// The kernel takes AEAD keys with the salt appended (RFC 4106 8.1, RFC 4309
/// 7.1, RFC 4543 8, RFC 7634 2), exactly as IKE derives them (RFC 7296 2.17),
/// and its key length field counts the bits of that whole blob: AES-128-GCM
/// is 20 bytes (160 bits), AES-256-GCM and ChaCha20-Poly1305 are 36.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ike/error.hpp"
#include "ike/wire/types.hpp"

namespace ikev2d::xfrm {

/// How the kernel knows an encryption transform.
struct KernelCipher {
  /// Crypto API name, e.g. "rfc4106(gcm(aes))".
  std::string_view name;
  /// XFRMA_ALG_AEAD (true) or XFRMA_ALG_CRYPT.
  bool aead = false;
  /// ICV length in bits for AEAD; 0 otherwise.
  std::uint16_t icv_bits = 0;
  /// Bytes of salt / nonce after the cipher key in the key material.
  std::size_t salt_bytes = 0;
};

/// The kernel transform for `algorithm`, after checking that
/// `keying_material_bytes` fits it: key (one of the algorithm's sizes) plus
/// salt, and equal to `key_bits` / 8 plus salt when `key_bits` (the IKE Key
/// Length attribute) is not 0. Errors: unsupported_algorithm for transforms
/// without a kernel equivalent here, invalid_argument for a wrong size (the
/// reason gives the expected size).
ike::Result<KernelCipher> kernel_cipher(ike::wire::EncryptionAlgorithm algorithm,
                                        std::uint16_t key_bits, std::size_t keying_material_bytes);

/// How the kernel knows an integrity transform (XFRMA_ALG_AUTH_TRUNC).
struct KernelIntegrity {
  /// Crypto API name, e.g. "hmac(sha256)".
  std::string_view name;
  /// ICV length in bits: 96, or the RFC 4868 truncations 128/192/256.
  std::uint16_t truncation_bits = 0;
};

/// The kernel transform for `algorithm` with a key of `key_bytes` (which must
/// be the algorithm's key size, RFC 4868 2.1.1 for HMAC-SHA2).
ike::Result<KernelIntegrity> kernel_integrity(ike::wire::IntegrityAlgorithm algorithm,
                                              std::size_t key_bytes);

}  // namespace ikev2d::xfrm
