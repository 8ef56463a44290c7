#pragma once
/// Builds keys, certificates and CRLs with OpenSSL inside the tests, so each
/// trust outcome (good chain, revoked, expired, unknown CA) has a fixture made
/// for it, independently of the code under test (subjects are built with
/// X509_NAME_add_entry_by_txt as `openssl req -subj` does, not with parse_dn).

#include <chrono>
#include <filesystem>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "ike/crypto/pki/certificate.hpp"
#include "ike/crypto/pki/crl.hpp"
#include "ike/crypto/pki/identity.hpp"
#include "ike/crypto/pki/openssl_handles.hpp"
#include "ike/crypto/pki/public_key.hpp"

namespace ike::pki {
/// gtest prints identities as text.
inline void PrintTo(const Identity& id, std::ostream* out) {
  *out << wire::to_string(id.type) << " " << id.to_string();
}
}  // namespace ike::pki

namespace ike::pki::test {

using Clock = std::chrono::system_clock;
using Rdns = std::vector<std::pair<std::string, std::string>>;

/// Midnight UTC of the given date.
Clock::time_point day(int year, unsigned month, unsigned day_of_month);

/// RSA-2048, EC P-256/P-384/P-521 or Ed25519.
EvpPkeyPtr generate_key(KeyType type);

struct CertSpec {
  Rdns subject;
  bool is_ca = false;
  long serial = 1;
  Clock::time_point not_before = day(2020, 1, 1);
  Clock::time_point not_after = day(2040, 1, 1);
  /// subjectAltName in OpenSSL config syntax, e.g. "DNS:a.example,IP:10.0.0.1".
  std::string alt_names;

  static CertSpec of(Rdns subject) {
    CertSpec spec;
    spec.subject = std::move(subject);
    return spec;
  }
  CertSpec& ca() {
    is_ca = true;
    return *this;
  }
  CertSpec& with_serial(long value) {
    serial = value;
    return *this;
  }
  CertSpec& valid(Clock::time_point from, Clock::time_point until) {
    not_before = from;
    not_after = until;
    return *this;
  }
  CertSpec& sans(std::string names) {
    alt_names = std::move(names);
    return *this;
  }
};

/// Signs a certificate for `subject_key` with `issuer_key` (self-signed when
/// `issuer` is null), SHA-256 (no digest for Ed25519 issuers).
X509Ptr make_x509(const CertSpec& spec, EVP_PKEY* subject_key, X509* issuer, EVP_PKEY* issuer_key);

/// A key and its certificate.
struct Issued {
  EvpPkeyPtr key;
  CertificatePtr cert;
};

/// Generates a key of `type` and a certificate for it.
Issued issue(KeyType type, const CertSpec& spec, const Issued* issuer);

/// A CRL from `issuer` listing `revoked_serials`.
CrlPtr make_crl(const Issued& issuer, const std::vector<long>& revoked_serials,
                Clock::time_point this_update, Clock::time_point next_update);

X509NamePtr make_name(const Rdns& rdns);
Bytes name_der(const Rdns& rdns);

std::string cert_pem(const Certificate& cert);
std::string crl_pem(const Crl& crl);
Bytes crl_der(const Crl& crl);

/// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  /// Writes `content` to `path()/name` (creating subdirectories).
  std::string write(const std::string& name, ByteView content) const;
  std::string write(const std::string& name, std::string_view content) const;

 private:
  std::filesystem::path path_;
};

Bytes to_bytes(std::string_view text);

}  // namespace ike::pki::test
