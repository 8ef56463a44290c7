#pragma once
/// Value types and value parsers of ipsec.conf keywords. Each parser returns
/// the value or an Error whose reason says what was expected (the caller adds
/// "file:line: conn NAME: keyword=value: "). Enumerations are spelled as in
/// ipsec.conf: `to_string(AutoAction::route)` is "route".

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ike/error.hpp"
#include "ike/ts/ip_address.hpp"
#include "ike/wire/types.hpp"  // IKE_DECLARE_ENUM: one name table per enum

namespace ike::config {

#define IKE_CONFIG_AUTO_ACTIONS(X) \
  X(ignore, 0, "ignore")           \
  X(add, 1, "add")                 \
  X(route, 2, "route")             \
  X(start, 3, "start")
/// auto=: what the daemon does with the conn when the config is loaded.
IKE_DECLARE_ENUM(AutoAction, std::uint8_t, IKE_CONFIG_AUTO_ACTIONS)

#define IKE_CONFIG_CONN_TYPES(X)           \
  X(tunnel, 0, "tunnel")                   \
  X(transport, 1, "transport")             \
  X(transport_proxy, 2, "transport_proxy") \
  X(passthrough, 3, "passthrough")         \
  X(drop, 4, "drop")
/// type=; "pass" is read as passthrough.
IKE_DECLARE_ENUM(ConnType, std::uint8_t, IKE_CONFIG_CONN_TYPES)

#define IKE_CONFIG_AUTH_BY(X) \
  X(pubkey, 0, "pubkey")      \
  X(rsasig, 1, "rsasig")      \
  X(ecdsasig, 2, "ecdsasig")  \
  X(psk, 3, "psk")            \
  X(never, 4, "never")
/// authby=; "secret" is read as psk; xauthpsk/xauthrsasig are IKEv1 and refused.
IKE_DECLARE_ENUM(AuthBy, std::uint8_t, IKE_CONFIG_AUTH_BY)

#define IKE_CONFIG_AUTH_METHODS(X) \
  X(pubkey, 0, "pubkey")           \
  X(psk, 1, "psk")                 \
  X(eap, 2, "eap")                 \
  X(null, 3, "null")
/// The method of leftauth=/rightauth= (RFC 7296 2.15, RFC 7619 for null).
IKE_DECLARE_ENUM(AuthMethod, std::uint8_t, IKE_CONFIG_AUTH_METHODS)

#define IKE_CONFIG_SEND_CERT(X) \
  X(never, 0, "never")          \
  X(ifasked, 1, "ifasked")      \
  X(always, 2, "always")
/// leftsendcert=; "no" is never, "yes" is always.
IKE_DECLARE_ENUM(SendCert, std::uint8_t, IKE_CONFIG_SEND_CERT)

#define IKE_CONFIG_PEER_ACTIONS(X) \
  X(none, 0, "none")               \
  X(clear, 1, "clear")             \
  X(hold, 2, "hold")               \
  X(restart, 3, "restart")
/// dpdaction= and closeaction=.
IKE_DECLARE_ENUM(PeerAction, std::uint8_t, IKE_CONFIG_PEER_ACTIONS)

#define IKE_CONFIG_FRAGMENTATION(X) \
  X(no, 0, "no")                    \
  X(accept, 1, "accept")            \
  X(yes, 2, "yes")                  \
  X(force, 3, "force")
/// fragmentation= (RFC 7383).
IKE_DECLARE_ENUM(Fragmentation, std::uint8_t, IKE_CONFIG_FRAGMENTATION)

#define IKE_CONFIG_UNIQUE_IDS(X) \
  X(no, 0, "no")                 \
  X(yes, 1, "yes")               \
  X(never, 2, "never")           \
  X(replace, 3, "replace")       \
  X(keep, 4, "keep")
/// uniqueids= in config setup.
IKE_DECLARE_ENUM(UniqueIds, std::uint8_t, IKE_CONFIG_UNIQUE_IDS)

#define IKE_CONFIG_CRL_POLICY(X) \
  X(no, 0, "no")                 \
  X(ifuri, 1, "ifuri")           \
  X(yes, 2, "yes")
/// strictcrlpolicy= in config setup.
IKE_DECLARE_ENUM(CrlPolicy, std::uint8_t, IKE_CONFIG_CRL_POLICY)

#define IKE_CONFIG_CA_AUTO(X) \
  X(ignore, 0, "ignore")      \
  X(add, 1, "add")
/// auto= in a ca section.
IKE_DECLARE_ENUM(CaAuto, std::uint8_t, IKE_CONFIG_CA_AUTO)

#define IKE_CONFIG_HOST_KINDS(X)     \
  X(any, 0, "any")                   \
  X(defaultroute, 1, "defaultroute") \
  X(addresses, 2, "addresses")       \
  X(hostname, 3, "hostname")
IKE_DECLARE_ENUM(HostKind, std::uint8_t, IKE_CONFIG_HOST_KINDS)

#define IKE_CONFIG_HOST_FAMILIES(X) \
  X(any, 0, "any")                  \
  X(ipv4, 4, "ipv4")                \
  X(ipv6, 6, "ipv6")
IKE_DECLARE_ENUM(HostFamily, std::uint8_t, IKE_CONFIG_HOST_FAMILIES)

#define IKE_CONFIG_MARK_KINDS(X) \
  X(fixed, 0, "fixed")           \
  X(unique, 1, "%unique")        \
  X(unique_dir, 2, "%unique-dir")
IKE_DECLARE_ENUM(MarkKind, std::uint8_t, IKE_CONFIG_MARK_KINDS)

/// left= / right=:
///   %any, %any4, %any6          any address (of that family)
///   %defaultroute               the address of the default route's interface
///   ADDRESS[,ADDRESS|PREFIX|RANGE...]  one or more (a list only for a responder)
///   HOSTNAME                    resolved by the daemon
///   %ADDRESS or %HOSTNAME       as given when initiating, any when responding
struct HostSpec {
  HostKind kind = HostKind::any;
  /// %any4 / %any6; for addresses, the family when all items share one.
  HostFamily family = HostFamily::any;
  /// kind addresses: items as written ("192.0.2.1", "10.0.0.0/8",
  /// "10.0.0.1-10.0.0.9"); kind hostname: the one name.
  std::vector<std::string> items;
  /// kind addresses: the items that are single addresses, parsed (what an
  /// initiator can send to).
  std::vector<IpAddress> addresses;
  /// A leading "%": accept any peer address, use `items` only to initiate.
  bool allow_any = false;
  /// The value as written.
  std::string text = "%any";
};

/// leftauth= / rightauth=.
struct AuthSpec {
  AuthMethod method = AuthMethod::pubkey;
  /// As written, with constraints ("rsa-2048", "pubkey-sha256", "eap-tls");
  /// empty when derived from authby=.
  std::string text;
};

/// mark=, mark_in=, mark_out=: value[/mask], values decimal or 0x hex.
struct Mark {
  MarkKind kind = MarkKind::fixed;
  std::uint32_t value = 0;
  std::uint32_t mask = 0xffffffff;
  friend bool operator==(const Mark&, const Mark&) = default;
};

/// tfc=: %mtu or a byte count (RFC 4303 2.7 padding).
struct Tfc {
  bool mtu = false;
  std::uint32_t bytes = 0;
  friend bool operator==(const Tfc&, const Tfc&) = default;
};

/// A time: NUMBER with an optional s, m, h or d suffix (seconds by default),
/// at most 2^32-1 seconds.
Result<std::chrono::seconds> parse_duration(std::string_view text);

/// NUMBER% (rekeyfuzz).
Result<unsigned> parse_percent(std::string_view text);

/// yes or no.
Result<bool> parse_yes_no(std::string_view text);

/// A decimal number from 0 to `max`.
Result<std::uint64_t> parse_unsigned(std::string_view text, std::uint64_t max);

/// One of the names of an IKE_DECLARE_ENUM enum (exact, lower case).
template <class Enum>
std::optional<Enum> parse_enum_name(std::string_view text) {
  for (Enum value : all_values(Enum{})) {
    if (name(value) == text) return value;
  }
  return std::nullopt;
}

Result<HostSpec> parse_host(std::string_view text);
Result<AuthSpec> parse_auth(std::string_view text);
Result<Mark> parse_mark(std::string_view text);
Result<Tfc> parse_tfc(std::string_view text);

/// Splits a comma-separated list; blanks around items are dropped, empty
/// items are an error.
Result<std::vector<std::string>> split_list(std::string_view text);

/// charondebug="ike 2, knl 3": subsystem and level -1..4 per item.
Result<std::vector<std::pair<std::string, int>>> parse_debug_levels(std::string_view text);

}  // namespace ike::config
