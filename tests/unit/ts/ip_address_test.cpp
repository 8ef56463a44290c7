#include <gtest/gtest.h>

#include <string>
#include <unordered_set>

#include "ike/ts/ip_address.hpp"

namespace ike {
namespace {

IpAddress addr(std::string_view text) {
  auto parsed = IpAddress::parse(text);
  EXPECT_TRUE(parsed) << text << ": " << parsed.error().reason;
  return parsed ? *parsed : IpAddress{};
}

std::string parse_error(std::string_view text) {
  auto parsed = IpAddress::parse(text);
  EXPECT_FALSE(parsed) << text << " parsed as " << parsed->to_string();
  if (parsed) return {};
  EXPECT_EQ(parsed.error().code, Errc::invalid_argument);
  return parsed.error().reason;
}

TEST(IpAddress, ParsesDottedQuads) {
  auto a = addr("192.0.2.1");
  EXPECT_TRUE(a.is_v4());
  EXPECT_EQ(a, IpAddress::v4(192, 0, 2, 1));
  EXPECT_EQ(a.size(), 4u);
  EXPECT_EQ(a.to_bytes(), (Bytes{192, 0, 2, 1}));
  EXPECT_EQ(addr("0.0.0.0"), IpAddress::zero(AddressFamily::ipv4));
  EXPECT_EQ(addr("255.255.255.255"), IpAddress::all_ones(AddressFamily::ipv4));
  EXPECT_EQ(addr("10.0.0.0").to_string(), "10.0.0.0");
}

TEST(IpAddress, ParsesIpv6TextForms) {
  std::array<std::uint8_t, 16> doc{0x20, 0x01, 0x0d, 0xb8};
  doc[15] = 1;
  EXPECT_EQ(addr("2001:db8::1"), IpAddress::v6(doc));
  EXPECT_EQ(addr("2001:0DB8:0000:0000:0000:0000:0000:0001"), IpAddress::v6(doc));
  EXPECT_EQ(addr("2001:db8:0:0:0:0:0:1"), IpAddress::v6(doc));
  EXPECT_EQ(addr("::"), IpAddress::zero(AddressFamily::ipv6));
  EXPECT_EQ(addr("::1").bytes()[15], 1);
  EXPECT_EQ(addr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
            IpAddress::all_ones(AddressFamily::ipv6));
  // "::" standing for exactly one group, at either end or inside.
  EXPECT_EQ(addr("1:2:3:4:5:6:7::").to_string(), "1:2:3:4:5:6:7:0");
  EXPECT_EQ(addr("::2:3:4:5:6:7:8").to_string(), "0:2:3:4:5:6:7:8");
  EXPECT_EQ(addr("1:2:3::5:6:7:8").to_string(), "1:2:3:0:5:6:7:8");
}

TEST(IpAddress, ParsesEmbeddedIpv4) {
  auto mapped = addr("::ffff:192.0.2.1");
  EXPECT_TRUE(mapped.is_v6());
  EXPECT_TRUE(mapped.is_v4_mapped());
  EXPECT_EQ(mapped.bytes()[10], 0xff);
  EXPECT_EQ(mapped.bytes()[12], 192);
  EXPECT_EQ(mapped.bytes()[15], 1);
  EXPECT_EQ(mapped.to_string(), "::ffff:192.0.2.1");
  // NAT64 well-known prefix (RFC 6052) and a full-length form with dotted tail.
  EXPECT_EQ(addr("64:ff9b::198.51.100.7").to_string(), "64:ff9b::c633:6407");
  EXPECT_EQ(addr("1:2:3:4:5:6:1.2.3.4").to_string(), "1:2:3:4:5:6:102:304");
  EXPECT_FALSE(addr("64:ff9b::198.51.100.7").is_v4_mapped());
}

TEST(IpAddress, FormatsIpv6AsRfc5952Recommends) {
  // 4.2.1 shorten as much as possible, 4.2.2 not one group, 4.2.3 first of
  // equal runs, 4.3 lower case.
  EXPECT_EQ(addr("2001:db8:0:0:0:0:2:1").to_string(), "2001:db8::2:1");
  EXPECT_EQ(addr("2001:db8:0:1:1:1:1:1").to_string(), "2001:db8:0:1:1:1:1:1");
  EXPECT_EQ(addr("2001:0:0:1:0:0:0:1").to_string(), "2001:0:0:1::1");
  EXPECT_EQ(addr("2001:db8:0:0:1:0:0:1").to_string(), "2001:db8::1:0:0:1");
  EXPECT_EQ(addr("2001:DB8::ABCD").to_string(), "2001:db8::abcd");
  EXPECT_EQ(addr("0:0:0:0:0:0:0:0").to_string(), "::");
  EXPECT_EQ(addr("0:0:0:0:0:0:0:1").to_string(), "::1");
  EXPECT_EQ(addr("1:0:0:0:0:0:0:0").to_string(), "1::");
  EXPECT_EQ(addr("fe80:0:0:1:0:0:0:0").to_string(), "fe80:0:0:1::");
  EXPECT_EQ(addr("fe80::0001:0:0:0").to_string(), "fe80::1:0:0:0");
  // IPv4-compatible (deprecated) is written in hex, not dotted.
  EXPECT_EQ(addr("::1.2.3.4").to_string(), "::102:304");
}

TEST(IpAddress, RejectsMalformedIpv4WithTheReason) {
  EXPECT_EQ(parse_error(""), "empty IP address");
  EXPECT_EQ(parse_error("10.1.256.1"),
            "\"10.1.256.1\" is not an IPv4 address: part 3 (\"256\") is above 255");
  EXPECT_EQ(parse_error("10.1.2"),
            "\"10.1.2\" is not an IPv4 address: has 3 dotted parts, expected 4");
  EXPECT_EQ(parse_error("10.1.2.3.4"),
            "\"10.1.2.3.4\" is not an IPv4 address: more than 4 dotted parts");
  EXPECT_EQ(parse_error("10..2.3"), "\"10..2.3\" is not an IPv4 address: part 2 is empty");
  EXPECT_EQ(parse_error("10.1.2."), "\"10.1.2.\" is not an IPv4 address: part 4 is empty");
  EXPECT_EQ(parse_error("010.1.2.3"),
            "\"010.1.2.3\" is not an IPv4 address: part 1 (\"010\") has a leading zero");
  EXPECT_EQ(parse_error("10.1.2.3x"),
            "\"10.1.2.3x\" is not an IPv4 address: unexpected character 'x'");
  EXPECT_EQ(parse_error("10.1.2.3 "),
            "\"10.1.2.3 \" is not an IPv4 address: unexpected character 0x20");
  EXPECT_EQ(parse_error("1.2.3.99999999999"),
            "\"1.2.3.99999999999\" is not an IPv4 address: part 4 (\"99999999999\") is above 255");
  EXPECT_EQ(parse_error("vpn.example.com"),
            "\"vpn.example.com\" is not an IPv4 address: unexpected character 'v'");
}

TEST(IpAddress, RejectsMalformedIpv6WithTheReason) {
  EXPECT_EQ(parse_error("2001:db8::1::2"),
            "\"2001:db8::1::2\" is not an IPv6 address: '::' appears more than once");
  EXPECT_EQ(parse_error("2001:db8:::1"),
            "\"2001:db8:::1\" is not an IPv6 address: ':::' is not allowed");
  EXPECT_EQ(parse_error("1:2:3:4:5:6:7"),
            "\"1:2:3:4:5:6:7\" is not an IPv6 address: has 7 groups and no '::', expected 8");
  EXPECT_EQ(parse_error("1:2:3:4:5:6:7:8:9"),
            "\"1:2:3:4:5:6:7:8:9\" is not an IPv6 address: more than 8 groups");
  EXPECT_EQ(parse_error("1:2:3:4::5:6:7:8"),
            "\"1:2:3:4::5:6:7:8\" is not an IPv6 address: '::' must stand for at least one zero "
            "group, but 8 are given");
  EXPECT_EQ(parse_error("2001:db8::12345"),
            "\"2001:db8::12345\" is not an IPv6 address: group 3 (\"12345\") has more than 4 hex "
            "digits");
  EXPECT_EQ(parse_error("2001:db8::g"),
            "\"2001:db8::g\" is not an IPv6 address: unexpected character 'g'");
  EXPECT_EQ(parse_error(":1::"), "\":1::\" is not an IPv6 address: starts with a single ':'");
  EXPECT_EQ(parse_error(":"), "\":\" is not an IPv6 address: starts with a single ':'");
  EXPECT_EQ(parse_error("1::2:"), "\"1::2:\" is not an IPv6 address: ends with a single ':'");
  EXPECT_EQ(parse_error("fe80::1%eth0"),
            "\"fe80::1%eth0\" is not an IPv6 address: a zone index (\"%eth0\") is not allowed");
  EXPECT_EQ(parse_error("::1.2.3.4:5"),
            "\"::1.2.3.4:5\" is not an IPv6 address: an embedded IPv4 address must be the last 32 "
            "bits");
  EXPECT_EQ(parse_error("::ffff:1.2.3"),
            "\"::ffff:1.2.3\" is not an IPv6 address: has 3 dotted parts, expected 4");
  EXPECT_EQ(parse_error("1:2:3:4:5:6:7:1.2.3.4"),
            "\"1:2:3:4:5:6:7:1.2.3.4\" is not an IPv6 address: more than 8 groups");
  EXPECT_EQ(parse_error("[2001:db8::1]"),
            "\"[2001:db8::1]\" is not an IPv6 address: unexpected character '['");
}

TEST(IpAddress, LongGarbageIsShortenedInTheMessage) {
  std::string junk(1000, 'z');
  auto reason = parse_error(junk);
  EXPECT_LT(reason.size(), 200u);
  EXPECT_NE(reason.find("...\""), std::string::npos);
}

TEST(IpAddress, RoundTripsThroughText) {
  for (std::string_view text :
       {"0.0.0.0", "10.1.2.3", "255.255.255.255", "::", "::1", "2001:db8::", "fe80::1:2",
        "2001:db8:85a3::8a2e:370:7334", "::ffff:10.0.0.1", "1:2:3:4:5:6:7:8", "1::8"}) {
    EXPECT_EQ(addr(text).to_string(), text);
    EXPECT_EQ(addr(addr(text).to_string()), addr(text));
  }
}

TEST(IpAddress, FromBytesChecksTheLength) {
  EXPECT_EQ(*IpAddress::from_bytes(Bytes{10, 0, 0, 1}), IpAddress::v4(10, 0, 0, 1));
  EXPECT_EQ(IpAddress::from_bytes(Bytes(16, 0))->family(), AddressFamily::ipv6);
  auto bad = IpAddress::from_bytes(Bytes{1, 2, 3});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().reason, "an IP address has 4 or 16 bytes, not 3");
}

TEST(IpAddress, OrdersByFamilyThenValue) {
  EXPECT_LT(addr("10.0.0.1"), addr("10.0.0.2"));
  EXPECT_LT(addr("9.255.255.255"), addr("10.0.0.0"));
  EXPECT_LT(addr("255.255.255.255"), addr("::"));
  EXPECT_LT(addr("::ffff"), addr("1::"));
  EXPECT_NE(addr("0.0.0.0"), addr("::"));
  std::unordered_set<IpAddress> set{addr("10.0.0.1"), addr("10.0.0.1"), addr("::a00:1")};
  EXPECT_EQ(set.size(), 2u);
}

TEST(IpAddress, MasksAndSteps) {
  EXPECT_EQ(addr("10.1.2.3").masked(16), addr("10.1.0.0"));
  EXPECT_EQ(addr("10.1.2.3").masked(0), addr("0.0.0.0"));
  EXPECT_EQ(addr("10.1.2.3").masked(32), addr("10.1.2.3"));
  EXPECT_EQ(addr("10.1.2.3").masked(99), addr("10.1.2.3"));
  EXPECT_EQ(addr("10.1.2.3").masked(23), addr("10.1.2.0"));
  EXPECT_EQ(addr("10.1.2.3").with_host_bits_set(23), addr("10.1.3.255"));
  EXPECT_EQ(addr("2001:db8::1").masked(32), addr("2001:db8::"));
  EXPECT_EQ(addr("2001:db8::").with_host_bits_set(32),
            addr("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"));
  EXPECT_EQ(addr("10.0.0.0").trailing_zero_bits(), 25u);
  EXPECT_EQ(addr("0.0.0.0").trailing_zero_bits(), 32u);
  EXPECT_EQ(addr("::").trailing_zero_bits(), 128u);
  EXPECT_EQ(*addr("10.0.0.255").next(), addr("10.0.1.0"));
  EXPECT_EQ(*addr("10.0.1.0").previous(), addr("10.0.0.255"));
  EXPECT_FALSE(addr("255.255.255.255").next());
  EXPECT_FALSE(addr("::").previous());
  EXPECT_EQ(*addr("::ffff:ffff").next(), addr("::1:0:0"));
}

}  // namespace
}  // namespace ike
