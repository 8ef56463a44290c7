#include <gtest/gtest.h>

#include "ike/ts/traffic_selector.hpp"
#include "support/test_random.hpp"
#include "ts_helpers.hpp"

namespace ike::ts {
namespace {

using test::address;
using test::selector;

TEST(TrafficSelector, PrintsLikeStrongSwan) {
  EXPECT_EQ(selector("10.1.0.0/16").to_string(), "10.1.0.0/16");
  EXPECT_EQ(selector("10.1.2.3").to_string(), "10.1.2.3/32");
  EXPECT_EQ(selector("10.1.0.5-10.1.0.9").to_string(), "10.1.0.5..10.1.0.9");
  EXPECT_EQ(selector("10.1.0.0-10.1.0.255").to_string(), "10.1.0.0/24");
  EXPECT_EQ(selector("0.0.0.0/0").to_string(), "0.0.0.0/0");
  EXPECT_EQ(selector("::/0").to_string(), "::/0");
  EXPECT_EQ(selector("10.1.0.0/16[tcp/80]").to_string(), "10.1.0.0/16[tcp/80]");
  EXPECT_EQ(selector("10.1.0.0/16[6/80]").to_string(), "10.1.0.0/16[tcp/80]");
  EXPECT_EQ(selector("10.1.0.0/16[TCP]").to_string(), "10.1.0.0/16[tcp]");
  EXPECT_EQ(selector("10.1.0.0/16[udp/1000-2000]").to_string(), "10.1.0.0/16[udp/1000-2000]");
  EXPECT_EQ(selector("10.1.0.0/16[/53]").to_string(), "10.1.0.0/16[%any/53]");
  EXPECT_EQ(selector("10.1.0.0/16[icmp/8]").to_string(), "10.1.0.0/16[icmp/8]");
  EXPECT_EQ(selector("10.1.0.0/16[icmp/772]").to_string(), "10.1.0.0/16[icmp/3(4)]");
  EXPECT_EQ(selector("10.1.0.0/16[gre/%opaque]").to_string(), "10.1.0.0/16[gre/OPAQUE]");
  EXPECT_EQ(selector("10.1.0.0/16[99]").to_string(), "10.1.0.0/16[99]");
  EXPECT_EQ(selector("2001:db8::/32[icmpv6/128]").to_string(), "2001:db8::/32[ipv6-icmp/128]");
  EXPECT_EQ(selector("2001:db8::1-2001:db8::5").to_string(), "2001:db8::1..2001:db8::5");
}

TEST(TrafficSelector, PrefixViewAndSplit) {
  EXPECT_EQ(selector("10.1.0.0/16").as_prefix()->to_string(), "10.1.0.0/16");
  EXPECT_EQ(selector("0.0.0.0/0").as_prefix()->length, 0);
  EXPECT_EQ(selector("10.1.2.3").as_prefix()->length, 32);
  EXPECT_FALSE(selector("10.1.0.5-10.1.0.9").as_prefix());
  auto prefixes = selector("10.1.0.5-10.1.0.9").to_prefixes();
  ASSERT_EQ(prefixes.size(), 3u);
  EXPECT_EQ(prefixes[1].to_string(), "10.1.0.6/31");
  EXPECT_EQ(selector("2001:db8::/32").to_prefixes().size(), 1u);
}

TEST(TrafficSelector, ContainsAddresses) {
  auto net = selector("10.1.0.0/16[tcp/80]");
  EXPECT_TRUE(net.contains(address("10.1.0.0")));
  EXPECT_TRUE(net.contains(address("10.1.255.255")));
  EXPECT_FALSE(net.contains(address("10.2.0.0")));
  EXPECT_FALSE(net.contains(address("::ffff:10.1.0.1")));
  EXPECT_TRUE(selector("10.1.0.5-10.1.0.9").contains(address("10.1.0.7")));
  EXPECT_FALSE(selector("10.1.0.5-10.1.0.9").contains(address("10.1.0.10")));
}

TEST(TrafficSelector, ContainsSelectors) {
  auto any = selector("10.0.0.0/8");
  EXPECT_TRUE(any.contains(selector("10.1.0.0/16[tcp/80]")));
  EXPECT_TRUE(any.contains(any));
  EXPECT_FALSE(selector("10.1.0.0/16[tcp/80]").contains(any));
  EXPECT_FALSE(selector("10.0.0.0/8[tcp]").contains(selector("10.1.0.0/16[udp]")));
  EXPECT_FALSE(selector("10.0.0.0/8[tcp]").contains(selector("10.1.0.0/16")));
  EXPECT_TRUE(selector("10.0.0.0/8[tcp]").contains(selector("10.1.0.0/16[tcp/22]")));
  EXPECT_FALSE(selector("10.0.0.0/8[tcp/1-1023]").contains(selector("10.1.0.0/16[tcp/1000-2000]")));
  EXPECT_TRUE(selector("10.0.0.0/8").contains(selector("10.1.0.0/16[gre/%opaque]")));
  EXPECT_FALSE(selector("0.0.0.0/0").contains(selector("::/0")));
  EXPECT_FALSE(selector("10.0.0.0/8").contains(selector("9.255.255.255-10.0.0.5")));
}

TEST(TrafficSelector, IntersectsEveryDimension) {
  auto check = [](std::string_view a, std::string_view b, std::string_view expected) {
    auto ab = intersect(selector(a), selector(b));
    auto ba = intersect(selector(b), selector(a));
    EXPECT_EQ(ab, ba) << a << " & " << b;
    EXPECT_EQ(ab ? ab->to_string() : "(none)", expected) << a << " & " << b;
  };
  check("10.0.0.0/8", "10.1.0.0/16", "10.1.0.0/16");
  check("10.1.0.0/16", "10.1.0.0/16", "10.1.0.0/16");
  check("10.1.0.0-10.1.0.20", "10.1.0.10-10.1.0.30", "10.1.0.10..10.1.0.20");
  check("10.1.0.0/24", "10.1.0.128-10.1.1.5", "10.1.0.128/25");
  check("10.0.0.0/8[tcp]", "10.1.0.0/16", "10.1.0.0/16[tcp]");
  check("10.0.0.0/8[tcp]", "10.1.0.0/16[udp]", "(none)");
  check("10.0.0.0/8[tcp/1000-2000]", "10.0.0.0/8[tcp/1500-3000]", "10.0.0.0/8[tcp/1500-2000]");
  check("10.0.0.0/8[tcp/80]", "10.0.0.0/8[tcp/443]", "(none)");
  check("10.0.0.0/8[/53]", "10.0.0.0/8[udp]", "10.0.0.0/8[udp/53]");
  check("10.0.0.0/8[gre/%opaque]", "10.0.0.0/8", "10.0.0.0/8[gre/OPAQUE]");
  check("10.0.0.0/8[gre/%opaque]", "10.0.0.0/8[gre/80]", "(none)");
  check("10.0.0.0/8", "11.0.0.0/8", "(none)");
  check("0.0.0.0/0", "::/0", "(none)");
  check("2001:db8::/32", "2001:db8:1::/48[tcp]", "2001:db8:1::/48[tcp]");
  check("10.0.0.0/8[icmp/3-3(255)]", "10.0.0.0/8[icmp/3(4)]", "10.0.0.0/8[icmp/3(4)]");
}

TEST(TrafficSelector, FactoriesKeepTheInvariant) {
  EXPECT_TRUE(TrafficSelector::any(AddressFamily::ipv6).is_valid());
  EXPECT_EQ(TrafficSelector::host(address("192.0.2.1")).to_string(), "192.0.2.1/32");
  auto mixed = TrafficSelector::from_range(address("10.0.0.1"), address("::1"));
  ASSERT_FALSE(mixed);
  EXPECT_EQ(mixed.error().reason, "range 10.0.0.1-::1 mixes IPv4 and IPv6");
  auto reversed = TrafficSelector::from_range(address("10.0.0.9"), address("10.0.0.1"));
  ASSERT_FALSE(reversed);
  EXPECT_EQ(reversed.error().reason, "range start 10.0.0.9 is above its end 10.0.0.1");
  auto ports =
      TrafficSelector::from_range(address("10.0.0.1"), address("10.0.0.1"), 6, PortRange{90, 80});
  ASSERT_FALSE(ports);
  EXPECT_EQ(ports.error().reason, "port range 90-80 is empty");
}

TEST(TrafficSelector, ConvertsToAndFromTheWireStruct) {
  auto ts = selector("10.1.0.5-10.1.0.9[tcp/80-88]");
  auto wire = to_wire(ts);
  EXPECT_EQ(wire.type, wire::TsType::ipv4_addr_range);
  EXPECT_EQ(wire.ip_protocol, 6);
  EXPECT_EQ(wire.start_port, 80);
  EXPECT_EQ(wire.end_port, 88);
  EXPECT_EQ(wire.start_address, ike::test::hex("0a010005"));
  EXPECT_EQ(wire.end_address, ike::test::hex("0a010009"));
  EXPECT_EQ(*from_wire(wire), ts);

  auto v6 = selector("2001:db8::/32[icmpv6/135]");
  auto wire6 = to_wire(v6);
  EXPECT_EQ(wire6.type, wire::TsType::ipv6_addr_range);
  EXPECT_EQ(wire6.start_port, 0x8700);
  EXPECT_EQ(wire6.end_address, ike::test::hex("20010db8ffffffffffffffffffffffff"));
  EXPECT_EQ(*from_wire(wire6), v6);

  std::vector<TrafficSelector> list{ts, v6, selector("0.0.0.0/0[gre/%opaque]")};
  EXPECT_EQ(*from_wire(to_wire(list)), list);
}

TEST(TrafficSelector, FromWireRefusesMalformedSelectors) {
  auto reason = [](wire::TrafficSelector in) {
    auto out = from_wire(in);
    EXPECT_FALSE(out);
    if (out) return std::string();
    EXPECT_EQ(out.error().code, Errc::invalid_syntax);
    return out.error().reason;
  };
  wire::TrafficSelector good = to_wire(selector("10.0.0.0/8"));

  auto bad = good;
  bad.type = static_cast<wire::TsType>(9);
  EXPECT_EQ(reason(bad), "unsupported TS type TsType(9)");
  bad = good;
  bad.end_address.pop_back();
  EXPECT_EQ(reason(bad), "TS_IPV4_ADDR_RANGE needs 4-byte addresses, got 4 and 3");
  bad = good;
  bad.type = wire::TsType::ipv6_addr_range;
  EXPECT_EQ(reason(bad), "TS_IPV6_ADDR_RANGE needs 16-byte addresses, got 4 and 4");
  bad = good;
  std::swap(bad.start_address, bad.end_address);
  EXPECT_EQ(reason(bad),
            "TS_IPV4_ADDR_RANGE: start address 10.255.255.255 is above end address 10.0.0.0");
  bad = good;
  bad.start_port = 81;
  bad.end_port = 80;
  EXPECT_EQ(reason(bad), "TS_IPV4_ADDR_RANGE: start port 81 is above end port 80");

  std::vector<wire::TrafficSelector> list{good, bad};
  auto listed = from_wire(list);
  ASSERT_FALSE(listed);
  EXPECT_EQ(listed.error().reason, "TS 2: TS_IPV4_ADDR_RANGE: start port 81 is above end port 80");

  // OPAQUE (65535..0) is not an inverted range.
  auto opaque = good;
  opaque.start_port = 65535;
  opaque.end_port = 0;
  EXPECT_TRUE(from_wire(opaque)->ports.is_opaque());
}

}  // namespace
}  // namespace ike::ts
