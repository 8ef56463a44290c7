// Layer 2 on real-world-style files: typed values, strongSwan's defaults,
// %default, aliases, warnings for cruft.
#include <gtest/gtest.h>

#include "config_test_support.hpp"

namespace ike::config {
namespace {

using namespace std::chrono_literals;
using test::load_data_file;

std::string subnets(const EndConfig& end) {
  return ts::to_string(end.subnets);
}

std::vector<std::string> warning_texts(const Config& config, const std::string& strip_prefix) {
  std::vector<std::string> out;
  for (const auto& warning : config.warnings) {
    auto text = warning.to_string();
    if (text.rfind(strip_prefix, 0) == 0) text = text.substr(strip_prefix.size());
    out.push_back(text);
  }
  return out;
}

TEST(IpsecConf, SiteToSiteWithCertificates) {
  auto config = load_data_file("site-to-site-certs.conf");
  ASSERT_TRUE(config) << config.error().reason;
  EXPECT_TRUE(config->warnings.empty());
  EXPECT_EQ(config->setup.charondebug, "ike 2, knl 2, cfg 2");
  EXPECT_EQ(config->setup.debug_levels.at("knl"), 2);
  EXPECT_EQ(config->setup.uniqueids, UniqueIds::yes);
  EXPECT_EQ(config->setup.strictcrlpolicy, CrlPolicy::no);

  ASSERT_EQ(config->conns.size(), 1u);
  const auto& conn = config->conns[0];
  EXPECT_EQ(conn.name, "net-net");
  EXPECT_EQ(conn.where.line, 17u);
  EXPECT_EQ(conn.inherits, std::vector<std::string>{"%default"});
  // From %default, through the aliases keylife and rekeymargin.
  EXPECT_EQ(conn.ikelifetime, 60min);
  EXPECT_EQ(conn.lifetime, 20min);
  EXPECT_EQ(conn.margintime, 3min);
  EXPECT_EQ(conn.keyingtries, 1u);
  EXPECT_FALSE(conn.mobike);
  EXPECT_EQ(conn.origin_of("lifetime").line, 11u);
  EXPECT_EQ(conn.origin_of("leftcert").line, 19u);

  EXPECT_EQ(conn.left.host.kind, HostKind::addresses);
  EXPECT_EQ(conn.left.host.family, HostFamily::ipv4);
  EXPECT_EQ(conn.left.host.items, std::vector<std::string>{"192.168.0.1"});
  EXPECT_EQ(conn.left.cert, "moonCert.pem");
  EXPECT_EQ(conn.left.id, "@moon.strongswan.org");
  EXPECT_EQ(subnets(conn.left), "10.1.0.0/16");
  EXPECT_TRUE(conn.left.firewall);
  EXPECT_EQ(conn.right.id, "C=CH, O=strongSwan Project, CN=sun.strongswan.org");
  EXPECT_EQ(subnets(conn.right), "10.2.0.0/16, 10.3.0.0/16");
  EXPECT_EQ(conn.right.subnet_text, "10.2.0.0/16,10.3.0.0/16");
  EXPECT_EQ(conn.left.auth.method, AuthMethod::pubkey);
  EXPECT_FALSE(conn.left.auth_explicit);
  ASSERT_TRUE(conn.ike && conn.esp);
  EXPECT_EQ(proposal::to_string(*conn.ike), "aes256gcm16-prfsha384-ecp384!");
  EXPECT_TRUE(conn.ike->strict);
  EXPECT_EQ(conn.esp->proposals.size(), 1u);
  EXPECT_TRUE(conn.esp->strict);
  EXPECT_EQ(conn.dpdaction, PeerAction::restart);
  EXPECT_EQ(conn.dpddelay, 10s);
  EXPECT_EQ(conn.auto_action, AutoAction::start);

  ASSERT_EQ(config->cas.size(), 1u);
  const auto& ca = config->cas[0];
  EXPECT_EQ(ca.name, "strongswan");
  EXPECT_EQ(ca.auto_action, CaAuto::add);
  EXPECT_EQ(ca.cacert, "strongswanCert.pem");
  EXPECT_EQ(ca.crluri, "http://crl.strongswan.org/strongswan.crl");
  EXPECT_EQ(ca.ocspuri2, "http://ocsp2.strongswan.org:8880");
}

TEST(IpsecConf, RoadWarriorServerWithEap) {
  auto config = load_data_file("roadwarrior-server.conf");
  ASSERT_TRUE(config) << config.error().reason;
  EXPECT_EQ(config->setup.uniqueids, UniqueIds::no);
  const auto& conn = config->conns.at(0);
  EXPECT_EQ(conn.auto_action, AutoAction::add);
  EXPECT_EQ(conn.fragmentation, Fragmentation::yes);
  EXPECT_TRUE(conn.forceencaps);
  EXPECT_EQ(conn.dpdaction, PeerAction::clear);
  EXPECT_EQ(conn.dpddelay, 300s);
  EXPECT_FALSE(conn.rekey);
  EXPECT_EQ(conn.left.host.kind, HostKind::any);
  EXPECT_EQ(conn.left.sendcert, SendCert::always);
  EXPECT_EQ(conn.right.sendcert, SendCert::never);
  EXPECT_EQ(conn.right.auth.method, AuthMethod::eap);
  EXPECT_EQ(conn.right.auth.text, "eap-mschapv2");
  EXPECT_TRUE(conn.right.auth_explicit);
  EXPECT_EQ(conn.left.auth.method, AuthMethod::pubkey);
  EXPECT_EQ(conn.right.sourceip, std::vector<std::string>{"10.10.10.0/24"});
  EXPECT_EQ(conn.right.dns, (std::vector<std::string>{"8.8.8.8", "8.8.4.4"}));
  EXPECT_EQ(conn.eap_identity, "%identity");
}

TEST(IpsecConf, RoadWarriorPskClient) {
  auto config = load_data_file("roadwarrior-psk-client.conf");
  ASSERT_TRUE(config) << config.error().reason;
  const auto& conn = config->conns.at(0);
  EXPECT_EQ(conn.authby, AuthBy::psk);
  EXPECT_EQ(conn.left.auth.method, AuthMethod::psk);
  EXPECT_EQ(conn.right.auth.method, AuthMethod::psk);
  EXPECT_EQ(conn.left.host.kind, HostKind::defaultroute);
  EXPECT_EQ(conn.left.sourceip, std::vector<std::string>{"%config"});
  EXPECT_EQ(conn.right.host.kind, HostKind::hostname);
  EXPECT_EQ(conn.right.host.items, std::vector<std::string>{"vpn.example.com"});
  EXPECT_EQ(subnets(conn.right), "0.0.0.0/0, ::/0");
  EXPECT_EQ(subnets(conn.left), "%dynamic");
  EXPECT_EQ(conn.keyingtries, 0u);
  EXPECT_EQ(conn.closeaction, PeerAction::restart);
  EXPECT_EQ(conn.ikelifetime, 24h);
  EXPECT_EQ(conn.lifetime, 8h);
  EXPECT_EQ(conn.margintime, 15min);
  EXPECT_EQ(conn.rekeyfuzz, 50u);
}

TEST(IpsecConf, TransportModeWithMarksAndUpdown) {
  auto config = load_data_file("transport-l2tp.conf");
  ASSERT_TRUE(config) << config.error().reason;
  const auto& conn = config->conns.at(0);
  EXPECT_EQ(conn.type, ConnType::transport);
  EXPECT_EQ(conn.auto_action, AutoAction::route);
  EXPECT_EQ(conn.left.protoport_text, "17/1701");
  EXPECT_EQ(conn.left.protoport.protocol, 17);
  EXPECT_EQ(conn.right.protoport_text, "udp/%any");
  EXPECT_EQ(subnets(conn.left), "%dynamic[udp/1701]");
  EXPECT_EQ(subnets(conn.right), "%dynamic[udp]");
  ASSERT_TRUE(conn.esp);
  EXPECT_FALSE(conn.esp->strict);
  EXPECT_EQ(conn.mark_in, (Mark{MarkKind::fixed, 0x2a, 0xff}));
  // mark_out= wins over mark= whatever the order.
  EXPECT_EQ(conn.mark_out, (Mark{MarkKind::fixed, 7, 0xffffffff}));
  EXPECT_EQ(conn.reqid, 42u);
  EXPECT_EQ(conn.replay_window, 128u);
  EXPECT_EQ(conn.left.updown, "/usr/local/sbin/l2tp-updown");
}

TEST(IpsecConf, LegacyCruftLoadsWithWarnings) {
  auto config = load_data_file("legacy-cruft.conf");
  ASSERT_TRUE(config) << config.error().reason;
  auto prefix = test::data_dir() + "/";
  EXPECT_EQ(warning_texts(*config, prefix),
            (std::vector<std::string>{
                "legacy-cruft.conf:5: config setup: deprecated keyword 'plutostart' ignored",
                "legacy-cruft.conf:6: config setup: deprecated keyword 'charonstart' ignored",
                "legacy-cruft.conf:7: config setup: deprecated keyword 'nat_traversal' ignored",
                "legacy-cruft.conf:8: config setup: deprecated keyword 'virtual_private' ignored",
                "legacy-cruft.conf:9: config setup: deprecated keyword 'plutodebug' ignored",
                "legacy-cruft.conf:19: conn %default: deprecated keyword 'pfs' ignored",
                "legacy-cruft.conf:27: conn L2TP-PSK-noNAT: deprecated keyword 'pfs' ignored",
                "legacy-cruft.conf:35: conn L2TP-PSK-noNAT: deprecated keyword 'leftnexthop' "
                "ignored",
                "legacy-cruft.conf:39: conn L2TP-PSK-noNAT: IKEv1-only keyword 'aggressive' "
                "ignored (ikev2d speaks IKEv2 only)",
            }));
  EXPECT_TRUE(config->setup.cachecrls);
  ASSERT_EQ(config->conns.size(), 2u);
  const auto& nat = config->conns[0];
  EXPECT_EQ(nat.name, "L2TP-PSK-NAT");
  EXPECT_EQ(nat.inherits, (std::vector<std::string>{"L2TP-PSK-noNAT", "%default"}));
  EXPECT_EQ(nat.type, ConnType::transport);
  EXPECT_EQ(nat.keyingtries, 3u);
  EXPECT_EQ(nat.ikelifetime, 8h);
  EXPECT_EQ(nat.lifetime, 1h);
  EXPECT_EQ(nat.margintime, 3min);
  EXPECT_EQ(nat.authby, AuthBy::psk);
  EXPECT_EQ(subnets(nat.right), "0.0.0.0/0[udp]");
  EXPECT_EQ(subnets(config->conns[1].right), "%dynamic[udp]");
}

TEST(IpsecConf, IncludedFilesFromDiskWithTemplates) {
  auto config = load_data_file("with-includes/ipsec.conf");
  ASSERT_TRUE(config) << config.error().reason;
  EXPECT_EQ(config->setup.uniqueids, UniqueIds::replace);
  ASSERT_EQ(config->conns.size(), 3u);
  const auto* a = config->find_conn("branch-a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->auto_action, AutoAction::route);
  EXPECT_EQ(a->left.cert, "gw.pem");
  EXPECT_EQ(proposal::to_string(*a->ike), "aes128gcm16-prfsha256-ecp256");
  EXPECT_EQ(a->origin_of("leftcert").file,
            test::data_dir() + "/with-includes/ipsec.d/20-branch-b.conf");
  EXPECT_EQ(a->origin_of("leftcert").line, 10u);
  const auto* b = config->find_conn("branch-b");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->right.host.kind, HostKind::hostname);
  EXPECT_EQ(b->auto_action, AutoAction::start);
  EXPECT_EQ(config->find_conn("branch-template")->auto_action, AutoAction::ignore);
  ASSERT_EQ(config->warnings.size(), 1u);
  EXPECT_EQ(config->warnings[0].message, "include 'ipsec.d/optional/*.conf' matches no files");
}

TEST(IpsecConf, DefaultsAreStrongSwans) {
  auto config = parse_ipsec_conf("conn bare\n");
  ASSERT_TRUE(config) << config.error().reason;
  const auto& conn = config->conns.at(0);
  EXPECT_EQ(conn.auto_action, AutoAction::ignore);
  EXPECT_EQ(conn.type, ConnType::tunnel);
  EXPECT_EQ(conn.ikelifetime, 3h);
  EXPECT_EQ(conn.lifetime, 1h);
  EXPECT_EQ(conn.margintime, 9min);
  EXPECT_EQ(conn.rekeyfuzz, 100u);
  EXPECT_EQ(conn.keyingtries, 3u);
  EXPECT_EQ(conn.dpddelay, 30s);
  EXPECT_EQ(conn.dpdtimeout, 150s);
  EXPECT_EQ(conn.dpdaction, PeerAction::none);
  EXPECT_EQ(conn.closeaction, PeerAction::none);
  EXPECT_EQ(conn.fragmentation, Fragmentation::yes);
  EXPECT_TRUE(conn.rekey);
  EXPECT_TRUE(conn.reauth);
  EXPECT_TRUE(conn.installpolicy);
  EXPECT_FALSE(conn.forceencaps);
  EXPECT_FALSE(conn.compress);
  EXPECT_EQ(conn.reqid, 0u);
  EXPECT_FALSE(conn.replay_window);
  EXPECT_FALSE(conn.mark_in);
  EXPECT_FALSE(conn.authby);
  EXPECT_FALSE(conn.ike);
  EXPECT_FALSE(conn.esp);
  for (const auto* end : {&conn.left, &conn.right}) {
    EXPECT_EQ(end->host.kind, HostKind::any);
    EXPECT_EQ(end->host.text, "%any");
    EXPECT_EQ(end->ikeport, 500);
    EXPECT_EQ(end->sendcert, SendCert::ifasked);
    EXPECT_EQ(end->auth.method, AuthMethod::pubkey);
    EXPECT_EQ(subnets(*end), "%dynamic");
  }
  EXPECT_EQ(config->setup.uniqueids, UniqueIds::yes);
  EXPECT_EQ(config->setup.strictcrlpolicy, CrlPolicy::no);
  EXPECT_EQ(config->setup.keep_alive, 20s);
  EXPECT_TRUE(config->warnings.empty());
}

TEST(IpsecConf, KeepAliveSetsTheNatKeepaliveIntervalInEitherSpelling) {
  auto strongswan = parse_ipsec_conf("config setup\n\tkeep_alive=5s\n");
  ASSERT_TRUE(strongswan) << strongswan.error().reason;
  EXPECT_EQ(strongswan->setup.keep_alive, 5s);
  EXPECT_TRUE(strongswan->warnings.empty());
  auto libreswan = parse_ipsec_conf("config setup\n\tkeep-alive=0\n");
  ASSERT_TRUE(libreswan) << libreswan.error().reason;
  EXPECT_EQ(libreswan->setup.keep_alive, 0s) << "0 turns keepalives off";
  EXPECT_TRUE(libreswan->warnings.empty());
  auto minutes = parse_ipsec_conf("config setup\n\tkeep_alive=1m\n");
  ASSERT_TRUE(minutes) << minutes.error().reason;
  EXPECT_EQ(minutes->setup.keep_alive, 60s);
}

TEST(IpsecConf, DefaultSectionAppliesToConnsBeforeAndAfterIt) {
  auto config = parse_ipsec_conf(
      "conn before\n\tleft=10.0.0.1\n"
      "conn %default\n\tdpddelay=5s\n\tauto=add\n"
      "conn after\n\tauto=start\n"
      "conn %default\n\tdpdtimeout=20s\n");
  ASSERT_TRUE(config) << config.error().reason;
  ASSERT_EQ(config->conns.size(), 2u);
  for (const auto& conn : config->conns) {
    EXPECT_EQ(conn.dpddelay, 5s) << conn.name;
    EXPECT_EQ(conn.dpdtimeout, 20s) << conn.name;
  }
  EXPECT_EQ(config->conns[0].auto_action, AutoAction::add);
  EXPECT_EQ(config->conns[1].auto_action, AutoAction::start);
}

TEST(IpsecConf, EmptyValueUnsetsWhatDefaultGave) {
  auto config = parse_ipsec_conf(
      "conn %default\n\tleftcert=default.pem\n\tlifetime=2h\n"
      "conn x\n\tleftcert=\n\tlifetime=\n");
  ASSERT_TRUE(config) << config.error().reason;
  EXPECT_EQ(config->conns[0].left.cert, "");
  EXPECT_EQ(config->conns[0].lifetime, 1h);
  EXPECT_EQ(config->conns[0].origins.count("leftcert"), 0u);
}

TEST(IpsecConf, RepeatedKeywordWarnsAndTheLastWins) {
  auto config =
      parse_ipsec_conf("conn x\n\tleft=10.0.0.1\n\tkeylife=2h\n\tleft=10.0.0.2\n\tlifetime=3h\n");
  ASSERT_TRUE(config) << config.error().reason;
  EXPECT_EQ(config->conns[0].left.host.items, std::vector<std::string>{"10.0.0.2"});
  EXPECT_EQ(config->conns[0].lifetime, 3h);
  ASSERT_EQ(config->warnings.size(), 2u);
  EXPECT_EQ(config->warnings[0].to_string(),
            "ipsec.conf:4: conn x: 'left' set again, overriding ipsec.conf:2");
  EXPECT_EQ(config->warnings[1].to_string(),
            "ipsec.conf:5: conn x: 'lifetime' set again, overriding ipsec.conf:3");
}

TEST(IpsecConf, MarginNearLifetimeWithFuzzIsAWarning) {
  auto config = parse_ipsec_conf("conn x\n\tlifetime=20m\n\tmargintime=10m\n");
  ASSERT_TRUE(config) << config.error().reason;
  ASSERT_EQ(config->warnings.size(), 1u);
  EXPECT_EQ(config->warnings[0].to_string(),
            "ipsec.conf:3: conn x: margintime (10m) plus rekeyfuzz (100%) can reach lifetime "
            "(20m): rekeying may start at once");
}

TEST(IpsecConf, HostForms) {
  auto config = parse_ipsec_conf(
      "conn a\n\tleft=%any6\n\tright=%vpn.example.com\n"
      "conn b\n\tleft=2001:db8::1\n\tright=10.0.0.0/8,10.1.0.1-10.1.0.9\n"
      "conn c\n\tleft=%192.0.2.1\n\tright=%any4\n");
  ASSERT_TRUE(config) << config.error().reason;
  const auto& a = config->conns[0];
  EXPECT_EQ(a.left.host.kind, HostKind::any);
  EXPECT_EQ(a.left.host.family, HostFamily::ipv6);
  EXPECT_EQ(a.right.host.kind, HostKind::hostname);
  EXPECT_TRUE(a.right.host.allow_any);
  const auto& b = config->conns[1];
  EXPECT_EQ(b.left.host.family, HostFamily::ipv6);
  EXPECT_EQ(b.right.host.items.size(), 2u);
  EXPECT_EQ(b.right.host.family, HostFamily::ipv4);
  const auto& c = config->conns[2];
  EXPECT_TRUE(c.left.host.allow_any);
  EXPECT_EQ(c.left.host.kind, HostKind::addresses);
  EXPECT_EQ(c.right.host.family, HostFamily::ipv4);
}

}  // namespace
}  // namespace ike::config

