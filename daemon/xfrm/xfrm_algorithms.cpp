#include "xfrm/xfrm_algorithms.hpp"

#include <array>
#include <optional>
#include <string>

namespace ikev2d::xfrm {

namespace {

using ike::wire::EncryptionAlgorithm;
using ike::wire::IntegrityAlgorithm;

struct CipherRow {
  EncryptionAlgorithm algorithm;
  KernelCipher cipher;
  /// Allowed cipher key sizes in bytes; 0 ends the list unless first.
  std::array<std::uint8_t, 3> key_bytes;
};

// RFC 4106 (GCM), RFC 4309 (CCM), RFC 4543 (GMAC), RFC 7634 (ChaCha20-
// Poly1305), RFC 3602 (CBC), RFC 3686 (CTR), RFC 2451 (3DES), RFC 2410 (NULL).
constexpr std::array<CipherRow, 11> cipher_table = {{
    {EncryptionAlgorithm::aes_gcm_16, {"rfc4106(gcm(aes))", true, 128, 4}, {16, 24, 32}},
    {EncryptionAlgorithm::aes_gcm_12, {"rfc4106(gcm(aes))", true, 96, 4}, {16, 24, 32}},
    {EncryptionAlgorithm::aes_gcm_8, {"rfc4106(gcm(aes))", true, 64, 4}, {16, 24, 32}},
    {EncryptionAlgorithm::aes_ccm_16, {"rfc4309(ccm(aes))", true, 128, 3}, {16, 24, 32}},
    {EncryptionAlgorithm::aes_ccm_12, {"rfc4309(ccm(aes))", true, 96, 3}, {16, 24, 32}},
    {EncryptionAlgorithm::aes_ccm_8, {"rfc4309(ccm(aes))", true, 64, 3}, {16, 24, 32}},
    {EncryptionAlgorithm::null_auth_aes_gmac, {"rfc4543(gcm(aes))", true, 128, 4}, {16, 24, 32}},
    {EncryptionAlgorithm::chacha20_poly1305,
     {"rfc7539esp(chacha20,poly1305)", true, 128, 4},
     {32, 0, 0}},
    {EncryptionAlgorithm::aes_cbc, {"cbc(aes)", false, 0, 0}, {16, 24, 32}},
    {EncryptionAlgorithm::aes_ctr, {"rfc3686(ctr(aes))", false, 0, 4}, {16, 24, 32}},
    {EncryptionAlgorithm::des3, {"cbc(des3_ede)", false, 0, 0}, {24, 0, 0}},
}};

struct IntegrityRow {
  IntegrityAlgorithm algorithm;
  KernelIntegrity integrity;
  std::size_t key_bytes;
};

// RFC 4868 2.6 (HMAC-SHA2 truncations), RFC 2404, RFC 2403, RFC 3566, RFC 4494.
constexpr std::array<IntegrityRow, 7> integrity_table = {{
    {IntegrityAlgorithm::hmac_sha2_256_128, {"hmac(sha256)", 128}, 32},
    {IntegrityAlgorithm::hmac_sha2_384_192, {"hmac(sha384)", 192}, 48},
    {IntegrityAlgorithm::hmac_sha2_512_256, {"hmac(sha512)", 256}, 64},
    {IntegrityAlgorithm::hmac_sha1_96, {"hmac(sha1)", 96}, 20},
    {IntegrityAlgorithm::hmac_md5_96, {"hmac(md5)", 96}, 16},
    {IntegrityAlgorithm::aes_xcbc_96, {"xcbc(aes)", 96}, 16},
    {IntegrityAlgorithm::aes_cmac_96, {"cmac(aes)", 96}, 16},
}};

std::string sizes_text(const std::array<std::uint8_t, 3>& sizes, std::size_t salt) {
  std::string text;
  for (auto size : sizes) {
    if (size == 0) break;
    if (!text.empty()) text += " or ";
    text += std::to_string(size + salt);
  }
  return text;
}

}  // namespace

ike::Result<KernelCipher> kernel_cipher(EncryptionAlgorithm algorithm, std::uint16_t key_bits,
                                        std::size_t keying_material_bytes) {
  if (algorithm == EncryptionAlgorithm::null) {
    if (keying_material_bytes != 0) {
      return ike::make_error(
          ike::Errc::invalid_argument,
          "ENCR_NULL takes no key, got " + std::to_string(keying_material_bytes) + " bytes");
    }
    return KernelCipher{"ecb(cipher_null)", false, 0, 0};
  }
  for (const auto& row : cipher_table) {
    if (row.algorithm != algorithm) continue;
    const auto& cipher = row.cipher;
    std::string salt_note = cipher.salt_bytes == 0
                                ? ""
                                : " (with the " + std::to_string(cipher.salt_bytes) + "-byte salt)";
    if (key_bits != 0) {
      std::size_t expected = key_bits / 8u + cipher.salt_bytes;
      bool allowed = key_bits % 8 == 0;
      bool listed = false;
      for (auto size : row.key_bytes)
        listed = listed || (size != 0 && size == key_bits / 8u);
      if (!allowed || !listed) {
        return ike::make_error(ike::Errc::invalid_argument,
                               ike::wire::to_string(algorithm) + " has no " +
                                   std::to_string(key_bits) + "-bit key size");
      }
      if (keying_material_bytes != expected) {
        return ike::make_error(ike::Errc::invalid_argument,
                               ike::wire::to_string(algorithm) + " with a " +
                                   std::to_string(key_bits) + "-bit key needs " +
                                   std::to_string(expected) + " bytes of key material" + salt_note +
                                   ", got " + std::to_string(keying_material_bytes));
      }
      return cipher;
    }
    for (auto size : row.key_bytes) {
      if (size != 0 && keying_material_bytes == size + cipher.salt_bytes) return cipher;
    }
    return ike::make_error(ike::Errc::invalid_argument,
                           ike::wire::to_string(algorithm) + " needs " +
                               sizes_text(row.key_bytes, cipher.salt_bytes) +
                               " bytes of key material" + salt_note + ", got " +
                               std::to_string(keying_material_bytes));
  }
  return ike::make_error(ike::Errc::unsupported_algorithm,
                         ike::wire::to_string(algorithm) + " has no kernel ESP transform");
}

ike::Result<KernelIntegrity> kernel_integrity(IntegrityAlgorithm algorithm, std::size_t key_bytes) {
  for (const auto& row : integrity_table) {
    if (row.algorithm != algorithm) continue;
    if (key_bytes != row.key_bytes) {
      return ike::make_error(ike::Errc::invalid_argument,
                             ike::wire::to_string(algorithm) + " needs a " +
                                 std::to_string(row.key_bytes) + "-byte key, got " +
                                 std::to_string(key_bytes));
    }
    return row.integrity;
  }
  return ike::make_error(ike::Errc::unsupported_algorithm,
                         ike::wire::to_string(algorithm) + " has no kernel ESP transform");
}

}  // namespace ikev2d::xfrm
