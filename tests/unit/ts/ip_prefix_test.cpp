#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ike/ts/ip_prefix.hpp"
#include "ike/ts/port_range.hpp"

namespace ike {
namespace {

IpAddress addr(std::string_view text) {
  return *IpAddress::parse(text);
}

std::vector<std::string> split(std::string_view start, std::string_view end) {
  std::vector<std::string> out;
  for (const auto& prefix : range_to_prefixes(addr(start), addr(end)))
    out.push_back(prefix.to_string());
  return out;
}

std::string prefix_error(std::string_view text) {
  auto parsed = IpPrefix::parse(text);
  EXPECT_FALSE(parsed) << text;
  return parsed ? std::string() : parsed.error().reason;
}

TEST(IpPrefix, ParsesAndMasksHostBits) {
  auto prefix = *IpPrefix::parse("10.1.0.0/16");
  EXPECT_EQ(prefix.address, addr("10.1.0.0"));
  EXPECT_EQ(prefix.length, 16);
  EXPECT_EQ(prefix.last(), addr("10.1.255.255"));
  // Host bits are cleared, as strongSwan does.
  EXPECT_EQ(*IpPrefix::parse("10.1.2.3/16"), prefix);
  EXPECT_EQ(IpPrefix::parse("10.1.2.3")->to_string(), "10.1.2.3/32");
  EXPECT_TRUE(IpPrefix::parse("10.1.2.3")->is_host());
  EXPECT_EQ(IpPrefix::parse("0.0.0.0/0")->last(), addr("255.255.255.255"));
  EXPECT_EQ(IpPrefix::parse("2001:db8::1/32")->to_string(), "2001:db8::/32");
  EXPECT_EQ(IpPrefix::parse("::/0")->last(), IpAddress::all_ones(AddressFamily::ipv6));
  EXPECT_EQ(IpPrefix::parse("2001:db8::1")->length, 128);
  EXPECT_TRUE(prefix.contains(addr("10.1.200.7")));
  EXPECT_FALSE(prefix.contains(addr("10.2.0.0")));
  EXPECT_FALSE(prefix.contains(addr("::a01:0")));
}

TEST(IpPrefix, RejectsBadLengthsWithTheReason) {
  EXPECT_EQ(prefix_error("10.0.0.0/33"), "prefix length 33 is above 32 for IPv4");
  EXPECT_EQ(prefix_error("::/129"), "prefix length 129 is above 128 for IPv6");
  EXPECT_EQ(prefix_error("10.0.0.0/"), "prefix length \"\" is not a decimal number");
  EXPECT_EQ(prefix_error("10.0.0.0/-1"), "prefix length \"-1\" is not a decimal number");
  EXPECT_EQ(prefix_error("10.0.0.0/255.0.0.0"),
            "prefix length \"255.0.0.0\" is not a decimal number");
  EXPECT_EQ(prefix_error("10.0.0.0/8/8"), "prefix length \"8/8\" is not a decimal number");
  EXPECT_EQ(prefix_error("/8"), "empty IP address");
}

TEST(RangeToPrefixes, PrefixRangesAreOneEntry) {
  EXPECT_EQ(split("10.1.0.0", "10.1.255.255"), (std::vector<std::string>{"10.1.0.0/16"}));
  EXPECT_EQ(split("0.0.0.0", "255.255.255.255"), (std::vector<std::string>{"0.0.0.0/0"}));
  EXPECT_EQ(split("10.1.2.3", "10.1.2.3"), (std::vector<std::string>{"10.1.2.3/32"}));
  EXPECT_EQ(split("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
            (std::vector<std::string>{"::/0"}));
  EXPECT_TRUE(is_single_prefix(addr("10.1.0.0"), addr("10.1.255.255")));
  EXPECT_FALSE(is_single_prefix(addr("10.1.0.5"), addr("10.1.0.9")));
  EXPECT_FALSE(is_single_prefix(addr("10.1.0.0"), addr("10.1.0.254")));
}

TEST(RangeToPrefixes, SplitsArbitraryRanges) {
  EXPECT_EQ(split("10.1.0.5", "10.1.0.9"),
            (std::vector<std::string>{"10.1.0.5/32", "10.1.0.6/31", "10.1.0.8/31"}));
  EXPECT_EQ(split("10.0.0.1", "10.0.0.254"),
            (std::vector<std::string>{
                "10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/30", "10.0.0.8/29", "10.0.0.16/28",
                "10.0.0.32/27", "10.0.0.64/26", "10.0.0.128/26", "10.0.0.192/27", "10.0.0.224/28",
                "10.0.0.240/29", "10.0.0.248/30", "10.0.0.252/31", "10.0.0.254/32"}));
  EXPECT_EQ(split("192.168.0.0", "192.168.2.255"),
            (std::vector<std::string>{"192.168.0.0/23", "192.168.2.0/24"}));
  EXPECT_EQ(split("2001:db8::1", "2001:db8::3"),
            (std::vector<std::string>{"2001:db8::1/128", "2001:db8::2/127"}));
  // The worst case: everything but the two ends, 2 x 32 - 2 prefixes.
  EXPECT_EQ(split("0.0.0.1", "255.255.255.254").size(), 62u);
  EXPECT_EQ(split("::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe").size(), 254u);
  EXPECT_EQ(split("255.255.255.255", "255.255.255.255"),
            (std::vector<std::string>{"255.255.255.255/32"}));
}

TEST(RangeToPrefixes, TheSplitIsExactAndAscending) {
  auto prefixes = range_to_prefixes(addr("10.0.3.7"), addr("10.9.0.3"));
  ASSERT_FALSE(prefixes.empty());
  EXPECT_EQ(prefixes.front().first(), addr("10.0.3.7"));
  EXPECT_EQ(prefixes.back().last(), addr("10.9.0.3"));
  for (std::size_t i = 1; i < prefixes.size(); ++i)
    EXPECT_EQ(*prefixes[i - 1].last().next(), prefixes[i].first()) << i;
}

TEST(RangeToPrefixes, RejectsInvertedOrMixedRanges) {
  EXPECT_TRUE(range_to_prefixes(addr("10.0.0.9"), addr("10.0.0.1")).empty());
  EXPECT_TRUE(range_to_prefixes(addr("10.0.0.1"), addr("::1")).empty());
  EXPECT_FALSE(is_single_prefix(addr("10.0.0.1"), addr("::1")));
}

}  // namespace

namespace ts {
namespace {

TEST(PortRange, ContainsAndIntersects) {
  EXPECT_TRUE(PortRange::any().contains(PortRange::single(80)));
  EXPECT_TRUE(PortRange::any().contains(PortRange::opaque()));
  EXPECT_TRUE(PortRange::opaque().contains(PortRange::opaque()));
  EXPECT_FALSE(PortRange::opaque().contains(PortRange::single(80)));
  EXPECT_FALSE(PortRange::single(80).contains(PortRange::opaque()));
  EXPECT_TRUE((PortRange{1000, 2000}).contains(PortRange{1500, 2000}));
  EXPECT_FALSE((PortRange{1000, 2000}).contains(PortRange{999, 1500}));

  EXPECT_EQ(intersect(PortRange{1000, 2000}, PortRange{1500, 3000}), (PortRange{1500, 2000}));
  EXPECT_EQ(intersect(PortRange::any(), PortRange::single(80)), PortRange::single(80));
  EXPECT_FALSE(intersect(PortRange{1, 10}, PortRange{11, 20}));
  EXPECT_EQ(intersect(PortRange::opaque(), PortRange::any()), PortRange::opaque());
  EXPECT_EQ(intersect(PortRange::any(), PortRange::opaque()), PortRange::opaque());
  EXPECT_EQ(intersect(PortRange::opaque(), PortRange::opaque()), PortRange::opaque());
  EXPECT_FALSE(intersect(PortRange::opaque(), PortRange::single(80)));
  EXPECT_FALSE(intersect(PortRange{0, 100}, PortRange::opaque()));
  EXPECT_TRUE(PortRange::opaque().is_valid());
  EXPECT_FALSE((PortRange{10, 9}).is_valid());
}

TEST(PortRange, SplitsIntoKernelPortMasks) {
  EXPECT_EQ(port_range_to_masks(PortRange::any()), (std::vector<PortMask>{{0, 0x0000}}));
  EXPECT_EQ(port_range_to_masks(PortRange::single(80)), (std::vector<PortMask>{{80, 0xffff}}));
  EXPECT_EQ(port_range_to_masks(PortRange{1024, 2047}), (std::vector<PortMask>{{1024, 0xfc00}}));
  EXPECT_EQ(port_range_to_masks(PortRange{1000, 2000}), (std::vector<PortMask>{{1000, 0xfff8},
                                                                               {1008, 0xfff0},
                                                                               {1024, 0xfe00},
                                                                               {1536, 0xff00},
                                                                               {1792, 0xff80},
                                                                               {1920, 0xffc0},
                                                                               {1984, 0xfff0},
                                                                               {2000, 0xffff}}));
  EXPECT_EQ(port_range_to_masks(PortRange{65535, 65535}), (std::vector<PortMask>{{65535, 0xffff}}));
  EXPECT_TRUE(port_range_to_masks(PortRange::opaque()).empty());
  EXPECT_TRUE(port_range_to_masks(PortRange{10, 9}).empty());
  // Every port of a random-looking range is matched by exactly one entry.
  PortRange range{4711, 40000};
  auto masks = port_range_to_masks(range);
  for (unsigned port = 0; port <= 65535; ++port) {
    int matches = 0;
    for (const auto& entry : masks)
      matches += (port & entry.mask) == entry.port;
    EXPECT_EQ(matches, port >= range.start && port <= range.end ? 1 : 0) << port;
  }
}

TEST(PortRange, EncodesIcmpTypeAndCode) {
  EXPECT_EQ(icmp_port(8, 0), 0x0800);
  EXPECT_EQ(icmp_port(3, 4), 0x0304);
  EXPECT_EQ(icmp_type(0x0304), 3);
  EXPECT_EQ(icmp_code(0x0304), 4);
}

}  // namespace
}  // namespace ts
}  // namespace ike
