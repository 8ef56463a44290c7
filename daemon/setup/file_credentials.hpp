#pragma once
/// The Credentials the daemon gives the engine, built by load_configuration()
/// from ipsec.secrets and ipsec.d/: pre-shared keys (PskTable's matching
/// rules), one signer per certificate of ours whose private key was found,
/// and the trust store (ipsec.d/cacerts, ca sections, ipsec.d/crls).
/// Immutable once built; a reload builds a new one.

#include <map>
#include <memory>
#include <optional>

#include "ike/crypto/pki/certificate.hpp"
#include "ike/crypto/pki/signature.hpp"
#include "ike/crypto/pki/trust_store.hpp"
#include "ike/sa/credentials.hpp"
#include "setup/psk_table.hpp"

namespace ikev2d::setup {

class FileCredentials final : public ike::sa::Credentials {
 public:
  FileCredentials(PskTable psks, ike::pki::TrustStore trust);

  /// Makes `signer` sign for `certificate` (matched by its SHA-256 fingerprint).
  void add_signer(const ike::pki::Certificate& certificate,
                  std::shared_ptr<ike::pki::Signer> signer);

  std::optional<ike::crypto::SecretBytes> shared_key(
      const ike::pki::Identity& local, const ike::pki::Identity& remote) const override;
  /// The signer of the connection's first (end-entity) certificate.
  ike::pki::Signer* signer(const ike::sa::Connection& connection) const override;
  /// Null when no CA is loaded.
  const ike::pki::TrustStore* trust_store() const override;

  const PskTable& psks() const noexcept { return psks_; }
  std::size_t signer_count() const noexcept { return signers_.size(); }

 private:
  PskTable psks_;
  ike::pki::TrustStore trust_;
  std::map<ike::pki::Sha256Digest, std::shared_ptr<ike::pki::Signer>> signers_;
};

}  // namespace ikev2d::setup
