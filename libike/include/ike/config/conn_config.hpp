#pragma once
/// What an ipsec.conf means: plain structs with typed fields and strongSwan's
/// defaults (ipsec.conf(5), /work/shared/IPSEC-CONF.md), filled by
/// load_ipsec_conf() (ipsec_conf.hpp).
///
/// Stored-only fields are accepted and kept so that real files load and
/// `ikectl` can show them, but the engine does not act on them (yet). They are
/// marked "stored only" below; keywords.hpp lists them too.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ike/config/location.hpp"
#include "ike/config/values.hpp"
#include "ike/crypto/pki/identity.hpp"
#include "ike/proposal/parser.hpp"
#include "ike/ts/subnet_syntax.hpp"

namespace ike::config {

/// The config setup section.
struct SetupConfig {
  /// charondebug="ike 2, knl 3" as written (stored only).
  std::string charondebug;
  /// The same parsed: subsystem -> level (-1..4) (stored only).
  std::map<std::string, int> debug_levels;
  UniqueIds uniqueids = UniqueIds::yes;
  /// Stored only.
  bool cachecrls = false;
  CrlPolicy strictcrlpolicy = CrlPolicy::no;
  /// keep_alive (Libreswan: keep-alive): NAT keepalive interval of an IKE SA
  /// behind a NAT (RFC 3948 2.3), strongSwan's charon.keep_alive; 0 disables.
  std::chrono::seconds keep_alive{20};
  /// Where each keyword that was set came from, by keyword.
  std::map<std::string, Location> origins;
};

/// A `ca NAME` section (all fields stored for the PKI layer).
struct CaConfig {
  std::string name;
  Location where;
  /// strongSwan's default for ca sections is ignore: only auto=add loads it.
  CaAuto auto_action = CaAuto::ignore;
  std::string cacert;
  /// crluri (= crluri1) and crluri2.
  std::string crluri;
  std::string crluri2;
  /// ocspuri (= ocspuri1) and ocspuri2.
  std::string ocspuri;
  std::string ocspuri2;
  std::string certuribase;
  /// The sections named by also=, most important first (linearized).
  std::vector<std::string> inherits;
  std::map<std::string, Location> origins;
};

/// One side of a connection (leftX / rightX).
struct EndConfig {
  /// left=/right=; %any by default.
  HostSpec host;
  /// leftikeport: the IKE port of this side.
  std::uint16_t ikeport = 500;
  /// leftsubnet as written ("" when unset).
  std::string subnet_text;
  /// leftsubnet parsed (ts::parse_subnet_list), leftprotoport applied to the
  /// items without [proto/port]; when leftsubnet is unset, strongSwan's
  /// default: one %dynamic template (this side's address).
  std::vector<ts::SelectorTemplate> subnets = ts::default_side_selectors();
  /// leftprotoport as written ("" when unset) and parsed.
  std::string protoport_text;
  ts::ProtoPort protoport;
  /// leftid as written; empty means the default (the certificate subject
  /// with a cert, else the IP address).
  std::string id;
  /// leftid parsed (pki::Identity::parse); nullopt when leftid is unset.
  std::optional<pki::Identity> identity;
  /// leftid2, leftauth2, leftcert2, leftca2, leftgroups2: the second
  /// authentication round (RFC 4739; stored only).
  std::string id2;
  /// leftcert: certificate file (relative paths are under ipsec.d/certs).
  std::string cert;
  std::string cert2;
  /// leftca: the CA's DN (checked with pki::parse_dn), or "%same".
  std::string ca;
  std::string ca2;
  /// leftauth; when unset, derived from authby= (pubkey by default).
  AuthSpec auth;
  /// leftauth was written (else `auth` comes from authby).
  bool auth_explicit = false;
  std::optional<AuthSpec> auth2;
  SendCert sendcert = SendCert::ifasked;
  /// leftupdown: script run with strongSwan's PLUTO_* environment on child
  /// up/down (empty: none).
  std::string updown;
  /// leftsourceip (virtual IPs or %config; items as written).
  std::vector<std::string> sourceip;
  /// leftdns (stored only).
  std::vector<std::string> dns;
  /// leftfirewall, lefthostaccess, leftallowany (stored only).
  bool firewall = false;
  bool hostaccess = false;
  bool allowany = false;
  /// leftsigkey (= leftrsasigkey), leftcertpolicy, leftgroups, leftgroups2 (stored only).
  std::string sigkey;
  std::vector<std::string> certpolicy;
  std::string groups;
  std::string groups2;
};

/// One `conn NAME` section after %default and also= are applied.
struct ConnConfig {
  std::string name;
  /// Where the conn section was first opened.
  Location where;
  /// The sections inherited through also= (most important first) then
  /// %default if present.
  std::vector<std::string> inherits;

