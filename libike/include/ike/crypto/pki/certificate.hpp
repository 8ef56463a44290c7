#pragma once
/// X.509 certificates, parsed once. DESIGN.md "Scale": re-parsing the peer's
/// certificate through OpenSSL 3's decoders and fingerprinting it dominated
/// charon's handshake profile, so a `Certificate` carries everything the
/// handshake asks of it — public key, fingerprints, subject in DER and text,
/// subjectAltNames, validity — computed when it is built. Certificates are
/// immutable and shared as `std::shared_ptr<const Certificate>` (see
/// CertificateCache, which returns the same object for the same DER).

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ike/bytes.hpp"
#include "ike/crypto/pki/openssl_handles.hpp"
#include "ike/crypto/pki/public_key.hpp"
#include "ike/error.hpp"

namespace ike::pki {

using Sha1Digest = std::array<std::uint8_t, 20>;
using Sha256Digest = std::array<std::uint8_t, 32>;

/// The subjectAltName entries identity matching looks at (RFC 5280 4.2.1.6),
/// extracted at parse time.
struct SubjectAltNames {
  std::vector<std::string> dns_names;  ///< dNSName, as encoded (IA5String)
  std::vector<std::string> emails;     ///< rfc822Name
  std::vector<Bytes> ip_addresses;     ///< iPAddress: 4 or 16 octets
};

class Certificate {
 public:
  /// Parses a DER certificate. Trailing bytes after the certificate are an
  /// error. Fails with Errc::certificate_unusable and OpenSSL's reason.
  static Result<std::shared_ptr<const Certificate>> from_der(ByteView der);

  /// Parses PEM ("-----BEGIN CERTIFICATE-----", first one in the text) or DER,
  /// auto-detected. `origin` (a file name, "CERT payload") prefixes errors.
  static Result<std::shared_ptr<const Certificate>> parse(ByteView pem_or_der,
                                                          std::string_view origin);

  /// Takes ownership of an already parsed X509 (e.g. built in tests).
  static Result<std::shared_ptr<const Certificate>> from_x509(X509Ptr x509);

  Certificate(const Certificate&) = delete;
  Certificate& operator=(const Certificate&) = delete;

  /// The parsed certificate; never null. OpenSSL treats it as read-only.
  X509* x509() const noexcept { return x509_.get(); }
  /// Exactly the DER the certificate was parsed from (what a CERT payload carries).
  ByteView der() const noexcept { return der_; }
  const PublicKey& public_key() const noexcept { return public_key_; }
  KeyType key_type() const noexcept { return public_key_.type(); }

  /// SHA-1 of the DER SubjectPublicKeyInfo: the CA identifier a CERTREQ carries
  /// (RFC 7296 3.7) and what ID_KEY_ID commonly names.
  const Sha1Digest& spki_sha1() const noexcept { return spki_sha1_; }
  /// SHA-256 of the whole DER: the fingerprint for logs and the cache key.
  const Sha256Digest& fingerprint_sha256() const noexcept { return fingerprint_; }
  /// The subjectKeyIdentifier extension, when present.
  const std::optional<Bytes>& subject_key_id() const noexcept { return subject_key_id_; }

  /// Subject DN as text: "C=XX, O=ikev2d test, CN=east.example".
  const std::string& subject() const noexcept { return subject_; }
  const std::string& issuer() const noexcept { return issuer_; }
  /// Subject DN in DER (what an ID_DER_ASN1_DN payload carries, RFC 7296 3.5).
  ByteView subject_der() const noexcept { return subject_der_; }
  const SubjectAltNames& alt_names() const noexcept { return alt_names_; }

  std::chrono::system_clock::time_point not_before() const noexcept { return not_before_; }
  std::chrono::system_clock::time_point not_after() const noexcept { return not_after_; }
  /// basicConstraints cA=TRUE.
  bool is_ca() const noexcept { return is_ca_; }
  /// Serial number as lower-case hex, for logs.
  const std::string& serial_hex() const noexcept { return serial_hex_; }

 private:
  Certificate() = default;
  static Result<std::shared_ptr<const Certificate>> build(X509Ptr x509, Bytes der);

  X509Ptr x509_;
  Bytes der_;
  PublicKey public_key_;
  Sha1Digest spki_sha1_{};
  Sha256Digest fingerprint_{};
  std::optional<Bytes> subject_key_id_;
  std::string subject_;
  std::string issuer_;
  Bytes subject_der_;
  SubjectAltNames alt_names_;
  std::chrono::system_clock::time_point not_before_{};
  std::chrono::system_clock::time_point not_after_{};
  bool is_ca_ = false;
  std::string serial_hex_;
};

using CertificatePtr = std::shared_ptr<const Certificate>;

/// Reads and parses a certificate file (PEM or DER). Errors name the file:
/// Errc::io_error when it cannot be read, certificate_unusable when it does
/// not hold a certificate.
Result<CertificatePtr> load_certificate_file(const std::string& path);

/// Parses every certificate in a PEM bundle (or the single DER certificate).
Result<std::vector<CertificatePtr>> parse_certificates(ByteView pem_or_der,
                                                       std::string_view origin);

/// "C=XX, O=ikev2d test, CN=east.example" for an X509_NAME: RFC 4514 escaping,
/// RDNs in certificate order (like strongSwan's logs), UTF-8 kept as is.
std::string dn_to_string(const X509_NAME* name);

/// Canonical comparison of two DNs (X509_NAME_cmp: case and whitespace
/// insensitive for string values); DER byte equality short-circuits.
bool dn_equal(ByteView a_der, ByteView b_der);

}  // namespace ike::pki
