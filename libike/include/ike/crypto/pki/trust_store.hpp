#pragma once
/// The trust anchors (ipsec.d/cacerts) and revocation lists (ipsec.d/crls)
/// against which a peer's certificate chain is verified, and the CA key
/// hashes a CERTREQ payload carries (RFC 7296 3.7).
///
/// Policy, following strongSwan's defaults:
/// - Every certificate in cacerts is a trust anchor, self-signed root or not
///   (X509_V_FLAG_PARTIAL_CHAIN): an operator who drops an intermediate CA
///   there trusts what it issued.
/// - Revocation (CrlPolicy::relaxed, strongSwan's strictcrlpolicy=no): every
///   certificate of the chain is checked against the CRLs we hold for its
///   issuer (X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL). When no CRL
///   is held for an issuer, or the CRL held is out of date, the chain is
///   still accepted and the fact is reported in `VerifiedChain::warnings`; a
///   serial listed in any held CRL (stale or not) is always rejected.
///   CrlPolicy::strict (strictcrlpolicy=yes) rejects a chain for which a CRL
///   is missing or out of date.
/// - Time is the caller's: validity is checked at the `at` passed in
///   (X509_VERIFY_PARAM_set_time); libike never reads the clock.
/// - No extended key usage is required (strongSwan requires none by default).
///
/// A TrustStore is built once at (re)load and is then read-only: verify() is
/// const and safe to call from several threads at once.

#include <chrono>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ike/crypto/pki/certificate.hpp"
#include "ike/crypto/pki/crl.hpp"

namespace ike::pki {

enum class CrlPolicy {
  relaxed,  ///< strictcrlpolicy=no: no (fresh) CRL for an issuer is accepted
  strict,   ///< strictcrlpolicy=yes: every issuer must have a current CRL
};

/// The outcome of a successful verification.
struct VerifiedChain {
  /// Subjects from the end entity up to the trust anchor.
  std::vector<std::string> subjects;
  /// The trust anchor the chain ends in (one of ours).
  CertificatePtr anchor;
  /// Accepted-but-noteworthy conditions ("no CRL for issuer \"...\"") for the log.
  std::vector<std::string> warnings;
};

class TrustStore {
 public:
  TrustStore();
  ~TrustStore();
  TrustStore(TrustStore&&) noexcept;
  TrustStore& operator=(TrustStore&&) noexcept;
  TrustStore(const TrustStore&) = delete;
  TrustStore& operator=(const TrustStore&) = delete;

  /// Loads every *.pem, *.crt, *.cer and *.der in `cacerts_dir` (a file may
  /// hold several PEM certificates) and every *.pem, *.crl and *.der in
  /// `crls_dir`. A missing crls directory is not an error (no CRLs); a
  /// missing cacerts directory, or any unreadable or malformed file, is — the
  /// error names the file.
  static Result<TrustStore> load(const std::string& cacerts_dir, const std::string& crls_dir,
                                 CrlPolicy policy = CrlPolicy::relaxed);

  void set_crl_policy(CrlPolicy policy) noexcept { policy_ = policy; }
  CrlPolicy crl_policy() const noexcept { return policy_; }

  /// Adds a trust anchor. Fails (certificate_unusable) when it is not a CA
  /// certificate (basicConstraints cA=TRUE) or OpenSSL refuses it.
  Status add_ca(CertificatePtr ca);
  Status add_crl(CrlPtr crl);

  /// Verifies `end_entity` with the `intermediates` the peer sent (CERT
  /// payloads after the first; order does not matter) at time `at`.
  /// Errors: certificate_untrusted (no path to one of our CAs, bad signature),
  /// certificate_revoked, certificate_expired (also "not yet valid"), each
  /// with the failing certificate's subject and OpenSSL's reason.
  Result<VerifiedChain> verify(const Certificate& end_entity,
                               std::span<const CertificatePtr> intermediates,
                               std::chrono::system_clock::time_point at) const;

  /// SHA-1 hashes of our CAs' SubjectPublicKeyInfo, in load order.
  std::vector<Sha1Digest> ca_key_hashes() const;
  /// The CERTREQ "Certification Authority" field: those hashes concatenated.
  Bytes certreq_authorities() const;
  /// Our CA whose SPKI SHA-1 is `spki_sha1` (from a received CERTREQ), or null.
  CertificatePtr find_ca_by_key_hash(ByteView spki_sha1) const;
  /// True when some 20-byte entry of a received CERTREQ names one of our CAs.
  bool knows_any(ByteView certreq_authorities) const;

  const std::vector<CertificatePtr>& cas() const noexcept { return cas_; }
  const std::vector<CrlPtr>& crls() const noexcept { return crls_; }

 private:
  struct StoreHandle;
  std::unique_ptr<StoreHandle> store_;
  std::vector<CertificatePtr> cas_;
  std::map<Sha1Digest, CertificatePtr> by_key_hash_;
  std::vector<CrlPtr> crls_;
  CrlPolicy policy_ = CrlPolicy::relaxed;
};

}  // namespace ike::pki
