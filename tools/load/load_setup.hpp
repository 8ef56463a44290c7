#pragma once
/// From options to what the engine needs: the credentials (a PSK, or a
/// certificate, its key and the CAs, loaded with libike's pki helpers) and
/// one Connection per IKE SA ("load-<i>", one CHILD of the same name, its
/// source endpoint taken round robin from the --from addresses and ports).

#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include "ike/crypto/pki/signature.hpp"
#include "ike/crypto/pki/trust_store.hpp"
#include "ike/sa/connection.hpp"
#include "ike/sa/credentials.hpp"
#include "load/load_options.hpp"

namespace ikev2d::load {

/// The tool's credentials: one PSK for every identity pair, or one signer.
class LoadCredentials final : public ike::sa::Credentials {
 public:
  std::optional<ike::crypto::SecretBytes> psk;
  std::unique_ptr<ike::pki::Signer> signer_for_all;
  std::unique_ptr<ike::pki::TrustStore> trust;

  std::optional<ike::crypto::SecretBytes> shared_key(const ike::pki::Identity&,
                                                     const ike::pki::Identity&) const override {
    return psk;
  }
  ike::pki::Signer* signer(const ike::sa::Connection&) const override {
    return signer_for_all.get();
  }
  const ike::pki::TrustStore* trust_store() const override { return trust.get(); }
};

/// Makes the Connection of IKE SA number `index`.
class ConnectionFactory {
 public:
  /// `prototype` has everything but name, local endpoint and (unless
  /// `fixed_local_id`) local id, which come from the index.
  ConnectionFactory(ike::sa::Connection prototype, std::vector<ike::sa::Endpoint> sources,
                    bool fixed_local_id);
  ike::sa::ConnectionPtr make(std::size_t index) const;
  const std::vector<ike::sa::Endpoint>& sources() const noexcept { return sources_; }
  /// The same connections from other source endpoints: a worker thread's
  /// share (load_threads.hpp).
  std::shared_ptr<ConnectionFactory> with_sources(std::vector<ike::sa::Endpoint> sources) const {
    return std::make_shared<ConnectionFactory>(prototype_, std::move(sources), fixed_local_id_);
  }
  /// "load-<index>"; index_of is its inverse (nullopt for other names).
  static std::string name_of(std::size_t index);
  static std::optional<std::size_t> index_of(std::string_view name);

 private:
  ike::sa::Connection prototype_;
  std::vector<ike::sa::Endpoint> sources_;
  bool fixed_local_id_;
};

struct LoadSetup {
  std::shared_ptr<LoadCredentials> credentials;
  std::shared_ptr<ConnectionFactory> connections;
};

/// Loads the files and parses proposals, identities and selectors; errors
/// name the option or file.
ike::Result<LoadSetup> prepare_load(const LoadOptions& options);

}  // namespace ikev2d::load
