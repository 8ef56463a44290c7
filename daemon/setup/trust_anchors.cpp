#include "setup/trust_anchors.hpp"

#include <system_error>

#include "setup/messages.hpp"

namespace ikev2d::setup::detail {
namespace {

namespace fs = std::filesystem;
using ike::config::CaConfig;

ike::config::Location origin(const CaConfig& ca, const std::string& keyword) {
  auto it = ca.origins.find(keyword);
  return it == ca.origins.end() ? ca.where : it->second;
}

ike::pki::CrlPolicy crl_policy(const ike::config::SetupConfig& setup,
                               std::vector<std::string>& warnings) {
  switch (setup.strictcrlpolicy) {
    case ike::config::CrlPolicy::yes:
      return ike::pki::CrlPolicy::strict;
    case ike::config::CrlPolicy::ifuri: {
      auto it = setup.origins.find("strictcrlpolicy");
      auto where = it == setup.origins.end() ? ike::config::Location{} : it->second;
      warnings.push_back(located(where,
                                 "config setup: strictcrlpolicy=ifuri is read as no: CRLs are "
                                 "never fetched from a URI, only read from ipsec.d/crls"));
      return ike::pki::CrlPolicy::relaxed;
    }
    default:
      return ike::pki::CrlPolicy::relaxed;
  }
}

ike::Result<ike::pki::TrustStore> load_directories(const Paths& paths, ike::pki::CrlPolicy policy) {
  auto cacerts = paths.ipsec_d / "cacerts";
  std::error_code ec;
  if (!fs::exists(cacerts, ec)) {
    ike::pki::TrustStore empty;
    empty.set_crl_policy(policy);
    return empty;
  }
  return ike::pki::TrustStore::load(cacerts.string(), (paths.ipsec_d / "crls").string(), policy);
}

ike::Status add_ca_section(const CaConfig& ca, const Paths& paths, ike::pki::TrustStore& store,
                           std::vector<std::string>& warnings) {
  auto prefix = "ca " + ca.name + ": ";
  for (const char* keyword : {"crluri", "crluri2", "ocspuri", "ocspuri2", "certuribase"}) {
    if (ca.origins.count(keyword)) {
      warnings.push_back(
          located(origin(ca, keyword),
                  prefix + keyword + " is not used: nothing is fetched; put CRLs in ipsec.d/crls"));
    }
  }
  if (ca.cacert.empty()) {
    warnings.push_back(located(ca.where, prefix + "no cacert=, nothing to load"));
    return {};
  }
  fs::path path(ca.cacert);
  if (!path.is_absolute()) path = paths.ipsec_d / "cacerts" / path;
  auto where = origin(ca, "cacert");
  auto certificate = ike::pki::load_certificate_file(path.lexically_normal().string());
  if (!certificate) {
    return ike::make_error(certificate.error().code,
                           located(where, prefix + "cacert: " + certificate.error().reason));
  }
  if (auto added = store.add_ca(*certificate); !added) {
    return ike::make_error(added.error().code,
                           located(where, prefix + "cacert: " + added.error().reason));
  }
  return {};
}

}  // namespace

ike::Result<TrustLoad> load_trust_anchors(const ike::config::Config& config, const Paths& paths) {
  TrustLoad out;
  auto policy = crl_policy(config.setup, out.warnings);
  auto store = load_directories(paths, policy);
  if (!store) return std::move(store).error();
  out.store = std::move(*store);
  for (const auto& ca : config.cas) {
    if (ca.auto_action != ike::config::CaAuto::add) continue;
    if (auto added = add_ca_section(ca, paths, out.store, out.warnings); !added) {
      return std::move(added).error();
    }
  }
  return out;
}

}  // namespace ikev2d::setup::detail
