// load_configuration: the files in a fixed order, everything built into
// locals and handed out only when every step succeeded, so a failed reload
// leaves the running configuration alone.
//   1. ipsec.conf (parser: syntax, keywords, also=, %default)
//   2. ipsec.secrets (parser), then the private keys it names
//   3. the trust store (ipsec.d/cacerts, ca sections, ipsec.d/crls)
//   4. each conn mapped (connection_mapping.hpp), certificates loaded once
//   5. sections that can share an IKE SA merged (shared_ike_sas.hpp)
//   6. the credentials: PSKs, a signer per certificate of ours in use

#include "ike/config/disk_file_source.hpp"
#include "ike/config/ipsec_conf.hpp"
#include "ike/config/ipsec_secrets.hpp"
#include "setup/configuration.hpp"
#include "setup/connection_mapping.hpp"
#include "setup/file_credentials.hpp"
#include "setup/shared_ike_sas.hpp"
#include "setup/trust_anchors.hpp"

namespace ikev2d::setup {
namespace {

void add_parser_warnings(const std::vector<ike::config::Warning>& from,
                         std::vector<std::string>& to) {
  for (const auto& warning : from)
    to.push_back(warning.to_string());
}

std::shared_ptr<const FileCredentials> make_credentials(
    const ike::config::Secrets& secrets, ike::pki::TrustStore trust,
    std::vector<detail::LoadedKey> keys,
    const std::map<ike::pki::Sha256Digest, std::size_t>& signing_keys,
    const std::vector<ike::pki::CertificatePtr>& ours) {
  auto credentials = std::make_shared<FileCredentials>(PskTable(secrets), std::move(trust));
  // One signer per key, shared by the certificates that carry it.
  std::map<std::size_t, std::shared_ptr<ike::pki::Signer>> signers;
  for (const auto& certificate : ours) {
    auto it = signing_keys.find(certificate->fingerprint_sha256());
    if (it == signing_keys.end()) continue;
    auto& signer = signers[it->second];
    if (!signer) {
      signer = std::make_shared<ike::pki::InProcessSigner>(std::move(keys[it->second].key));
    }
    credentials->add_signer(*certificate, signer);
  }
  return credentials;
}

}  // namespace

ike::Result<Configuration> load_configuration(const Paths& paths, const HostAddresses& host,
                                              ike::WallTime now) {
  ike::config::DiskFileSource files;
  auto config = ike::config::load_ipsec_conf(files, paths.ipsec_conf.string());
  if (!config) return std::move(config).error();
  auto secrets = ike::config::load_ipsec_secrets(files, paths.ipsec_secrets.string());
  if (!secrets) return std::move(secrets).error();

  Configuration out;
  add_parser_warnings(config->warnings, out.warnings);
  add_parser_warnings(secrets->warnings, out.warnings);
  auto keys = detail::load_private_keys(*secrets, paths.ipsec_d / "private");
  if (!keys) return std::move(keys).error();
  out.warnings.insert(out.warnings.end(), keys->warnings.begin(), keys->warnings.end());
  auto trust = detail::load_trust_anchors(*config, paths);
  if (!trust) return std::move(trust).error();
  out.warnings.insert(out.warnings.end(), trust->warnings.begin(), trust->warnings.end());

  detail::CertificateFiles certificates(paths.ipsec_d / "certs");
  detail::MappingContext context{host, certificates, keys->keys, trust->store,
                                 now,  out.warnings, {}};
  for (const auto& conn : config->conns) {
    auto setup = detail::map_connection(conn, context);
    if (!setup) return std::move(setup).error();
    out.connections.push_back(std::move(*setup));
  }
  share_ike_sas(out.connections);

  out.certificates = certificates.loaded();
  for (const auto& ca : trust->store.cas())
    out.certificates.push_back(ca);
  out.credentials = make_credentials(*secrets, std::move(trust->store), std::move(keys->keys),
                                     context.signing_keys, certificates.loaded());
  out.setup = config->setup;
  return out;
}

}  // namespace ikev2d::setup
