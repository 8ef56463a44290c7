#include "ike/crypto/pki/public_key.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <cstring>

namespace ike::pki {
namespace {

KeyType classify_ec(const EVP_PKEY* key) {
  char group[64] = {};
  std::size_t length = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                     &length) != 1)
    return KeyType::unsupported;
  std::string_view curve(group, length);
  if (curve == "prime256v1" || curve == "P-256") return KeyType::ecdsa_p256;
  if (curve == "secp384r1" || curve == "P-384") return KeyType::ecdsa_p384;
  if (curve == "secp521r1" || curve == "P-521") return KeyType::ecdsa_p521;
  return KeyType::unsupported;
}

}  // namespace

std::string_view name(KeyType type) noexcept {
  switch (type) {
    case KeyType::rsa:
      return "RSA";
    case KeyType::rsa_pss:
      return "RSA-PSS";
    case KeyType::ecdsa_p256:
      return "ECDSA-P256";
    case KeyType::ecdsa_p384:
      return "ECDSA-P384";
    case KeyType::ecdsa_p521:
      return "ECDSA-P521";
    case KeyType::ed25519:
      return "Ed25519";
    case KeyType::unsupported:
      return "unsupported";
  }
  return "unsupported";
}

KeyType classify_key(const EVP_PKEY* key) noexcept {
  if (key == nullptr) return KeyType::unsupported;
  if (EVP_PKEY_is_a(key, "RSA")) return KeyType::rsa;
  if (EVP_PKEY_is_a(key, "RSA-PSS")) return KeyType::rsa_pss;
  if (EVP_PKEY_is_a(key, "EC")) return classify_ec(key);
  if (EVP_PKEY_is_a(key, "ED25519")) return KeyType::ed25519;
  return KeyType::unsupported;
}

PublicKey::PublicKey(EVP_PKEY* key) {
  if (key == nullptr) return;
  EVP_PKEY_up_ref(key);
  key_.reset(key);
  type_ = classify_key(key);
  bits_ = EVP_PKEY_get_bits(key);
}

PublicKey::PublicKey(const PublicKey& other) : type_(other.type_), bits_(other.bits_) {
  if (other.key_) {
    EVP_PKEY_up_ref(other.key_.get());
    key_.reset(other.key_.get());
  }
}

PublicKey& PublicKey::operator=(const PublicKey& other) {
  if (this != &other) *this = PublicKey(other);
  return *this;
}

std::string PublicKey::description() const {
  std::string out(name(type_));
  if (type_ == KeyType::rsa || type_ == KeyType::rsa_pss) out += "-" + std::to_string(bits_);
  return out;
}

}  // namespace ike::pki
