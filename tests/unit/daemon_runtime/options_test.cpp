#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "runtime/options.hpp"

namespace ikev2d::runtime {
namespace {

ike::Result<RuntimeOptions> parse(std::vector<std::string_view> arguments) {
  return parse_options(arguments);
}

TEST(Options, DefaultsAreDesignPaths) {
  auto options = parse({});
  ASSERT_TRUE(options);
  EXPECT_EQ(options->paths.ipsec_conf, "/etc/ikev2d/ipsec.conf");
  EXPECT_EQ(options->paths.ipsec_secrets, "/etc/ikev2d/ipsec.secrets");
  EXPECT_EQ(options->paths.ipsec_d, "/etc/ikev2d/ipsec.d");
  EXPECT_EQ(options->control_socket(), "/run/ikev2d/ikev2d.sock");
  EXPECT_EQ(options->ownership_ledger(), "/run/ikev2d/xfrm-owned");
  EXPECT_EQ(options->ike_port, 500);
  EXPECT_EQ(options->nat_t_port, 4500);
  EXPECT_EQ(options->log_level, LogLevel::info);
  EXPECT_TRUE(options->log_timestamps);
  EXPECT_FALSE(options->check_config);
  EXPECT_EQ(options->threads, 0U) << "one per core";
  EXPECT_FALSE(options->null_kernel);
}

TEST(Options, EveryOptionWithSeparateOrJoinedValue) {
  auto options =
      parse({"--config", "/t/ipsec.conf", "--secrets=/t/ipsec.secrets", "--ipsec-d", "/t/d",
             "--runtime-dir=/t/run", "--port", "5000", "--natt-port=5001", "--log-level", "debug",
             "--log", "knl=error", "--log=net=warning", "--log-timestamps=no", "--foreground",
             "--check-config", "--threads=3", "--null-kernel"});
  ASSERT_TRUE(options) << options.error().reason;
  EXPECT_EQ(options->paths.ipsec_conf, "/t/ipsec.conf");
  EXPECT_EQ(options->paths.ipsec_secrets, "/t/ipsec.secrets");
  EXPECT_EQ(options->paths.ipsec_d, "/t/d");
  EXPECT_EQ(options->control_socket(), "/t/run/ikev2d.sock");
  EXPECT_EQ(options->ownership_ledger(), "/t/run/xfrm-owned");
  EXPECT_EQ(options->ike_port, 5000);
  EXPECT_EQ(options->nat_t_port, 5001);
  EXPECT_EQ(options->log_level, LogLevel::debug);
  EXPECT_EQ(options->log_overrides, "knl=error,net=warning");
  EXPECT_FALSE(options->log_timestamps);
  EXPECT_TRUE(options->check_config);
  EXPECT_EQ(options->threads, 3U);
  EXPECT_TRUE(options->null_kernel);
}

TEST(Options, ExplicitSocketWinsOverRuntimeDir) {
  auto options = parse({"--runtime-dir", "/t/run", "--socket", "/t/ctl.sock"});
  ASSERT_TRUE(options);
  EXPECT_EQ(options->control_socket(), "/t/ctl.sock");
}

TEST(Options, VersionAndHelp) {
  EXPECT_TRUE(parse({"--version"})->version);
  EXPECT_TRUE(parse({"--help"})->help);
  EXPECT_NE(usage().find("--natt-port"), std::string::npos);
}

void expect_refused(std::vector<std::string_view> arguments, std::string_view reason) {
  auto options = parse(arguments);
  ASSERT_FALSE(options) << "accepted: " << arguments.front();
  EXPECT_NE(options.error().reason.find(reason), std::string::npos) << options.error().reason;
}

TEST(Options, BadValuesAreRefusedWithTheReason) {
  expect_refused({"--port", "0"}, "--port: \"0\" is not a port");
  expect_refused({"--port", "65536"}, "is not a port");
  expect_refused({"--natt-port=45x"}, "is not a port");
  expect_refused({"--port", "4500"}, "must differ");
  expect_refused({"--log-level", "loud"}, "--log-level: \"loud\" is not a level");
  expect_refused({"--log", "kernel=debug"}, "unknown subsystem \"kernel\"");
  expect_refused({"--log-timestamps=maybe"}, "yes or no");
  expect_refused({"--config"}, "--config needs a value");
  expect_refused({"--config="}, "empty value");
  expect_refused({"--daemonize"}, "unknown option \"--daemonize\"");
  expect_refused({"--foreground=yes"}, "takes no value");
  expect_refused({"--threads", "65"}, "--threads: \"65\" is not a thread count (0-64");
  expect_refused({"--threads", "-1"}, "is not a thread count");
  expect_refused({"--threads", "2x"}, "is not a thread count");
}

}  // namespace
}  // namespace ikev2d::runtime
