#include "ike/crypto/cipher_algorithms.hpp"

#include <openssl/err.h>

#include "crypto/cipher/fetched_algorithms.hpp"

namespace ike::crypto {
namespace {

detail::CipherPtr fetch_cipher(const char* name) {
  return detail::CipherPtr(EVP_CIPHER_fetch(nullptr, name, nullptr));
}

}  // namespace

EVP_CIPHER* CipherAlgorithms::Fetched::cipher(const CipherDescription& description) const noexcept {
  switch (description.family) {
    case CipherFamily::aes_gcm:
      return description.key_size == 16 ? aes128_gcm.get() : aes256_gcm.get();
    case CipherFamily::chacha20_poly1305:
      return chacha20_poly1305.get();
    case CipherFamily::aes_cbc:
      return description.key_size == 16 ? aes128_cbc.get() : aes256_cbc.get();
  }
  return nullptr;
}

CipherAlgorithms::CipherAlgorithms() : fetched_(std::make_unique<Fetched>()) {
  fetched_->aes128_gcm = fetch_cipher("AES-128-GCM");
  fetched_->aes256_gcm = fetch_cipher("AES-256-GCM");
  fetched_->chacha20_poly1305 = fetch_cipher("ChaCha20-Poly1305");
  fetched_->aes128_cbc = fetch_cipher("AES-128-CBC");
  fetched_->aes256_cbc = fetch_cipher("AES-256-CBC");
  fetched_->hmac = detail::MacPtr(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  // A missing algorithm is reported when a key for it is created, not here.
  ERR_clear_error();
}

CipherAlgorithms::~CipherAlgorithms() = default;
CipherAlgorithms::CipherAlgorithms(CipherAlgorithms&&) noexcept = default;
CipherAlgorithms& CipherAlgorithms::operator=(CipherAlgorithms&&) noexcept = default;

bool CipherAlgorithms::supports(const SuiteDescription& suite) const noexcept {
  if (fetched_->cipher(suite.cipher) == nullptr) return false;
  return !suite.integrity || fetched_->hmac != nullptr;
}

}  // namespace ike::crypto
