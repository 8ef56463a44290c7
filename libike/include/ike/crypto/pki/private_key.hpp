#pragma once
/// Private keys loaded from ipsec.d/private: RSA, ECDSA (P-256/384/521) and
/// Ed25519, in PEM or DER, as PKCS#8 (optionally encrypted with a passphrase)
/// or in the traditional "BEGIN RSA/EC PRIVATE KEY" form. Only the signer
/// (signer.hpp) uses them; the rest of the engine sees a `Signer`.

#include <string>
#include <string_view>

#include "ike/bytes.hpp"
#include "ike/crypto/pki/certificate.hpp"
#include "ike/crypto/pki/openssl_handles.hpp"
#include "ike/crypto/pki/public_key.hpp"
#include "ike/error.hpp"

namespace ike::pki {

class PrivateKey {
 public:
  /// Decodes `data` (format and structure auto-detected). `passphrase` opens
  /// encrypted keys; empty means "the key must not be encrypted". Errors carry
  /// Errc::certificate_unusable, prefixed with `origin`.
  static Result<PrivateKey> parse(ByteView data, std::string_view origin,
                                  std::string_view passphrase = {});

  /// Takes ownership of an OpenSSL key (e.g. generated in tests).
  static Result<PrivateKey> from_evp(EvpPkeyPtr key, std::string_view origin);

  EVP_PKEY* get() const noexcept { return key_.get(); }
  KeyType type() const noexcept { return type_; }
  int bits() const noexcept { return bits_; }

  /// True when `certificate` carries this key's public half.
  bool matches(const Certificate& certificate) const;

 private:
  PrivateKey(EvpPkeyPtr key, KeyType type, int bits)
      : key_(std::move(key)), type_(type), bits_(bits) {}

  EvpPkeyPtr key_;
  KeyType type_;
  int bits_;
};

/// Reads and decodes a private key file; errors name the file (io_error when
/// unreadable, certificate_unusable when undecodable or the wrong passphrase).
Result<PrivateKey> load_private_key_file(const std::string& path, std::string_view passphrase = {});

}  // namespace ike::pki
