#include "ike/crypto/cipher_description.hpp"

#include <string>

namespace ike::crypto {
namespace {

using wire::EncryptionAlgorithm;
using wire::IntegrityAlgorithm;

Error unsupported(std::string what) {
  return make_error(Errc::unsupported_algorithm, std::move(what));
}

std::string key_length_text(EncryptionAlgorithm algorithm, std::uint16_t key_bits) {
  return to_string(algorithm) + " with a " + std::to_string(key_bits) + "-bit key";
}

}  // namespace

Result<CipherDescription> describe_cipher(EncryptionAlgorithm algorithm, std::uint16_t key_bits) {
  CipherDescription out;
  out.algorithm = algorithm;
  out.key_bits = key_bits;
  switch (algorithm) {
    case EncryptionAlgorithm::aes_gcm_16:
      // RFC 5282 7.1: keying material is the AES key followed by a 4-octet salt;
      // 8-octet explicit IV; a 16-octet ICV. GCM is a stream mode, so no
      // alignment beyond one octet is needed.
      if (key_bits != 128 && key_bits != 256)
        return unsupported(key_length_text(algorithm, key_bits) + " (128 or 256 supported)");
      out.family = CipherFamily::aes_gcm;
      out.key_size = key_bits / 8;
      out.salt_size = 4;
      out.iv_size = 8;
      out.block_size = 1;
      out.tag_size = 16;
      out.name = key_bits == 128 ? "AES-GCM-16-128" : "AES-GCM-16-256";
      return out;
    case EncryptionAlgorithm::chacha20_poly1305:
      // RFC 7634 2 and 4: 256-bit key plus 4-octet salt, 8-octet IV, 16-octet tag;
      // the transform carries no Key Length attribute.
      if (key_bits != 0 && key_bits != 256)
        return unsupported(key_length_text(algorithm, key_bits) + " (the key is always 256 bits)");
      out.family = CipherFamily::chacha20_poly1305;
      out.key_size = 32;
      out.salt_size = 4;
      out.iv_size = 8;
      out.block_size = 1;
      out.tag_size = 16;
      out.name = "ChaCha20-Poly1305";
      return out;
    case EncryptionAlgorithm::aes_cbc:
      // RFC 3602 / RFC 7296 3.14: a random IV of one block, padding to the block.
      if (key_bits != 128 && key_bits != 256)
        return unsupported(key_length_text(algorithm, key_bits) + " (128 or 256 supported)");
      out.family = CipherFamily::aes_cbc;
      out.key_size = key_bits / 8;
      out.salt_size = 0;
      out.iv_size = 16;
      out.block_size = 16;
      out.tag_size = 0;
      out.name = key_bits == 128 ? "AES-CBC-128" : "AES-CBC-256";
      return out;
    default:
      return unsupported(to_string(algorithm) + " is not supported for SK payloads");
  }
}

Result<IntegrityDescription> describe_integrity(IntegrityAlgorithm algorithm) {
  IntegrityDescription out;
  out.algorithm = algorithm;
  switch (algorithm) {
    case IntegrityAlgorithm::hmac_sha2_256_128:
      out.key_size = 32;
      out.icv_size = 16;
      out.digest = "SHA2-256";
      out.name = "HMAC-SHA2-256-128";
      return out;
    case IntegrityAlgorithm::hmac_sha2_384_192:
      out.key_size = 48;
      out.icv_size = 24;
      out.digest = "SHA2-384";
      out.name = "HMAC-SHA2-384-192";
      return out;
    case IntegrityAlgorithm::hmac_sha2_512_256:
      out.key_size = 64;
      out.icv_size = 32;
      out.digest = "SHA2-512";
      out.name = "HMAC-SHA2-512-256";
      return out;
    default:
      return unsupported(to_string(algorithm) + " is not supported for SK payloads");
  }
}

Result<SuiteDescription> describe_suite(EncryptionAlgorithm algorithm, std::uint16_t key_bits,
                                        IntegrityAlgorithm integrity) {
  auto cipher = describe_cipher(algorithm, key_bits);
  if (!cipher) return std::move(cipher).error();
  SuiteDescription suite{*cipher, std::nullopt};
  if (cipher->is_aead()) {
    if (integrity != IntegrityAlgorithm::none)
      return unsupported(to_string(algorithm) + " is an AEAD cipher and takes no integrity " +
                         "transform, but " + to_string(integrity) + " was given");
    return suite;
  }
  if (integrity == IntegrityAlgorithm::none)
    return unsupported(to_string(algorithm) + " needs an integrity transform");
  auto mac = describe_integrity(integrity);
  if (!mac) return std::move(mac).error();
  suite.integrity = *mac;
  return suite;
}

}  // namespace ike::crypto
