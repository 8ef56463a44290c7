#pragma once
/// Public keys as the signature code needs them: the OpenSSL key plus its
/// kind, classified once when the certificate or key is loaded so that the
/// per-handshake path never asks OpenSSL for a key's type or curve again.

#include <openssl/types.h>

#include <string>
#include <string_view>

#include "ike/crypto/pki/openssl_handles.hpp"

namespace ike::pki {

/// The key kinds IKE signature authentication supports (RFC 7427, RFC 4754,
/// RFC 8420). `rsa_pss` is an RSA key restricted to PSS (id-RSASSA-PSS SPKI).
enum class KeyType {
  rsa,
  rsa_pss,
  ecdsa_p256,
  ecdsa_p384,
  ecdsa_p521,
  ed25519,
  unsupported,
};

/// "RSA", "ECDSA-P256", "Ed25519", ...
std::string_view name(KeyType type) noexcept;

/// Classifies an OpenSSL key (public or private part).
KeyType classify_key(const EVP_PKEY* key) noexcept;

/// A shared, immutable public key. Copies share the same EVP_PKEY (up-ref),
/// which OpenSSL allows to be used for verification from several threads.
class PublicKey {
 public:
  PublicKey() = default;
  /// Takes a reference on `key` (does not steal the caller's).
  explicit PublicKey(EVP_PKEY* key);
  PublicKey(const PublicKey& other);
  PublicKey& operator=(const PublicKey& other);
  PublicKey(PublicKey&&) noexcept = default;
  PublicKey& operator=(PublicKey&&) noexcept = default;
  ~PublicKey() = default;

  /// Null only for a default-constructed PublicKey.
  EVP_PKEY* get() const noexcept { return key_.get(); }
  KeyType type() const noexcept { return type_; }
  /// Modulus or group size in bits (2048, 256, ...).
  int bits() const noexcept { return bits_; }
  /// "ECDSA-P256", "RSA-2048", ...
  std::string description() const;

 private:
  EvpPkeyPtr key_;
  KeyType type_ = KeyType::unsupported;
  int bits_ = 0;
};

}  // namespace ike::pki
