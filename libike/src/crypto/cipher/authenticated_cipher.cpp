#include "ike/crypto/cipher_authenticated.hpp"

#include <string>

namespace ike::crypto {

Result<AuthenticatedCipher> AuthenticatedCipher::create(const CipherAlgorithms& algorithms,
                                                        const SuiteDescription& suite,
                                                        ByteView encryption_key,
                                                        ByteView integrity_key) {
  AuthenticatedCipher out(suite);
  if (suite.cipher.is_aead()) {
    if (suite.integrity || !integrity_key.empty())
      return make_error(Errc::invalid_argument,
                        std::string(suite.cipher.name) + " takes no integrity key");
    auto aead = AeadCipher::create(algorithms, suite.cipher, encryption_key);
    if (!aead) return std::move(aead).error();
    out.aead_.emplace(std::move(*aead));
    return out;
  }
  if (!suite.integrity)
    return make_error(Errc::invalid_argument,
                      std::string(suite.cipher.name) + " needs an integrity transform");
  auto cbc = CbcCipher::create(algorithms, suite.cipher, encryption_key);
  if (!cbc) return std::move(cbc).error();
  auto hmac = HmacIntegrity::create(algorithms, *suite.integrity, integrity_key);
  if (!hmac) return std::move(hmac).error();
  out.cbc_.emplace(std::move(*cbc));
  out.hmac_.emplace(std::move(*hmac));
  return out;
}

Status AuthenticatedCipher::seal(ByteView associated, ByteView iv, std::span<std::uint8_t> data,
                                 std::span<std::uint8_t> icv) {
  if (aead_) return aead_->seal(iv, associated, data, icv);
  // RFC 7296 3.14: encrypt, then MAC everything from the IKE header through
  // the ciphertext (the IV included).
  auto encrypted = cbc_->encrypt(iv, data);
  if (!encrypted) return encrypted;
  return hmac_->compute({associated, iv, data}, icv);
}

Status AuthenticatedCipher::open(ByteView associated, ByteView iv, std::span<std::uint8_t> data,
                                 ByteView icv) {
  if (aead_) return aead_->open(iv, associated, data, icv);
  auto verified = hmac_->verify({associated, iv, data}, icv);
  if (!verified) return verified;
  return cbc_->decrypt(iv, data);
}

}  // namespace ike::crypto
