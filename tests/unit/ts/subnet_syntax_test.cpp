#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "ike/ts/ip_protocol.hpp"
#include "ike/ts/subnet_syntax.hpp"
#include "ts_helpers.hpp"

namespace ike::ts {
namespace {

using test::address;
using test::selector;
using test::selectors;

std::string list_error(std::string_view text, ProtoPort side_default = {}) {
  auto parsed = parse_subnet_list(text, side_default);
  EXPECT_FALSE(parsed) << text << " parsed as " << to_string(*parsed);
  if (parsed) return {};
  EXPECT_EQ(parsed.error().code, Errc::invalid_argument);
  return parsed.error().reason;
}

TEST(SubnetSyntax, ParsesTheCommonForms) {
  auto list = selectors("10.1.0.0/16, 10.1.2.3,2001:db8::/32 ,0.0.0.0/0,::/0, 10.1.0.5-10.1.0.9");
  ASSERT_EQ(list.size(), 6u);
  EXPECT_EQ(list[0].start_address, address("10.1.0.0"));
  EXPECT_EQ(list[0].end_address, address("10.1.255.255"));
  EXPECT_EQ(list[0].protocol, 0);
  EXPECT_TRUE(list[0].ports.is_any());
  EXPECT_TRUE(list[1].is_host());
  EXPECT_EQ(list[2].family(), AddressFamily::ipv6);
  EXPECT_EQ(list[2].end_address, address("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"));
  EXPECT_EQ(list[3], TrafficSelector::any(AddressFamily::ipv4));
  EXPECT_EQ(list[4], TrafficSelector::any(AddressFamily::ipv6));
  EXPECT_EQ(list[5].start_address, address("10.1.0.5"));
  EXPECT_EQ(list[5].end_address, address("10.1.0.9"));
  // The printed range form reads back too.
  EXPECT_EQ(selector("10.1.0.5..10.1.0.9"), list[5]);
}

TEST(SubnetSyntax, MasksNonCanonicalSubnetsLikeStrongSwan) {
  EXPECT_EQ(selector("10.1.2.3/16"), selector("10.1.0.0/16"));
  EXPECT_EQ(selector("2001:db8::1/32"), selector("2001:db8::/32"));
  EXPECT_EQ(selector("192.168.1.77/0"), TrafficSelector::any(AddressFamily::ipv4));
}

TEST(SubnetSyntax, ParsesProtocolsAndPorts) {
  EXPECT_EQ(selector("10.0.0.1[tcp/80]").protocol, kProtocolTcp);
  EXPECT_EQ(selector("10.0.0.1[tcp/80]").ports, PortRange::single(80));
  EXPECT_EQ(selector("10.0.0.1[6/80]"), selector("10.0.0.1[tcp/80]"));
  EXPECT_EQ(selector("10.0.0.1[tcp/http]"), selector("10.0.0.1[tcp/80]"));
  EXPECT_EQ(selector("10.0.0.1[udp/l2tp]").ports, PortRange::single(1701));
  EXPECT_EQ(selector("10.0.0.1[udp/ipsec-nat-t]").ports, PortRange::single(4500));
  EXPECT_EQ(selector("10.0.0.1[udp]").ports, PortRange::any());
  EXPECT_EQ(selector("10.0.0.1[udp/%any]"), selector("10.0.0.1[udp]"));
  EXPECT_EQ(selector("10.0.0.1[udp/]"), selector("10.0.0.1[udp]"));
  EXPECT_EQ(selector("10.0.0.1[%any/53]").protocol, kProtocolAny);
  EXPECT_EQ(selector("10.0.0.1[/53]"), selector("10.0.0.1[%any/53]"));
  EXPECT_EQ(selector("10.0.0.1[]"), selector("10.0.0.1"));
  EXPECT_EQ(selector("10.0.0.1[tcp/1000-2000]").ports, (PortRange{1000, 2000}));
  EXPECT_EQ(selector("10.0.0.1[tcp/0-65535]").ports, PortRange::any());
  EXPECT_EQ(selector("10.0.0.1[tcp/0]").ports, PortRange::single(0));
  EXPECT_TRUE(selector("10.0.0.1[gre/%opaque]").ports.is_opaque());
  EXPECT_TRUE(selector("10.0.0.1[gre/OPAQUE]").ports.is_opaque());
  EXPECT_EQ(selector("10.0.0.1[sctp]").protocol, kProtocolSctp);
  EXPECT_EQ(selector("10.0.0.1[esp]").protocol, 50);
  EXPECT_EQ(selector("10.0.0.1[gre]").protocol, 47);
  EXPECT_EQ(selector("::1[icmpv6]").protocol, kProtocolIcmpv6);
  EXPECT_EQ(selector("::1[ipv6-icmp]").protocol, kProtocolIcmpv6);
  EXPECT_EQ(selector("10.0.0.1[255]").protocol, 255);
}

TEST(SubnetSyntax, EncodesIcmpTypeAndCodeAsStrongSwanDoes) {
  // A value below 256 is a type with code 0, in the high byte.
  EXPECT_EQ(selector("10.0.0.0/8[icmp/8]").ports, PortRange::single(0x0800));
  EXPECT_EQ(selector("10.0.0.0/8[icmp/0]").ports, PortRange::single(0x0000));
  EXPECT_EQ(selector("10.0.0.0/8[icmp/3-4]").ports, (PortRange{0x0300, 0x0400}));
  // 256 and above are type << 8 | code as they are; "type(code)" likewise.
  EXPECT_EQ(selector("10.0.0.0/8[icmp/772]").ports, PortRange::single(0x0304));
  EXPECT_EQ(selector("10.0.0.0/8[icmp/3(4)]").ports, PortRange::single(0x0304));
  EXPECT_EQ(selector("10.0.0.0/8[icmp/3-3(255)]").ports, (PortRange{0x0300, 0x03ff}));
  EXPECT_EQ(selector("2001:db8::/32[ipv6-icmp/135]").ports, PortRange::single(0x8700));
  EXPECT_TRUE(selector("10.0.0.0/8[icmp/%any]").ports.is_any());
  EXPECT_TRUE(selector("10.0.0.0/8[icmp/%opaque]").ports.is_opaque());
  // Only ICMP is shifted.
  EXPECT_EQ(selector("10.0.0.0/8[udp/8]").ports, PortRange::single(8));
}

TEST(SubnetSyntax, ParsesDynamicSelectors) {
  auto list = *parse_subnet_list("%dynamic,%dynamic[tcp/22], dynamic[udp]");
  ASSERT_EQ(list.size(), 3u);
  EXPECT_TRUE(list[0].dynamic);
  EXPECT_EQ(list[0], SelectorTemplate::dynamic_host());
  EXPECT_EQ(list[1], SelectorTemplate::dynamic_host({kProtocolTcp, PortRange::single(22)}));
  EXPECT_EQ(list[2].selector.protocol, kProtocolUdp);
  EXPECT_EQ(to_string(list), "%dynamic, %dynamic[tcp/22], %dynamic[udp]");
  EXPECT_TRUE(has_dynamic(list));
  auto concrete = *parse_subnet_list("10.0.0.0/8");
  EXPECT_FALSE(has_dynamic(concrete));
}

TEST(SubnetSyntax, LeftProtoPortAppliesToItemsWithoutBrackets) {
  auto l2tp = *parse_protoport("17/1701");
  EXPECT_EQ(l2tp, (ProtoPort{kProtocolUdp, PortRange::single(1701)}));
  EXPECT_EQ(*parse_protoport("udp/l2tp"), l2tp);
  EXPECT_EQ(*parse_protoport("udp/%any"), (ProtoPort{kProtocolUdp, PortRange::any()}));
  EXPECT_EQ(*parse_protoport("tcp"), (ProtoPort{kProtocolTcp, PortRange::any()}));
  EXPECT_EQ(*parse_protoport("%any/53"), (ProtoPort{kProtocolAny, PortRange::single(53)}));
  EXPECT_EQ(*parse_protoport("icmp/8"), (ProtoPort{kProtocolIcmp, PortRange::single(0x0800)}));

  auto list = *parse_subnet_list("10.0.0.0/8,10.1.0.0/16[tcp/22]", l2tp);
  EXPECT_EQ(list[0].selector.to_string(), "10.0.0.0/8[udp/1701]");
  EXPECT_EQ(list[1].selector.to_string(), "10.1.0.0/16[tcp/22]");

  // leftsubnet absent: one dynamic selector carrying leftprotoport.
  auto side = default_side_selectors(l2tp);
  ASSERT_EQ(side.size(), 1u);
  EXPECT_EQ(side[0].to_string(), "%dynamic[udp/1701]");
}

TEST(SubnetSyntax, ResolvesDynamicSelectorsOnceAddressesAreKnown) {
  auto templates = *parse_subnet_list("%dynamic[udp/1701], 10.9.0.0/16");
  std::vector<IpAddress> outer{address("192.0.2.10")};
  EXPECT_EQ(to_string(resolve(templates, outer)), "192.0.2.10/32[udp/1701], 10.9.0.0/16");

  // Virtual IPs: one selector per address, both families.
  std::vector<IpAddress> vips{address("10.3.0.7"), address("2001:db8:3::7")};
  EXPECT_EQ(to_string(resolve(default_side_selectors(), vips)), "10.3.0.7/32, 2001:db8:3::7/128");

  // Requesting a virtual IP not yet assigned: the whole family, for the
  // responder to narrow.
  std::vector<IpAddress> unknown{IpAddress::zero(AddressFamily::ipv4)};
  EXPECT_EQ(to_string(resolve(default_side_selectors(), unknown)), "0.0.0.0/0");

  // Duplicates collapse; no address means no dynamic selector.
  auto twice = *parse_subnet_list("%dynamic, 192.0.2.10");
  EXPECT_EQ(resolve(twice, outer).size(), 1u);
  EXPECT_EQ(to_string(resolve(templates, {})), "10.9.0.0/16");
}

TEST(SubnetSyntax, RefusesMalformedListsWithTheReason) {
  const std::vector<std::pair<std::string_view, std::string_view>> cases = {
      {"", "empty traffic selector list"},
      {"  ", "empty traffic selector list"},
      {"10.0.0.0/8,", "traffic selector list \"10.0.0.0/8,\": item 2 is empty"},
      {",10.0.0.0/8", "traffic selector list \",10.0.0.0/8\": item 1 is empty"},
      {"10.0.0.0/8,,10.1.0.0/16",
       "traffic selector list \"10.0.0.0/8,,10.1.0.0/16\": item 2 is empty"},
      {"10.1.0.0/33", "traffic selector \"10.1.0.0/33\": prefix length 33 is above 32 for IPv4"},
      {"2001:db8::/129",
       "traffic selector \"2001:db8::/129\": prefix length 129 is above 128 for IPv6"},
      {"10.1.0.0/", "traffic selector \"10.1.0.0/\": prefix length \"\" is not a decimal number"},
      {"10.1.0.0/16 [tcp]",
       "traffic selector \"10.1.0.0/16 [tcp]\": prefix length \"16 \" is not a decimal number"},
      {"10.1.256.0/24",
       "traffic selector \"10.1.256.0/24\": \"10.1.256.0\" is not an IPv4 "
       "address: part 3 (\"256\") is above 255"},
      {"10.1.0/24",
       "traffic selector \"10.1.0/24\": \"10.1.0\" is not an IPv4 address: has 3 "
       "dotted parts, expected 4"},
      {"gateway.example.com",
       "traffic selector \"gateway.example.com\": \"gateway.example.com\" "
       "is not an IPv4 address: unexpected character 'g'"},
      {"2001:db8::1::/64",
       "traffic selector \"2001:db8::1::/64\": \"2001:db8::1::\" is not an "
       "IPv6 address: '::' appears more than once"},
      {"fe80::1%eth0",
       "traffic selector \"fe80::1%eth0\": \"fe80::1%eth0\" is not an IPv6 "
       "address: a zone index (\"%eth0\") is not allowed"},
      {"10.1.0.9-10.1.0.5",
       "traffic selector \"10.1.0.9-10.1.0.5\": range start 10.1.0.9 is above its end 10.1.0.5"},
      {"10.1.0.1-2001:db8::1",
       "traffic selector \"10.1.0.1-2001:db8::1\": range 10.1.0.1-2001:db8::1 mixes IPv4 and IPv6"},
      {"10.1.0.1-", "traffic selector \"10.1.0.1-\": the range end is missing"},
      {"-10.1.0.1", "traffic selector \"-10.1.0.1\": the range start is missing"},
      {"10.1.0.0-10.1.0.5/24",
       "traffic selector \"10.1.0.0-10.1.0.5/24\": \"10.1.0.5/24\" is not "
       "an IPv4 address: unexpected character '/'"},
      {"%any",
       "traffic selector \"%any\": unknown keyword \"%any\" (write 0.0.0.0/0 or ::/0 for "
       "every address, %dynamic for this host)"},
      {"%defaultroute",
       "traffic selector \"%defaultroute\": unknown keyword \"%defaultroute\" "
       "(write 0.0.0.0/0 or ::/0 for every address, %dynamic for this host)"},
      {"10.0.0.0/8[tcp/80", "traffic selector \"10.0.0.0/8[tcp/80\": missing ']'"},
      {"10.0.0.0/8tcp/80]", "traffic selector \"10.0.0.0/8tcp/80]\": unexpected ']'"},
      {"10.0.0.0/8[tcp]/80",
       "traffic selector \"10.0.0.0/8[tcp]/80\": unexpected text \"/80\" "
       "after ']'"},
      {"10.0.0.0/8[[tcp]]", "traffic selector \"10.0.0.0/8[[tcp]]\": unexpected second '['"},
      {"10.0.0.0/8]tcp[", "traffic selector \"10.0.0.0/8]tcp[\": unexpected ']' before '['"},
      {"[tcp/80]", "traffic selector \"[tcp/80]\": the subnet is missing"},
      {"10.0.0.0/8[foo/80]", "traffic selector \"10.0.0.0/8[foo/80]\": unknown protocol \"foo\""},
      {"10.0.0.0/8[256]", "traffic selector \"10.0.0.0/8[256]\": protocol 256 is above 255"},
      {"10.0.0.0/8[tcp/65536]",
       "traffic selector \"10.0.0.0/8[tcp/65536]\": port 65536 is above "
       "65535"},
      {"10.0.0.0/8[tcp/1234567]",
       "traffic selector \"10.0.0.0/8[tcp/1234567]\": port \"1234567\" is too large"},
      {"10.0.0.0/8[tcp/nosuchservice]",
       "traffic selector \"10.0.0.0/8[tcp/nosuchservice]\": "
       "unknown port or service \"nosuchservice\""},
      {"10.0.0.0/8[tcp/2000-1000]",
       "traffic selector \"10.0.0.0/8[tcp/2000-1000]\": port range "
       "\"2000-1000\" is reversed (2000 > 1000)"},
      {"10.0.0.0/8[tcp/1000-]",
       "traffic selector \"10.0.0.0/8[tcp/1000-]\": port range \"1000-\" has no end"},
      {"10.0.0.0/8[tcp/-1000]",
       "traffic selector \"10.0.0.0/8[tcp/-1000]\": port range \"-1000\" has no start"},
      {"10.0.0.0/8[tcp/80/90]",
       "traffic selector \"10.0.0.0/8[tcp/80/90]\": port \"80/90\" contains a second '/'"},
      {"10.0.0.0/8[tcp/8(1)]",
       "traffic selector \"10.0.0.0/8[tcp/8(1)]\": \"8(1)\": type(code) "
       "is only for icmp and ipv6-icmp"},
      {"10.0.0.0/8[icmp/8(256)]",
       "traffic selector \"10.0.0.0/8[icmp/8(256)]\": ICMP code 256 is above 255"},
      {"10.0.0.0/8[icmp/300(1)]",
       "traffic selector \"10.0.0.0/8[icmp/300(1)]\": ICMP type 300 is above 255"},
      {"10.0.0.0/8[icmp/3(4]",
       "traffic selector \"10.0.0.0/8[icmp/3(4]\": ICMP value \"3(4\" lacks the closing ')'"},
      {"10.0.0.0/8[icmp/9-8]",
       "traffic selector \"10.0.0.0/8[icmp/9-8]\": port range \"9-8\" is reversed (2304 > 2048)"},
      {"%dynamic/24",
       "traffic selector \"%dynamic/24\": unknown keyword \"%dynamic/24\" (write "
       "0.0.0.0/0 or ::/0 for every address, %dynamic for this host)"},
  };
  ASSERT_GE(cases.size(), 20u);
  for (const auto& [text, reason] : cases)
    EXPECT_EQ(list_error(text), reason) << text;
}

TEST(SubnetSyntax, RefusesMalformedProtoPortWithTheReason) {
  auto reason = [](std::string_view text) {
    auto parsed = parse_protoport(text);
    EXPECT_FALSE(parsed) << text;
    return parsed ? std::string() : parsed.error().reason;
  };
  EXPECT_EQ(reason("17/99999"), "protocol/port \"17/99999\": port 99999 is above 65535");
  EXPECT_EQ(reason("xyz/80"), "protocol/port \"xyz/80\": unknown protocol \"xyz\"");
  EXPECT_EQ(reason("-1/80"), "protocol/port \"-1/80\": unknown protocol \"-1\"");
  EXPECT_EQ(reason("udp/l2tp/x"),
            "protocol/port \"udp/l2tp/x\": port \"l2tp/x\" contains a second '/'");
}

TEST(SubnetSyntax, PrintedListsParseBackToTheSameTemplates) {
  for (std::string_view text :
       {"10.1.0.0/16", "10.1.2.3/16[tcp/80]", "10.1.0.5-10.1.0.9[udp/1000-2000]",
        "2001:db8::1-2001:db8::ff[sctp]", "::ffff:10.0.0.0/104", "0.0.0.0/0[icmp/8]",
        "0.0.0.0/0[icmp/3-4]", "0.0.0.0/0[icmp/0-300]", "::/0[icmpv6/3(4)-4]", "10.0.0.0/8[/53]",
        "10.0.0.0/8[%any/%opaque]", "%dynamic[gre/%opaque], 10.0.0.0/8[47]",
        "10.0.0.0/8[tcp/0-65535]", "10.0.0.0/8[icmp/65535]", "dynamic, 1.2.3.4"}) {
    auto first = parse_subnet_list(text);
    ASSERT_TRUE(first) << text << ": " << first.error().reason;
    auto printed = to_string(*first);
    auto second = parse_subnet_list(printed);
    ASSERT_TRUE(second) << printed << ": " << second.error().reason;
    EXPECT_EQ(*second, *first) << text << " -> " << printed;
  }
}

}  // namespace
}  // namespace ike::ts
