// ikev2d-flood's command line: values, defaults, the RFC 1918 guard, and
// the spoofed source addresses staying inside the prefix (never its network
// or broadcast address).

#include <gtest/gtest.h>

#include <set>

#include "load/flood_options.hpp"

namespace ikev2d::load {
namespace {

using ike::IpAddress;

ike::Result<FloodOptions> parse(std::vector<std::string_view> arguments) {
  return parse_flood_options(arguments);
}

TEST(FloodOptions, ReadsEveryOption) {
  auto options = parse({"10.99.0.2:4500", "--from", "10.66.0.0/16", "--source-port=501", "--rate",
                        "2500", "--duration", "1.5", "--ike", "aes128gcm16-prfsha256-ecp256",
                        "--nonce-size", "64", "--batch", "8", "--no-answers", "--json"});
  ASSERT_TRUE(options) << options.error().reason;
  EXPECT_EQ(options->responder.address, IpAddress::v4(10, 99, 0, 2));
  EXPECT_EQ(options->responder.port, 4500);
  EXPECT_EQ(options->spoofed.to_string(), "10.66.0.0/16");
  EXPECT_EQ(options->source_port, 501);
  EXPECT_DOUBLE_EQ(options->rate, 2500);
  EXPECT_DOUBLE_EQ(options->duration_seconds, 1.5);
  EXPECT_EQ(options->ike_proposals, "aes128gcm16-prfsha256-ecp256");
  EXPECT_EQ(options->nonce_size, 64u);
  EXPECT_EQ(options->batch, 8u);
  EXPECT_FALSE(options->count_answers);
  EXPECT_TRUE(options->json);
}

TEST(FloodOptions, DefaultsFloodAtMaximumRateUntilStopped) {
  auto options = parse({"10.99.0.2", "--from", "10.66.0.0/16", "--rate", "max"});
  ASSERT_TRUE(options) << options.error().reason;
  EXPECT_EQ(options->responder.port, 500);
  EXPECT_EQ(options->source_port, 500);
  EXPECT_DOUBLE_EQ(options->rate, 0);
  EXPECT_DOUBLE_EQ(options->duration_seconds, 0);
  EXPECT_EQ(options->nonce_size, 32u);
  EXPECT_EQ(options->batch, 64u);
  EXPECT_TRUE(options->count_answers);
}

TEST(FloodOptions, ErrorsNameTheOptionAndWhy) {
  struct Case {
    std::vector<std::string_view> arguments;
    std::string reason;
  };
  const std::vector<Case> cases{
      {{"--from", "10.66.0.0/16"}, "RESPONDER: missing (see --help)"},
      {{"10.99.0.2"}, "--from: missing: the spoofed source prefix"},
      {{"10.99.0.2", "--from", "8.8.0.0/16"},
       "--from: \"8.8.0.0/16\" is not an IPv4 prefix of /8 or longer in RFC 1918 space"},
      {{"10.99.0.2", "--from", "10.0.0.0/7"},
       "--from: \"10.0.0.0/7\" is not an IPv4 prefix of /8 or longer in RFC 1918 space"},
      {{"192.0.2.1", "--from", "10.66.0.0/16"},
       "RESPONDER: \"192.0.2.1\" is not an IPv4 address in RFC 1918 space"},
      {{"10.99.0.2", "--from", "10.66.0.0/16", "--rate", "fast"},
       "--rate: \"fast\" is not a number >= 0"},
      {{"10.99.0.2", "--from", "10.66.0.0/16", "--nonce-size", "8"},
       "--nonce-size: 8 is outside 16..256"},
      {{"10.99.0.2", "--from", "10.66.0.0/16", "--batch", "0"}, "--batch: 0 is outside 1..1024"},
      {{"10.99.0.2", "--from"}, "--from: needs a value"},
      {{"10.99.0.2", "--from", "10.66.0.0/16", "--bogus"}, "--bogus: unknown option (see --help)"},
      {{"10.99.0.2", "10.99.0.3", "--from", "10.66.0.0/16"}, "RESPONDER: given twice"},
  };
  for (const auto& c : cases) {
    auto options = parse(c.arguments);
    ASSERT_FALSE(options) << c.reason;
    EXPECT_EQ(options.error().reason, c.reason);
  }
}

TEST(FloodOptions, HelpNeedsNothingElse) {
  auto options = parse({"--help"});
  ASSERT_TRUE(options);
  EXPECT_TRUE(options->help);
  EXPECT_NE(flood_usage().find("--from CIDR"), std::string::npos);
}

TEST(SpoofedAddress, StaysInsideThePrefixAndSkipsNetworkAndBroadcast) {
  auto prefix = *ike::IpPrefix::parse("10.66.7.0/29");
  std::set<IpAddress> seen;
  for (std::uint32_t random = 0; random < 1000; ++random)
    seen.insert(spoofed_address(prefix, random));
  std::set<IpAddress> hosts;
  for (std::uint8_t host = 1; host <= 6; ++host)
    hosts.insert(IpAddress::v4(10, 66, 7, host));
  EXPECT_EQ(seen, hosts);
}

TEST(SpoofedAddress, ShortPrefixesUseEveryAddress) {
  EXPECT_EQ(spoofed_address(*ike::IpPrefix::parse("10.66.7.9/32"), 12345),
            IpAddress::v4(10, 66, 7, 9));
  auto pair = *ike::IpPrefix::parse("10.66.7.8/31");
  EXPECT_EQ(spoofed_address(pair, 0), IpAddress::v4(10, 66, 7, 8));
  EXPECT_EQ(spoofed_address(pair, 1), IpAddress::v4(10, 66, 7, 9));
  // A /8 has 2^24 - 2 host addresses: random 2^24 - 3 is the last one.
  auto wide = *ike::IpPrefix::parse("10.0.0.0/8");
  EXPECT_EQ(spoofed_address(wide, 0), IpAddress::v4(10, 0, 0, 1));
  EXPECT_EQ(spoofed_address(wide, 0xfffffd), IpAddress::v4(10, 255, 255, 254));
}

}  // namespace
}  // namespace ikev2d::load