namespace ike::config {
namespace {

TEST(IpsecConfParsed, IdentitiesSubnetsAndAddressesAreTyped) {
  auto config = parse_ipsec_conf(
      "conn a\n\tleft=192.0.2.1\n\tleftid=@gw.example\n\tright=2001:db8::2\n"
      "\trightid=\"C=CH, O=strongSwan, CN=peer\"\n"
      "\tleftsubnet=10.1.0.0/16,10.9.0.0/24[tcp/443]\n\tleftprotoport=udp\n"
      "\trightsubnet=%dynamic\n\trightca=%same\n");
  ASSERT_TRUE(config) << config.error().reason;
  const auto& conn = config->conns.at(0);
  ASSERT_TRUE(conn.left.identity);
  EXPECT_EQ(conn.left.identity->type, wire::IdType::fqdn);
  EXPECT_EQ(conn.left.identity->to_string(), "gw.example");
  ASSERT_TRUE(conn.right.identity);
  EXPECT_EQ(conn.right.identity->type, wire::IdType::der_asn1_dn);
  EXPECT_FALSE(config->conns[0].left.identity->is_any());
  // leftprotoport applies to the items without brackets only.
  EXPECT_EQ(ts::to_string(conn.left.subnets), "10.1.0.0/16[udp], 10.9.0.0/24[tcp/443]");
  EXPECT_EQ(ts::to_string(conn.right.subnets), "%dynamic");
  EXPECT_EQ(conn.left.host.addresses, std::vector<IpAddress>{*IpAddress::parse("192.0.2.1")});
  EXPECT_EQ(conn.right.host.addresses.at(0).family(), AddressFamily::ipv6);
  EXPECT_EQ(conn.right.ca, "%same");
}

TEST(IpsecConfParsed, ProposalRemarksBecomeWarningsOncePerLine) {
  auto config = parse_ipsec_conf(
      "conn %default\n\tike=aes128-sha1-modp2048\n"
      "conn a\n\tauto=add\n"
      "conn b\n\tauto=add\n");
  ASSERT_TRUE(config) << config.error().reason;
  ASSERT_TRUE(config->conns[0].ike);
  EXPECT_EQ(config->conns[1].ike, config->conns[0].ike);
  ASSERT_FALSE(config->warnings.empty());
  EXPECT_EQ(config->warnings[0].where, (Location{"ipsec.conf", 2}));
  EXPECT_EQ(config->warnings[0].message.rfind("conn %default: ike: ", 0), 0u)
      << config->warnings[0].message;
  for (std::size_t i = 1; i < config->warnings.size(); ++i)
    EXPECT_NE(config->warnings[i].to_string(), config->warnings[0].to_string());
}

}  // namespace
}  // namespace ike::config
