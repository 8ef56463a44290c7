#pragma once
/// One parsed conn section (ConnConfig) -> what the engine runs
/// (sa::Connection with one ChildConfig of the same name, as strongSwan's
/// starter makes one CHILD per conn). Three steps, one file each:
///   check_settings      settings_check.cpp   what the engine cannot honour:
///                       refused when ignoring it would weaken security or
///                       surprise (type=pass, EAP, AH, %unique marks, a second
///                       auth round, raw keys, rightgroups), else a warning;
///   map_authentication  connection_auth.cpp  auth classes, certificates,
///                       private key lookup, identities (strongSwan's defaults);
///   map_connection      connection_mapping.cpp  addresses, proposals,
///                       lifetimes, DPD, selectors and the CHILD settings.

#include <map>
#include <string>
#include <vector>

#include "ike/config/conn_config.hpp"
#include "ike/crypto/pki/trust_store.hpp"
#include "ike/sa/connection.hpp"
#include "ike/sa/time.hpp"
#include "setup/certificate_files.hpp"
#include "setup/configuration.hpp"
#include "setup/end_resolution.hpp"
#include "setup/private_keys.hpp"

namespace ikev2d::setup::detail {

/// What mapping a conn needs from the rest of the load, and what it hands back.
struct MappingContext {
  const HostAddresses& host;
  CertificateFiles& certificates;
  const std::vector<LoadedKey>& keys;
  const ike::pki::TrustStore& trust;
  ike::WallTime now;
  std::vector<std::string>& warnings;
  /// Out: the key (index into `keys`) that signs for each certificate of ours
  /// in use.
  std::map<ike::pki::Sha256Digest, std::size_t> signing_keys;
};

ike::Status check_settings(const ike::config::ConnConfig& conn, const ResolvedEnds& ends,
                           std::vector<std::string>& warnings);

/// Fills local/remote auth, certificates, send_certificate and IDs.
ike::Status map_authentication(const ike::config::ConnConfig& conn, const ResolvedEnds& ends,
                               MappingContext& context, ike::sa::Connection& out);

/// The whole conn: resolve_ends, check_settings, map_authentication, the rest.
ike::Result<ConnectionSetup> map_connection(const ike::config::ConnConfig& conn,
                                            MappingContext& context);

}  // namespace ikev2d::setup::detail
