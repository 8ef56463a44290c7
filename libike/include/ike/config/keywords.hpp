#pragma once
/// The ipsec.conf keyword table: strongSwan 5.9's keywords.txt, 110 live
/// keywords (left/right counted apart) and 30 deprecated ones, with what
/// ikev2d does with each. Deprecated and IKEv1-only keywords are accepted
/// with a warning and ignored; a keyword that is neither is an error.
///
/// Stored-only keywords are parsed, validated and kept in the config structs
/// (conn_config.hpp) but the engine does not act on them yet:
///   config setup: charondebug, cachecrls
///   conn: compress, ah, ikedscp, tfc, sha256_96, aaa_identity, mediation,
///         mediated_by, me_peerid, mobike (MOBIKE stays off)
///   left/right: dns, firewall, hostaccess, allowany, sigkey/rsasigkey,
///         certpolicy, groups, groups2, and the second authentication round
///         auth2, id2, cert2, ca2 (RFC 4739)
/// IKEv1-only (warning, ignored): aggressive, modeconfig, xauth, xauth_identity.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ike/config/syntax.hpp"

namespace ike::config {

enum class KeywordStatus { live, deprecated, ikev1_only };

struct KeywordInfo {
  /// Full spelling, left/right included: "leftsubnet", "keylife".
  std::string name;
  SectionKind section = SectionKind::conn;
  KeywordStatus status = KeywordStatus::live;
  /// Parsed and kept, but the engine does not act on it (see above).
  bool stored_only = false;
  /// For aliases, the keyword it means ("lifetime" for keylife); else `name`.
  std::string canonical;
};

/// Looks a keyword up by its full spelling. auto and also exist in both conn
/// and ca sections; `section` picks which, and otherwise the first match is
/// returned (so that "left" in config setup can be reported as a conn keyword).
std::optional<KeywordInfo> find_keyword(std::string_view name, SectionKind section);

/// Every keyword, left/right expanded, in table order (auto and also once per
/// section kind that takes them).
std::vector<KeywordInfo> all_keywords();

}  // namespace ike::config
