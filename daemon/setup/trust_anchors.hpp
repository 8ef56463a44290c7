#pragma once
/// The trust store: every certificate in ipsec.d/cacerts (a missing
/// directory means none), the cacert= of each `ca` section with auto=add
/// (relative to ipsec.d/cacerts), the CRLs in ipsec.d/crls, and
/// strictcrlpolicy (yes: strict; no: relaxed; ifuri: relaxed, since CRLs are
/// never fetched from a URI, with a warning).

#include <string>
#include <vector>

#include "ike/config/conn_config.hpp"
#include "ike/crypto/pki/trust_store.hpp"
#include "ike/error.hpp"
#include "setup/configuration.hpp"

namespace ikev2d::setup::detail {

struct TrustLoad {
  ike::pki::TrustStore store;
  std::vector<std::string> warnings;
};

/// Errors name the file (and for a ca section its file:line): unreadable or
/// malformed files in cacerts/ or crls/, a cacert= that cannot be read or is
/// not a CA certificate.
ike::Result<TrustLoad> load_trust_anchors(const ike::config::Config& config, const Paths& paths);

}  // namespace ikev2d::setup::detail
