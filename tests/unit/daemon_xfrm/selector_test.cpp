#include <gtest/gtest.h>

#include <arpa/inet.h>

#include "xfrm/xfrm_selector.hpp"
#include "xfrm_test_support.hpp"

namespace ikev2d::xfrm {
namespace {

using ike::ts::PortRange;
using test::address_text;
using test::selector;

TEST(XfrmSelector, PrefixesBecomeOneSelector) {
  auto selectors = to_xfrm_selectors(selector("10.1.0.0/16"), selector("10.2.3.0/24"));
  ASSERT_TRUE(selectors) << selectors.error().reason;
  ASSERT_EQ(selectors->size(), 1u);
  const auto& s = selectors->front();
  EXPECT_EQ(s.family, AF_INET);
  EXPECT_EQ(address_text(s.saddr, AF_INET), "10.1.0.0");
  EXPECT_EQ(s.prefixlen_s, 16);
  EXPECT_EQ(address_text(s.daddr, AF_INET), "10.2.3.0");
  EXPECT_EQ(s.prefixlen_d, 24);
  EXPECT_EQ(s.proto, 0);
  EXPECT_EQ(s.sport_mask, 0);
  EXPECT_EQ(s.dport_mask, 0);
}

TEST(XfrmSelector, Ipv6HostsAndProtocolPort) {
  auto selectors =
      to_xfrm_selectors(selector("2001:db8::1/128", IPPROTO_TCP),
                        selector("2001:db8::2/128", IPPROTO_TCP, PortRange::single(443)));
  ASSERT_TRUE(selectors);
  ASSERT_EQ(selectors->size(), 1u);
  const auto& s = selectors->front();
  EXPECT_EQ(s.family, AF_INET6);
  EXPECT_EQ(address_text(s.daddr, AF_INET6), "2001:db8::2");
  EXPECT_EQ(s.prefixlen_d, 128);
  EXPECT_EQ(s.proto, IPPROTO_TCP);
  EXPECT_EQ(ntohs(s.dport), 443);
  EXPECT_EQ(ntohs(s.dport_mask), 0xffff);
  EXPECT_EQ(s.sport_mask, 0);
}

TEST(XfrmSelector, RangeThatIsNoPrefixIsSplitExactly) {
  // 10.1.0.5..10.1.0.9 = 10.1.0.5/32 + 10.1.0.6/31 + 10.1.0.8/31.
  auto selectors = to_xfrm_selectors(selector("10.1.0.5..10.1.0.9"), selector("10.2.0.0/16"));
  ASSERT_TRUE(selectors) << selectors.error().reason;
  ASSERT_EQ(selectors->size(), 3u);
  EXPECT_EQ(address_text((*selectors)[0].saddr, AF_INET), "10.1.0.5");
  EXPECT_EQ((*selectors)[0].prefixlen_s, 32);
  EXPECT_EQ(address_text((*selectors)[1].saddr, AF_INET), "10.1.0.6");
  EXPECT_EQ((*selectors)[1].prefixlen_s, 31);
  EXPECT_EQ(address_text((*selectors)[2].saddr, AF_INET), "10.1.0.8");
  EXPECT_EQ((*selectors)[2].prefixlen_s, 31);
  for (const auto& s : *selectors)
    EXPECT_EQ(s.prefixlen_d, 16);
}

TEST(XfrmSelector, PortRangeIsSplitIntoMaskedPorts) {
  // 1000-1015 is one masked port (1000 is not aligned to 16: 1000/0xfff8 + 1008/0xfff8).
  auto selectors = to_xfrm_selectors(selector("10.1.0.0/16", IPPROTO_UDP),
                                     selector("10.2.0.0/16", IPPROTO_UDP, PortRange{1000, 1015}));
  ASSERT_TRUE(selectors);
  ASSERT_EQ(selectors->size(), 2u);
  EXPECT_EQ(ntohs((*selectors)[0].dport), 1000);
  EXPECT_EQ(ntohs((*selectors)[0].dport_mask), 0xfff8);
  EXPECT_EQ(ntohs((*selectors)[1].dport), 1008);
  EXPECT_EQ(ntohs((*selectors)[1].dport_mask), 0xfff8);
}

TEST(XfrmSelector, IcmpTypeAndCodeGoToSourceAndDestinationPort) {
  // Echo request: type 8, code 0 -> port 0x0800 on one side, any on the other.
  auto selectors = to_xfrm_selectors(
      selector("10.1.0.0/16", IPPROTO_ICMP),
      selector("10.2.0.0/16", IPPROTO_ICMP, PortRange::single(ike::ts::icmp_port(8, 0))));
  ASSERT_TRUE(selectors) << selectors.error().reason;
  ASSERT_EQ(selectors->size(), 1u);
  const auto& s = selectors->front();
  EXPECT_EQ(ntohs(s.sport), 8);
  EXPECT_EQ(ntohs(s.sport_mask), 0xff);
  EXPECT_EQ(ntohs(s.dport), 0);
  EXPECT_EQ(ntohs(s.dport_mask), 0xff);
  // Every code of type 3.
  auto unreachable =
      to_xfrm_selectors(selector("10.1.0.0/16", IPPROTO_ICMP),
                        selector("10.2.0.0/16", IPPROTO_ICMP,
                                 PortRange{ike::ts::icmp_port(3, 0), ike::ts::icmp_port(3, 255)}));
  ASSERT_TRUE(unreachable);
  ASSERT_EQ(unreachable->size(), 1u);
  EXPECT_EQ(ntohs(unreachable->front().sport), 3);
  EXPECT_EQ(ntohs(unreachable->front().sport_mask), 0xff);
  EXPECT_EQ(unreachable->front().dport_mask, 0);
}

TEST(XfrmSelector, ProtocolOfOneSideApplies) {
  auto selectors = to_xfrm_selectors(selector("10.1.0.0/16"), selector("10.2.0.0/16", IPPROTO_TCP));
  ASSERT_TRUE(selectors);
  EXPECT_EQ(selectors->front().proto, IPPROTO_TCP);
}

TEST(XfrmSelector, WhatXfrmCannotExpressIsRefusedClearly) {
  auto families = to_xfrm_selectors(selector("10.1.0.0/16"), selector("2001:db8::/32"));
  ASSERT_FALSE(families);
  EXPECT_EQ(families.error().code, ike::Errc::invalid_argument);
  EXPECT_EQ(families.error().reason,
            "traffic 10.1.0.0/16 === 2001:db8::/32 cannot be an XFRM selector: the two sides are "
            "of different address families");

  auto protocols =
      to_xfrm_selectors(selector("10.1.0.0/16", IPPROTO_TCP), selector("10.2.0.0/16", IPPROTO_UDP));
  ASSERT_FALSE(protocols);
  EXPECT_NE(protocols.error().reason.find("different IP protocols"), std::string::npos);

  auto opaque = to_xfrm_selectors(selector("10.1.0.0/16", IPPROTO_UDP, PortRange::opaque()),
                                  selector("10.2.0.0/16", IPPROTO_UDP));
  ASSERT_FALSE(opaque);
  EXPECT_NE(opaque.error().reason.find("OPAQUE ports have no kernel selector"), std::string::npos);

  auto gre_ports = to_xfrm_selectors(selector("10.1.0.0/16", 47),
                                     selector("10.2.0.0/16", 47, PortRange::single(5)));
  ASSERT_FALSE(gre_ports);
  EXPECT_NE(gre_ports.error().reason.find("IP protocol 47 has no ports"), std::string::npos);
}

TEST(XfrmSelector, TooManyKernelSelectorsIsRefusedWithTheCount) {
  // 10.0.0.1..10.0.0.254 is 14 prefixes, a port range 1-65534 is 30 masks.
  auto selectors = to_xfrm_selectors(selector("10.0.0.1..10.0.0.254", IPPROTO_TCP),
                                     selector("10.2.0.0/16", IPPROTO_TCP, PortRange{1, 65534}));
  ASSERT_FALSE(selectors);
  EXPECT_EQ(selectors.error().reason,
            "traffic 10.0.0.1..10.0.0.254[tcp] === 10.2.0.0/16[tcp/1-65534] cannot be an XFRM "
            "selector: it needs 420 kernel selectors (14 source prefixes x 1 destination "
            "prefixes x 30 port masks), more than 64");
  // Within the limit it works.
  EXPECT_TRUE(to_xfrm_selectors(selector("10.0.0.1..10.0.0.254"), selector("10.2.0.0/16")));
}

TEST(XfrmSelector, CoveringPrefixOfARange) {
  EXPECT_EQ(covering_prefix(selector("10.1.0.5..10.1.0.9")).to_string(), "10.1.0.0/28");
  EXPECT_EQ(covering_prefix(selector("10.1.0.0/16")).to_string(), "10.1.0.0/16");
  EXPECT_EQ(covering_prefix(selector("0.0.0.0..255.255.255.255")).to_string(), "0.0.0.0/0");
  auto sel = covering_address_selector(selector("10.1.0.5..10.1.0.9", IPPROTO_TCP),
                                       selector("10.2.0.1/32"));
  EXPECT_EQ(sel.prefixlen_s, 28);
  EXPECT_EQ(sel.prefixlen_d, 32);
  EXPECT_EQ(sel.proto, 0);
}

TEST(XfrmSelector, KernelSelectorsReadBackAsTrafficSelectors) {
  auto built = to_xfrm_selectors(selector("10.1.0.0/16", IPPROTO_UDP, PortRange::single(500)),
                                 selector("10.2.0.7/32", IPPROTO_UDP, PortRange{4496, 4503}));
  ASSERT_TRUE(built);
  ASSERT_EQ(built->size(), 1u);
  auto pair = from_xfrm_selector(built->front());
  ASSERT_TRUE(pair) << pair.error().reason;
  EXPECT_EQ(pair->source.to_string(), "10.1.0.0/16[udp/500]");
  EXPECT_EQ(pair->destination.to_string(), "10.2.0.7/32[udp/4496-4503]");

  auto icmp = to_xfrm_selectors(
      selector("10.1.0.1/32", IPPROTO_ICMP),
      selector("10.2.0.1/32", IPPROTO_ICMP, PortRange::single(ike::ts::icmp_port(8, 0))));
  auto icmp_pair = from_xfrm_selector(icmp->front());
  ASSERT_TRUE(icmp_pair);
  EXPECT_EQ(icmp_pair->destination.to_string(), "10.2.0.1/32[icmp/8]");
  EXPECT_EQ(icmp_pair->source.ports, PortRange::single(ike::ts::icmp_port(8, 0)));
}

TEST(XfrmSelector, DamagedKernelSelectorsAreErrors) {
  xfrm_selector bad{};
  bad.family = 99;
  EXPECT_FALSE(from_xfrm_selector(bad));
  xfrm_selector long_prefix{};
  long_prefix.family = AF_INET;
  long_prefix.prefixlen_d = 33;
  auto refused = from_xfrm_selector(long_prefix);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().reason, "selector prefix length 33 is above 32");
}

}  // namespace
}  // namespace ikev2d::xfrm