  AutoAction auto_action = AutoAction::ignore;
  ConnType type = ConnType::tunnel;
  /// authby; nullopt when unset (then pubkey unless leftauth/rightauth say otherwise).
  std::optional<AuthBy> authby;
  EndConfig left;
  EndConfig right;

  /// ike= and esp= parsed by the proposal parser (trailing "!" = strict);
  /// nullopt when unset: the daemon's defaults (proposal::proposals_for).
  std::optional<proposal::ProposalConfig> ike;
  std::optional<proposal::ProposalConfig> esp;
  /// ah= as written (stored only: AH is not negotiated).
  std::string ah;

  std::chrono::seconds ikelifetime{3 * 3600};
  /// lifetime = keylife (CHILD SA).
  std::chrono::seconds lifetime{3600};
  /// margintime = rekeymargin: rekey starts this long before expiry.
  std::chrono::seconds margintime{9 * 60};
  /// Percent of margintime added at random (strongSwan may exceed 100).
  unsigned rekeyfuzz = 100;
  /// 0 = no limit.
  std::uint64_t lifebytes = 0;
  std::uint64_t marginbytes = 0;
  std::uint64_t lifepackets = 0;
  std::uint64_t marginpackets = 0;
  /// 0 = %forever.
  unsigned keyingtries = 3;
  bool rekey = true;
  bool reauth = true;

  std::chrono::seconds dpddelay{30};
  std::chrono::seconds dpdtimeout{150};
  PeerAction dpdaction = PeerAction::none;
  PeerAction closeaction = PeerAction::none;
  /// 0 = no inactivity timeout.
  std::chrono::seconds inactivity{0};

  Fragmentation fragmentation = Fragmentation::yes;
  bool forceencaps = false;
  /// strongSwan's default is yes; ikev2d does not implement MOBIKE (RFC 4555)
  /// yet, so this is stored only and MOBIKE stays off.
  bool mobike = true;
  bool installpolicy = true;
  /// Stored only (IPComp).
  bool compress = false;
  /// 0 = allocated by the daemon.
  std::uint32_t reqid = 0;
  /// nullopt = the kernel default (32).
  std::optional<std::uint32_t> replay_window;
  /// From mark= (both directions), mark_in= and mark_out=.
  std::optional<Mark> mark_in;
  std::optional<Mark> mark_out;
  /// Stored only.
  std::optional<Tfc> tfc;
  /// DSCP of outgoing IKE packets (6 bits; stored only).
  std::uint8_t ikedscp = 0;
  /// Stored only (HMAC-SHA-256 truncation bug compatibility).
  bool sha256_96 = false;
  /// eap_identity ("%identity" = ask the peer's IKE identity), aaa_identity.
  std::string eap_identity;
  /// Stored only.
  std::string aaa_identity;
  /// Mediation extension (stored only).
  bool mediation = false;
  std::string mediated_by;
  std::string me_peerid;

  /// Where each keyword that applies came from (own section, also= or
  /// %default), by canonical keyword ("leftcert", "lifetime", ...).
  std::map<std::string, Location> origins;

  /// origins.at(keyword) if set, else the conn's own header line.
  Location origin_of(const std::string& keyword) const;
};

/// A whole ipsec.conf.
struct Config {
  SetupConfig setup;
  /// Conns in file order, without %default.
  std::vector<ConnConfig> conns;
  /// CA sections in file order, without %default.
  std::vector<CaConfig> cas;
  /// Deprecated and IKEv1-only keywords, redefinitions, empty include globs.
  std::vector<Warning> warnings;

  const ConnConfig* find_conn(const std::string& name) const;
};

}  // namespace ike::config
