// Value parsers and the keyword table.
#include <gtest/gtest.h>

#include <set>

#include "ike/config/keywords.hpp"
#include "ike/config/values.hpp"

namespace ike::config {
namespace {

using namespace std::chrono_literals;

TEST(Values, DurationsTakeSuffixesAndRefuseJunk) {
  EXPECT_EQ(*parse_duration("30"), 30s);
  EXPECT_EQ(*parse_duration("30s"), 30s);
  EXPECT_EQ(*parse_duration("10m"), 10min);
  EXPECT_EQ(*parse_duration("3h"), 3h);
  EXPECT_EQ(*parse_duration("1d"), 24h);
  EXPECT_EQ(*parse_duration("0"), 0s);
  EXPECT_EQ(*parse_duration("4294967295s"), std::chrono::seconds(4294967295LL));
  for (const char* bad : {"", "s", "3x", "-1", "+1", "1.5h", " 1h", "1h ", "1hh", "0x10"}) {
    EXPECT_FALSE(parse_duration(bad)) << bad;
  }
  EXPECT_EQ(parse_duration("49711d").error().reason,
            "time is too large (at most 4294967295 seconds)");
}

TEST(Values, PercentYesNoNumbers) {
  EXPECT_EQ(*parse_percent("100%"), 100u);
  EXPECT_EQ(*parse_percent("250%"), 250u);
  EXPECT_FALSE(parse_percent("100"));
  EXPECT_FALSE(parse_percent("%"));
  EXPECT_TRUE(*parse_yes_no("yes"));
  EXPECT_FALSE(*parse_yes_no("no"));
  EXPECT_FALSE(parse_yes_no("Yes"));
  EXPECT_EQ(*parse_unsigned("65535", 65535), 65535u);
  EXPECT_FALSE(parse_unsigned("65536", 65535));
  EXPECT_FALSE(parse_unsigned("18446744073709551616", UINT64_MAX));
}

TEST(Values, Marks) {
  EXPECT_EQ(*parse_mark("42"), (Mark{MarkKind::fixed, 42, 0xffffffff}));
  EXPECT_EQ(*parse_mark("0x2a/0xff"), (Mark{MarkKind::fixed, 42, 0xff}));
  EXPECT_EQ(*parse_mark("%unique"), (Mark{MarkKind::unique, 0, 0xffffffff}));
  EXPECT_EQ(*parse_mark("%unique-dir/0xffff"), (Mark{MarkKind::unique_dir, 0, 0xffff}));
  for (const char* bad : {"", "/", "1/", "0x", "fixed", "0x100000000", "1/2/3"}) {
    EXPECT_FALSE(parse_mark(bad)) << bad;
  }
}

TEST(Values, AuthMethods) {
  EXPECT_EQ(parse_auth("pubkey")->method, AuthMethod::pubkey);
  EXPECT_EQ(parse_auth("rsa-2048")->method, AuthMethod::pubkey);
  EXPECT_EQ(parse_auth("rsa/pss-sha256")->method, AuthMethod::pubkey);
  EXPECT_EQ(parse_auth("ecdsa-384-sha384")->method, AuthMethod::pubkey);
  EXPECT_EQ(parse_auth("psk")->method, AuthMethod::psk);
  EXPECT_EQ(parse_auth("eap")->method, AuthMethod::eap);
  EXPECT_EQ(parse_auth("eap-tls")->text, "eap-tls");
  EXPECT_EQ(parse_auth("null")->method, AuthMethod::null);
  EXPECT_FALSE(parse_auth("xauth-generic"));
  EXPECT_FALSE(parse_auth("nullx"));
  EXPECT_FALSE(parse_auth(""));
}

TEST(Values, Hosts) {
  EXPECT_EQ(parse_host("%any")->kind, HostKind::any);
  EXPECT_EQ(parse_host("%defaultroute")->kind, HostKind::defaultroute);
  EXPECT_EQ(parse_host("2001:db8::1")->family, HostFamily::ipv6);
  EXPECT_EQ(parse_host("::ffff:192.0.2.1")->family, HostFamily::ipv6);
  EXPECT_EQ(parse_host("10.0.0.1,2001:db8::/32")->family, HostFamily::any);
  EXPECT_EQ(parse_host("gw-1.example.net")->kind, HostKind::hostname);
  EXPECT_TRUE(parse_host("%gw.example.net")->allow_any);
  for (const char* bad : {"", "%", "%%any", "1.2.3", "1.2.3.4.5", "01.2.3.4", "2001:db8:::1",
                          "1:2:3:4:5:6:7:8:9", "10.0.0.1-2001:db8::1", "a..b", "-", "host name"}) {
    EXPECT_FALSE(parse_host(bad)) << bad;
  }
}

TEST(Values, DebugLevels) {
  auto levels = parse_debug_levels("ike 2, knl -1,cfg 4");
  ASSERT_TRUE(levels) << levels.error().reason;
  EXPECT_EQ(levels->size(), 3u);
  EXPECT_EQ((*levels)[1], (std::pair<std::string, int>{"knl", -1}));
  EXPECT_FALSE(parse_debug_levels("ike 5"));
  EXPECT_FALSE(parse_debug_levels("ike"));
}

template <class Enum>
void expect_every_value_named_uniquely() {
  std::set<std::string> seen;
  for (Enum value : all_values(Enum{})) {
    auto text = std::string(name(value));
    EXPECT_FALSE(text.empty());
    EXPECT_TRUE(seen.insert(text).second) << text;
    EXPECT_EQ(parse_enum_name<Enum>(text), value);
  }
}

TEST(Values, EveryEnumValueHasOneName) {
  expect_every_value_named_uniquely<AutoAction>();
  expect_every_value_named_uniquely<ConnType>();
  expect_every_value_named_uniquely<AuthBy>();
  expect_every_value_named_uniquely<AuthMethod>();
  expect_every_value_named_uniquely<SendCert>();
  expect_every_value_named_uniquely<PeerAction>();
  expect_every_value_named_uniquely<Fragmentation>();
  expect_every_value_named_uniquely<UniqueIds>();
  expect_every_value_named_uniquely<CrlPolicy>();
  expect_every_value_named_uniquely<CaAuto>();
  expect_every_value_named_uniquely<HostKind>();
  expect_every_value_named_uniquely<HostFamily>();
  expect_every_value_named_uniquely<MarkKind>();
}

TEST(Keywords, TableMatchesStrongSwan59) {
  // keywords.txt of strongSwan 5.9: 110 live keywords (left/right apart; auto
  // and also once) and 30 deprecated ones, of which keep_alive (and its
  // Libreswan spelling keep-alive) is live here: it sets the NAT keepalive
  // interval that strongSwan takes from strongswan.conf.
  std::set<std::string> live, deprecated, ikev1;
  for (const auto& keyword : all_keywords()) {
    if (keyword.status == KeywordStatus::deprecated) deprecated.insert(keyword.name);
    if (keyword.status == KeywordStatus::ikev1_only) ikev1.insert(keyword.name);
    if (keyword.status != KeywordStatus::deprecated) live.insert(keyword.name);
  }
  EXPECT_EQ(live.size(), 112u);
  EXPECT_EQ(deprecated.size(), 29u);
  EXPECT_EQ(ikev1, (std::set<std::string>{"aggressive", "modeconfig", "xauth", "xauth_identity"}));
  EXPECT_TRUE(live.count("keep_alive"));
  EXPECT_TRUE(live.count("keep-alive"));
  for (const char* name : {"pfs", "pfsgroup", "nat_traversal", "plutostart", "leftnexthop",
                           "rightnexthop", "ldaphost", "pkcs11module", "eap"}) {
    EXPECT_TRUE(deprecated.count(name)) << name;
  }
}

TEST(Keywords, LookupResolvesSidesAliasesAndSections) {
  auto subnet = find_keyword("rightsubnetwithin", SectionKind::conn);
  ASSERT_TRUE(subnet);
  EXPECT_EQ(subnet->name, "rightsubnetwithin");
  EXPECT_EQ(subnet->canonical, "rightsubnet");
  EXPECT_EQ(find_keyword("keylife", SectionKind::conn)->canonical, "lifetime");
  EXPECT_EQ(find_keyword("rekeymargin", SectionKind::conn)->canonical, "margintime");
  EXPECT_EQ(find_keyword("leftrsasigkey", SectionKind::conn)->canonical, "leftsigkey");
  EXPECT_EQ(find_keyword("crluri1", SectionKind::ca)->canonical, "crluri");
  EXPECT_EQ(find_keyword("left", SectionKind::conn)->canonical, "left");
  EXPECT_EQ(find_keyword("auto", SectionKind::ca)->section, SectionKind::ca);
  EXPECT_EQ(find_keyword("auto", SectionKind::conn)->section, SectionKind::conn);
  EXPECT_TRUE(find_keyword("rightdns", SectionKind::conn)->stored_only);
  EXPECT_FALSE(find_keyword("rightsubnet", SectionKind::conn)->stored_only);
  EXPECT_FALSE(find_keyword("lefsubnet", SectionKind::conn));
  EXPECT_FALSE(find_keyword("middlesubnet", SectionKind::conn));
  EXPECT_FALSE(find_keyword("subnet", SectionKind::conn));
}

}  // namespace
}  // namespace ike::config
