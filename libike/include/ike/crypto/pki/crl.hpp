#pragma once
/// Certificate revocation lists from ipsec.d/crls (RFC 5280 section 5), PEM
/// or DER. A TrustStore consults them while verifying a peer's chain.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "ike/bytes.hpp"
#include "ike/crypto/pki/openssl_handles.hpp"
#include "ike/error.hpp"

namespace ike::pki {

class Crl {
 public:
  /// Parses one CRL, PEM or DER (auto-detected); errors are
  /// Errc::certificate_unusable prefixed with `origin`.
  static Result<std::shared_ptr<const Crl>> parse(ByteView pem_or_der, std::string_view origin);
  /// Takes ownership of an already parsed CRL (e.g. built in tests).
  static Result<std::shared_ptr<const Crl>> from_x509_crl(X509CrlPtr crl);

  Crl(const Crl&) = delete;
  Crl& operator=(const Crl&) = delete;

  X509_CRL* get() const noexcept { return crl_.get(); }
  /// Issuer DN as text, "C=XX, O=ikev2d test, CN=Test CA".
  const std::string& issuer() const noexcept { return issuer_; }
  std::chrono::system_clock::time_point this_update() const noexcept { return this_update_; }
  /// nextUpdate; equals this_update when the CRL has none.
  std::chrono::system_clock::time_point next_update() const noexcept { return next_update_; }
  /// Number of revoked entries.
  std::size_t revoked_count() const noexcept { return revoked_count_; }

 private:
  Crl() = default;

  X509CrlPtr crl_;
  std::string issuer_;
  std::chrono::system_clock::time_point this_update_{};
  std::chrono::system_clock::time_point next_update_{};
  std::size_t revoked_count_ = 0;
};

using CrlPtr = std::shared_ptr<const Crl>;

/// Reads and parses a CRL file; errors name the file.
Result<CrlPtr> load_crl_file(const std::string& path);

}  // namespace ike::pki
