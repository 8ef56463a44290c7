// ikectl's command line: every command's arguments, the global options and
// every usage error.

#include "control/ikectl_arguments.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ikev2d::control {
namespace {

using ::testing::HasSubstr;
using Action = IkectlInvocation::Action;

IkectlInvocation parse_ok(std::vector<std::string> arguments) {
  auto parsed = parse_ikectl_arguments(arguments);
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().reason);
  return parsed.ok() ? *parsed : IkectlInvocation{};
}

std::string usage_error(std::vector<std::string> arguments) {
  auto parsed = parse_ikectl_arguments(arguments);
  EXPECT_FALSE(parsed.ok());
  return parsed.ok() ? std::string() : parsed.error().reason;
}

TEST(IkectlArguments, EveryCommand) {
  EXPECT_EQ(parse_ok({"up", "office"}).command, Command(UpCommand{"office", ""}));
  EXPECT_EQ(parse_ok({"up", "office", "net"}).command, Command(UpCommand{"office", "net"}));
  EXPECT_EQ(parse_ok({"down", "office"}).command, Command(DownCommand{"office"}));
  EXPECT_EQ(parse_ok({"status"}).command, Command(StatusCommand{}));
  EXPECT_EQ(parse_ok({"status", "office"}).command, Command(StatusCommand{"office"}));
  EXPECT_EQ(parse_ok({"reload"}).command, Command(ReloadCommand{}));
  EXPECT_EQ(parse_ok({"list-conns"}).command, Command(ListConnectionsCommand{}));
  EXPECT_EQ(parse_ok({"list-certs"}).command, Command(ListCertificatesCommand{}));
  EXPECT_EQ(parse_ok({"rekey", "office"}).command, Command(RekeyCommand{"office", false}));
  EXPECT_EQ(parse_ok({"rekey", "office", "--ike"}).command, Command(RekeyCommand{"office", true}));
  EXPECT_EQ(parse_ok({"rekey", "--ike", "office"}).command, Command(RekeyCommand{"office", true}));
  EXPECT_EQ(parse_ok({"log", "debug"}).command, Command(LogCommand{"debug", {}}));
  EXPECT_EQ(parse_ok({"log", "warning", "knl"}).command, Command(LogCommand{"warning", "knl"}));
}

TEST(IkectlArguments, GlobalOptions) {
  auto defaults = parse_ok({"status"});
  EXPECT_EQ(defaults.action, Action::run);
  EXPECT_EQ(defaults.socket_path, "/run/ikev2d/ikev2d.sock");
  EXPECT_FALSE(defaults.json);
  auto options = parse_ok({"--socket", "/tmp/x.sock", "--json", "status"});
  EXPECT_EQ(options.socket_path, "/tmp/x.sock");
  EXPECT_TRUE(options.json);
  EXPECT_EQ(parse_ok({"--socket=/tmp/y.sock", "reload"}).socket_path, "/tmp/y.sock");
  EXPECT_TRUE(parse_ok({"status", "office", "--json"}).json);
  EXPECT_EQ(parse_ok({"--", "up", "-office-"}).command, Command(UpCommand{"-office-", ""}));
}

TEST(IkectlArguments, HelpAndVersion) {
  EXPECT_EQ(parse_ok({"--help"}).action, Action::help);
  EXPECT_EQ(parse_ok({"-h"}).action, Action::help);
  EXPECT_EQ(parse_ok({"help"}).action, Action::help);
  EXPECT_EQ(parse_ok({"up", "--help"}).action, Action::help);
  EXPECT_EQ(parse_ok({"--version"}).action, Action::version);
}

TEST(IkectlArguments, UsageErrors) {
  EXPECT_EQ(usage_error({}), "missing command");
  EXPECT_EQ(usage_error({"--json"}), "missing command");
  EXPECT_EQ(usage_error({"start", "office"}), "unknown command 'start'");
  EXPECT_EQ(usage_error({"up"}), "up: missing connection name");
  EXPECT_EQ(usage_error({"down"}), "down: missing connection name");
  EXPECT_EQ(usage_error({"rekey"}), "rekey: missing connection name");
  EXPECT_EQ(usage_error({"log"}), "log: missing level (debug, info, warning or error)");
  EXPECT_EQ(usage_error({"up", "a", "b", "c"}), "up: unexpected argument 'c'");
  EXPECT_EQ(usage_error({"down", "a", "b"}), "down: unexpected argument 'b'");
  EXPECT_EQ(usage_error({"status", "a", "b"}), "status: unexpected argument 'b'");
  EXPECT_EQ(usage_error({"reload", "now"}), "reload: unexpected argument 'now'");
  EXPECT_EQ(usage_error({"list-conns", "x"}), "list-conns: unexpected argument 'x'");
  EXPECT_EQ(usage_error({"log", "info", "ike", "x"}), "log: unexpected argument 'x'");
  EXPECT_EQ(usage_error({"--verbose", "status"}), "unknown option '--verbose'");
  EXPECT_EQ(usage_error({"--socket"}), "--socket needs a path");
  EXPECT_EQ(usage_error({"--socket="}), "--socket needs a path");
  EXPECT_EQ(usage_error({"--socket", "", "status"}), "--socket needs a path");
  EXPECT_EQ(usage_error({"up", "office", "--ike"}), "--ike is only for rekey");
  EXPECT_EQ(usage_error({"--ike", "rekey", "office"}), "--ike is only for rekey");
}

TEST(IkectlArguments, NamesAreCheckedBeforeConnecting) {
  EXPECT_EQ(usage_error({"up", "a b"}),
            "up: invalid connection name: \"a b\" may only contain letters, digits, '.', '_' and "
            "'-'");
  EXPECT_EQ(usage_error({"up", "office", "n/t"}),
            "up: invalid CHILD name: \"n/t\" may only contain letters, digits, '.', '_' and '-'");
  EXPECT_EQ(usage_error({"up", "office", ""}), "up: invalid CHILD name: empty name");
  EXPECT_EQ(usage_error({"down", ""}), "down: invalid connection name: empty name");
  EXPECT_EQ(usage_error({"status", std::string(65, 'x')}),
            "status: invalid connection name: name is 65 characters, over the 64-character limit");
  EXPECT_EQ(usage_error({"log", "verbose"}),
            "log: unknown level \"verbose\" (expected debug, info, warning or error)");
  EXPECT_EQ(usage_error({"log", "info", "dns"}),
            "log: unknown subsystem \"dns\" (expected ike, cfg, knl, net, ctl or updown)");
}

TEST(IkectlArguments, HelpTextCoversEveryCommandAndOption) {
  for (const char* word :
       {"up NAME [CHILD]", "down NAME", "status [NAME]", "reload", "list-conns", "list-certs",
        "rekey NAME [--ike]", "log LEVEL [SUBSYSTEM]", "--socket", "--json", "--help", "--version",
        "/run/ikev2d/ikev2d.sock", "Exit status", "updown"}) {
    EXPECT_THAT(std::string(kIkectlHelp), HasSubstr(word));
  }
}

}  // namespace
}  // namespace ikev2d::control
