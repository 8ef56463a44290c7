// ikev2d-load's command line: every option, the source address forms, and
// the errors an operator sees for a wrong one.

#include <gtest/gtest.h>

#include "load/load_options.hpp"

namespace ikev2d::load {
namespace {

using ike::IpAddress;

ike::Result<LoadOptions> parse(std::vector<std::string_view> arguments) {
  return parse_load_options(arguments);
}

std::string error_of(std::vector<std::string_view> arguments) {
  auto parsed = parse(std::move(arguments));
  EXPECT_FALSE(parsed) << "expected an error";
  return parsed ? "" : parsed.error().reason;
}

TEST(LoadOptions, ReadsEveryOption) {
  auto options = parse({"10.99.0.2:4500",
                        "--from",
                        "10.77.0.1,10.77.0.5-10.77.0.6",
                        "--from",
                        "10.78.0.0/30",
                        "--first-port",
                        "1000",
                        "--ports",
                        "4",
                        "--count",
                        "300",
                        "--rate=250.5",
                        "--concurrency",
                        "32",
                        "--threads",
                        "2",
                        "--psk",
                        "secret",
                        "--local-id",
                        "@load.example",
                        "--remote-id",
                        "@gw.example",
                        "--ike",
                        "aes128gcm16-prfsha256-x25519",
                        "--esp",
                        "aes128gcm16",
                        "--local-ts",
                        "10.1.0.0/24",
                        "--remote-ts",
                        "10.2.0.0/24",
                        "--hold",
                        "2.5",
                        "--rekey",
                        "--down",
                        "--json",
                        "--timeout",
                        "10"});
  ASSERT_TRUE(options) << options.error().reason;
  EXPECT_EQ(options->responder.address, *IpAddress::parse("10.99.0.2"));
  EXPECT_EQ(options->responder.port, 4500);
  std::vector<IpAddress> expected{*IpAddress::parse("10.77.0.1"), *IpAddress::parse("10.77.0.5"),
                                  *IpAddress::parse("10.77.0.6"), *IpAddress::parse("10.78.0.1"),
                                  *IpAddress::parse("10.78.0.2")};
  EXPECT_EQ(options->sources, expected);
  EXPECT_EQ(options->first_port, 1000);
  EXPECT_EQ(options->ports_per_address, 4);
  EXPECT_EQ(options->count, 300u);
  EXPECT_DOUBLE_EQ(options->rate, 250.5);
  EXPECT_EQ(options->concurrency, 32u);
  EXPECT_EQ(options->threads, 2u);
  EXPECT_EQ(options->auth, AuthMode::psk);
  EXPECT_EQ(options->psk, "secret");
  EXPECT_EQ(options->local_id, "@load.example");
  EXPECT_EQ(options->remote_id, "@gw.example");
  EXPECT_EQ(options->ike_proposals, "aes128gcm16-prfsha256-x25519");
  EXPECT_EQ(options->esp_proposals, "aes128gcm16");
  EXPECT_EQ(options->local_ts, "10.1.0.0/24");
  EXPECT_EQ(options->remote_ts, "10.2.0.0/24");
  EXPECT_DOUBLE_EQ(options->hold_seconds, 2.5);
  EXPECT_DOUBLE_EQ(options->timeout_seconds, 10);
  EXPECT_TRUE(options->rekey);
  EXPECT_TRUE(options->down);
  EXPECT_TRUE(options->json);
}

TEST(LoadOptions, DefaultsAreOneSaFromPort500AsFastAsPossible) {
  auto options = parse({"10.99.0.2", "--from", "10.77.0.1", "--psk", "s"});
  ASSERT_TRUE(options) << options.error().reason;
  EXPECT_EQ(options->responder.port, 500);
  EXPECT_EQ(options->count, 1u);
  EXPECT_EQ(options->rate, 0);
  EXPECT_EQ(options->first_port, 500);
  EXPECT_EQ(options->ports_per_address, 1);
  EXPECT_FALSE(options->rekey || options->down || options->json);
}

TEST(LoadOptions, SourceEndpointsAreAddressMajor) {
  auto options = parse({"10.99.0.2", "--from", "10.77.0.1-10.77.0.2", "--ports", "2",
                        "--first-port", "600", "--psk", "s"});
  ASSERT_TRUE(options) << options.error().reason;
  auto endpoints = source_endpoints(*options);
  ASSERT_EQ(endpoints.size(), 4u);
  EXPECT_EQ(endpoints[0].address, *IpAddress::parse("10.77.0.1"));
  EXPECT_EQ(endpoints[0].port, 600);
  EXPECT_EQ(endpoints[1].port, 601);
  EXPECT_EQ(endpoints[2].address, *IpAddress::parse("10.77.0.2"));
  EXPECT_EQ(endpoints[3].port, 601);
}

TEST(LoadOptions, CidrRangesGiveTheirHostAddresses) {
  std::vector<IpAddress> out;
  ASSERT_TRUE(add_source_addresses("10.77.0.0/24", out, 1000));
  ASSERT_EQ(out.size(), 254u);
  EXPECT_EQ(out.front(), *IpAddress::parse("10.77.0.1"));
  EXPECT_EQ(out.back(), *IpAddress::parse("10.77.0.254"));
  out.clear();
  // RFC 3021: both addresses of a /31 are hosts'; a /32 is the address.
  ASSERT_TRUE(add_source_addresses("10.77.0.4/31", out, 1000));
  EXPECT_EQ(out.size(), 2u);
  ASSERT_TRUE(add_source_addresses("10.77.0.9/32", out, 1000));
  EXPECT_EQ(out.back(), *IpAddress::parse("10.77.0.9"));
  out.clear();
  ASSERT_TRUE(add_source_addresses("fd00:77::/126", out, 1000));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out.front(), *IpAddress::parse("fd00:77::1"));
  EXPECT_EQ(out.back(), *IpAddress::parse("fd00:77::3"));
}

TEST(LoadOptions, SourceAddressErrorsSayWhy) {
  std::vector<IpAddress> out;
  auto too_many = add_source_addresses("10.0.0.0/16", out, 100);
  ASSERT_FALSE(too_many);
  EXPECT_EQ(too_many.error().reason, "--from: more than 100 source addresses");
  auto descending = add_source_addresses("10.0.0.9-10.0.0.1", out, 100);
  ASSERT_FALSE(descending);
  EXPECT_EQ(descending.error().reason, "--from: \"10.0.0.9-10.0.0.1\" is not an ascending range");
  EXPECT_FALSE(add_source_addresses("10.0.0.1-fd00::1", out, 100));
  EXPECT_FALSE(add_source_addresses("10.0.0.256", out, 100));
  EXPECT_FALSE(add_source_addresses("10.0.0.0/33", out, 100));
}

TEST(LoadOptions, ResponderEndpointForms) {
  auto v6 = parse_endpoint("[fd00:99::2]:4500");
  ASSERT_TRUE(v6) << v6.error().reason;
  EXPECT_EQ(v6->address, *IpAddress::parse("fd00:99::2"));
  EXPECT_EQ(v6->port, 4500);
  auto bare_v6 = parse_endpoint("fd00:99::2");
  ASSERT_TRUE(bare_v6) << bare_v6.error().reason;
  EXPECT_EQ(bare_v6->port, 500);
  EXPECT_FALSE(parse_endpoint("10.0.0.1:0"));
  EXPECT_FALSE(parse_endpoint("10.0.0.1:"));
  EXPECT_FALSE(parse_endpoint("10.0.0.1:70000"));
  EXPECT_FALSE(parse_endpoint("[fd00::1"));
  EXPECT_FALSE(parse_endpoint("gateway.example"));
}

TEST(LoadOptions, ErrorsNameTheOption) {
  EXPECT_EQ(error_of({"10.99.0.2", "--from", "10.77.0.1", "--psk", "s", "--count", "x"}),
            "--count: \"x\" is not a whole number");
  EXPECT_EQ(error_of({"10.99.0.2", "--from", "10.77.0.1", "--psk", "s", "--count", "0"}),
            "--count: 0 is outside 1..10000000");
  EXPECT_EQ(error_of({"10.99.0.2", "--from", "10.77.0.1", "--psk", "s", "--threads", "65"}),
            "--threads: 65 is outside 1..64");
  EXPECT_EQ(error_of({"10.99.0.2", "--from", "10.77.0.1", "--psk", "s", "--rate", "-1"}),
            "--rate: \"-1\" is not a number >= 0");
  EXPECT_EQ(error_of({"10.99.0.2", "--from", "10.77.0.1", "--psk"}), "--psk: needs a value");
  EXPECT_EQ(error_of({"10.99.0.2", "--from", "10.77.0.1", "--psk", "s", "--bogus"}),
            "unknown option \"--bogus\" (see --help)");
  EXPECT_EQ(error_of({"10.99.0.2", "--from", "10.77.0.1", "--psk", "s", "--rekey=yes"}),
            "--rekey: takes no value");
  EXPECT_EQ(error_of({"--from", "10.77.0.1", "--psk", "s"}),
            "no responder given (RESPONDER[:PORT])");
  EXPECT_EQ(error_of({"10.99.0.2", "10.99.0.3", "--from", "10.77.0.1", "--psk", "s"}),
            "more than one responder: \"10.99.0.3\"");
  EXPECT_EQ(error_of({"10.99.0.2", "--psk", "s"}),
            "--from: give at least one source address (the tool binds each one)");
  EXPECT_EQ(error_of({"10.99.0.2", "--from", "fd00::1", "--psk", "s"}),
            "--from: fd00::1 is not of the responder's address family");
  EXPECT_EQ(error_of({"10.99.0.2", "--from", "10.77.0.1"}),
            "no credentials: give --psk or --cert/--key/--ca");
  EXPECT_EQ(error_of({"10.99.0.2", "--from", "10.77.0.1", "--cert", "a.pem", "--ca", "ca.pem"}),
            "--key: certificates need both --cert and --key");
  EXPECT_EQ(error_of({"10.99.0.2", "--from", "10.77.0.1", "--cert", "a.pem", "--key", "k.pem"}),
            "--cert: give the responder's CA with --ca");
  EXPECT_EQ(error_of({"10.99.0.2", "--from", "10.77.0.1", "--cert", "a.pem", "--key", "k.pem",
                      "--ca", "ca.pem", "--psk", "s"}),
            "--psk: choose either --psk or --cert/--key, not both");
  EXPECT_EQ(error_of({"10.99.0.2", "--from", "10.77.0.1", "--psk", "s", "--first-port", "65535",
                      "--ports", "2"}),
            "--ports: ports from 65535 run past 65535");
}

TEST(LoadOptions, CertificatesSelectPublicKeyAuthentication) {
  auto options = parse({"10.99.0.2", "--from", "10.77.0.1", "--cert", "a.pem", "--key", "k.pem",
                        "--ca", "ca1.pem", "--ca", "ca2.pem"});
  ASSERT_TRUE(options) << options.error().reason;
  EXPECT_EQ(options->auth, AuthMode::certificate);
  EXPECT_EQ(options->ca_files, (std::vector<std::string>{"ca1.pem", "ca2.pem"}));
}

TEST(LoadOptions, HelpNeedsNothingElse) {
  auto options = parse({"--help"});
  ASSERT_TRUE(options) << options.error().reason;
  EXPECT_TRUE(options->help);
  for (const char* option :
       {"--from", "--ports", "--count", "--rate", "--concurrency", "--threads", "--psk", "--cert",
        "--key", "--ca", "--local-id", "--remote-id", "--ike", "--esp", "--hold", "--rekey",
        "--down", "--json", "--timeout"}) {
    EXPECT_NE(usage().find(option), std::string::npos) << option << " is not in --help";
  }
}

}  // namespace
}  // namespace ikev2d::load
