// The keywords strongSwan 5.9 lists as deprecated or removed
// (keywords.txt): accepted with a warning and ignored, in any section, since
// real files carry them from IKEv1-era and Libreswan setups. keep_alive,
// deprecated there in favour of charon.keep_alive, is live here
// (setup_ca_keywords.cpp): ikev2d has no strongswan.conf.
#include "config/keyword_table.hpp"

namespace ike::config::detail {
namespace {

constexpr auto S = SectionKind::config_setup;
constexpr auto C = SectionKind::ca;
constexpr auto N = SectionKind::conn;
constexpr auto old = KeywordStatus::deprecated;

constexpr KeywordEntry kEntries[] = {
    {"interfaces", S, false, old, false, "", {}},
    {"dumpdir", S, false, old, false, "", {}},
    {"charonstart", S, false, old, false, "", {}},
    {"plutostart", S, false, old, false, "", {}},
    {"klipsdebug", S, false, old, false, "", {}},
    {"plutodebug", S, false, old, false, "", {}},
    {"prepluto", S, false, old, false, "", {}},
    {"postpluto", S, false, old, false, "", {}},
    {"plutostderrlog", S, false, old, false, "", {}},
    {"fragicmp", S, false, old, false, "", {}},
    {"packetdefault", S, false, old, false, "", {}},
    {"hidetos", S, false, old, false, "", {}},
    {"overridemtu", S, false, old, false, "", {}},
    {"crlcheckinterval", S, false, old, false, "", {}},
    {"nocrsend", S, false, old, false, "", {}},
    {"nat_traversal", S, false, old, false, "", {}},
    {"force_keepalive", S, false, old, false, "", {}},
    {"virtual_private", S, false, old, false, "", {}},
    {"pkcs11module", S, false, old, false, "", {}},
    {"pkcs11initargs", S, false, old, false, "", {}},
    {"pkcs11keepstate", S, false, old, false, "", {}},
    {"pkcs11proxy", S, false, old, false, "", {}},
    {"ldaphost", C, false, old, false, "", {}},
    {"ldapbase", C, false, old, false, "", {}},
    {"pfs", N, false, old, false, "", {}},
    {"pfsgroup", N, false, old, false, "", {}},
    {"eap", N, false, old, false, "", {}},
    {"nexthop", N, true, old, false, "", {}},
};

}  // namespace

std::span<const KeywordEntry> deprecated_keyword_entries() {
  return kEntries;
}

}  // namespace ike::config::detail
