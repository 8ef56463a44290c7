#include "setup/file_credentials.hpp"

namespace ikev2d::setup {

FileCredentials::FileCredentials(PskTable psks, ike::pki::TrustStore trust)
    : psks_(std::move(psks)), trust_(std::move(trust)) {}

void FileCredentials::add_signer(const ike::pki::Certificate& certificate,
                                 std::shared_ptr<ike::pki::Signer> signer) {
  signers_[certificate.fingerprint_sha256()] = std::move(signer);
}

std::optional<ike::crypto::SecretBytes> FileCredentials::shared_key(
    const ike::pki::Identity& local, const ike::pki::Identity& remote) const {
  return psks_.find(local, remote);
}

ike::pki::Signer* FileCredentials::signer(const ike::sa::Connection& connection) const {
  if (connection.local_certificates.empty() || !connection.local_certificates.front()) {
    return nullptr;
  }
  auto it = signers_.find(connection.local_certificates.front()->fingerprint_sha256());
  return it == signers_.end() ? nullptr : it->second.get();
}

const ike::pki::TrustStore* FileCredentials::trust_store() const {
  return trust_.cas().empty() ? nullptr : &trust_;
}

}  // namespace ikev2d::setup
