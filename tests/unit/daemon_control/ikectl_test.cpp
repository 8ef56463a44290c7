// ikectl end to end: run_ikectl in-process against a ControlServer with a
// fake handler (output, exit statuses, streaming), and the real binary.

#include "control/ikectl.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "control/control_client.hpp"
#include "control/reply_format.hpp"
#include "control_fixture.hpp"

extern char** environ;

namespace ikev2d::control {
namespace {

using namespace test;
using json = nlohmann::json;
using ::testing::HasSubstr;

struct IkectlRun {
  int status = -1;
  std::string out;
  std::string err;
};

IkectlRun ikectl(std::vector<std::string> arguments) {
  std::ostringstream out;
  std::ostringstream err;
  IkectlRun run;
  run.status = run_ikectl(arguments, out, err, "9.9.9");
  run.out = out.str();
  run.err = err.str();
  return run;
}

class IkectlTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(harness_.start().ok()); }
  IkectlRun run(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), {"--socket", harness_.socket_path()});
    return ikectl(std::move(arguments));
  }
  ServerHarness harness_;
};

TEST_F(IkectlTest, UpPrintsLogLinesThenTheResultMessage) {
  harness_.handler().set_behavior([](const Command& command, ReplyStreamPtr reply) {
    EXPECT_EQ(command, Command(UpCommand{"office", "net"}));
    reply->send({{"type", "log"},
                 {"level", "info"},
                 {"connection", "office"},
                 {"sa", "office[1] 1a2b3c4d…/00000000…"},
                 {"message", "sending IKE_SA_INIT request"}});
    reply->send({{"type", "log"},
                 {"level", "info"},
                 {"connection", "office"},
                 {"sa", "office[1] 1a2b3c4d…/5e6f7a8b…"},
                 {"message", "CHILD SA net{2} installed"}});
    reply->finish_ok({{"message", "connection 'office' established"}});
  });
  auto result = run({"up", "office", "net"});
  EXPECT_EQ(result.status, 0);
  EXPECT_EQ(result.out,
            "[info] office[1] 1a2b3c4d…/00000000… sending IKE_SA_INIT request\n"
            "[info] office[1] 1a2b3c4d…/5e6f7a8b… CHILD SA net{2} installed\n"
            "connection 'office' established\n");
  EXPECT_EQ(result.err, "");
}

TEST_F(IkectlTest, FailureIsOneLineOnStderrAndExitOne) {
  harness_.handler().set_behavior([](const Command&, ReplyStreamPtr reply) {
    reply->send({{"type", "log"}, {"level", "error"}, {"message", "peer refused"}});
    reply->finish_error("NO_PROPOSAL_CHOSEN: the peer accepted none of our 2 IKE proposals");
  });
  auto result = run({"up", "office"});
  EXPECT_EQ(result.status, 1);
  EXPECT_EQ(result.out, "[error] peer refused\n");
  EXPECT_EQ(result.err,
            "ikectl: up office: NO_PROPOSAL_CHOSEN: the peer accepted none of our 2 IKE "
            "proposals\n");
}

TEST_F(IkectlTest, JsonPrintsReplyLinesVerbatim) {
  harness_.handler().set_behavior([](const Command&, ReplyStreamPtr reply) {
    reply->send(sample_ike_sa(1));
    reply->finish_ok();
  });
  auto result = run({"--json", "status"});
  EXPECT_EQ(result.status, 0);
  EXPECT_EQ(result.out, sample_ike_sa(1).dump() + "\n" + R"({"ok":true,"type":"result"})" + "\n");
}

TEST_F(IkectlTest, JsonFailureStillPrintsTheResultLineAndExitsOne) {
  harness_.handler().set_behavior(
      [](const Command&, ReplyStreamPtr reply) { reply->finish_error("no connection 'x'"); });
  auto result = run({"--json", "down", "x"});
  EXPECT_EQ(result.status, 1);
  EXPECT_EQ(result.out, R"({"error":"no connection 'x'","ok":false,"type":"result"})"
                        "\n");
  EXPECT_EQ(result.err, "ikectl: down x: no connection 'x'\n");
}

TEST_F(IkectlTest, StatusPrintsEachSa) {
  harness_.handler().set_behavior([](const Command&, ReplyStreamPtr reply) {
    reply->send(sample_ike_sa(1));
    reply->send(sample_ike_sa(2));
    reply->finish_ok();
  });
  auto result = run({"status"});
  EXPECT_EQ(result.status, 0);
  EXPECT_EQ(result.out, format_reply_line(sample_ike_sa(1)) + format_reply_line(sample_ike_sa(2)));
}

TEST_F(IkectlTest, EmptyListingsSaySo) {
  EXPECT_EQ(run({"status"}).out, "no IKE SAs\n");
  EXPECT_EQ(run({"list-conns"}).out, "no connections\n");
  EXPECT_EQ(run({"list-certs"}).out, "no certificates\n");
  EXPECT_EQ(run({"reload"}).out, "");
}

TEST_F(IkectlTest, ListingsSeparateRecordsWithABlankLine) {
  harness_.handler().set_behavior([](const Command&, ReplyStreamPtr reply) {
    reply->send({{"type", "connection"}, {"name", "a"}, {"auto", "add"}});
    reply->send({{"type", "connection"}, {"name", "b"}, {"auto", "start"}});
    reply->finish_ok();
  });
  auto result = run({"list-conns"});
  EXPECT_EQ(result.status, 0);
  EXPECT_EQ(result.out, "a:\n  auto: add\n\nb:\n  auto: start\n");
}

TEST_F(IkectlTest, EveryCommandReachesTheDaemonAsParsed) {
  run({"down", "office"});
  run({"rekey", "office", "--ike"});
  run({"log", "debug", "knl"});
  EXPECT_EQ(harness_.handler().commands(),
            (std::vector<Command>{DownCommand{"office"}, RekeyCommand{"office", true},
                                  LogCommand{"debug", "knl"}}));
}

TEST_F(IkectlTest, DaemonHangingUpMidReplyIsAnError) {
  harness_.handler().set_behavior([this](const Command&, ReplyStreamPtr reply) {
    reply->send({{"type", "log"}, {"level", "info"}, {"message", "starting"}});
    harness_.stop_server_soon();
  });
  auto result = run({"up", "office"});
  EXPECT_EQ(result.status, 1);
  EXPECT_EQ(result.err, "ikectl: up office: ikev2d closed the connection before the result\n");
}

TEST(Ikectl, UsageErrorsExitTwo) {
  auto result = ikectl({"frobnicate"});
  EXPECT_EQ(result.status, 2);
  EXPECT_EQ(result.err,
            "ikectl: unknown command 'frobnicate'\nTry 'ikectl --help' for more information.\n");
  EXPECT_EQ(ikectl({}).status, 2);
  EXPECT_EQ(ikectl({"up"}).status, 2);
}

TEST(Ikectl, HelpAndVersion) {
  auto help = ikectl({"--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_THAT(help.out, HasSubstr("Usage: ikectl [--socket PATH] [--json] COMMAND"));
  auto version = ikectl({"--version"});
  EXPECT_EQ(version.status, 0);
  EXPECT_EQ(version.out, "ikectl (ikev2d) 9.9.9\n");
}

TEST(Ikectl, NoDaemonIsOneLineAndExitOne) {
  TempDir dir;
  auto result = ikectl({"--socket", dir.file("ikev2d.sock"), "status"});
  EXPECT_EQ(result.status, 1);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err, "ikectl: cannot reach ikev2d at " + dir.file("ikev2d.sock") +
                            ": No such file or directory (is ikev2d running?)\n");
}

// --- the binary ---

#ifdef IKECTL_BINARY

std::string slurp(const std::string& path) {
  std::ifstream file(path);
  return std::string(std::istreambuf_iterator<char>(file), {});
}

/// Runs the ikectl binary with stdout and stderr captured in files.
IkectlRun run_binary(const TempDir& dir, std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), IKECTL_BINARY);
  std::vector<char*> argv;
  for (auto& argument : arguments)
    argv.push_back(argument.data());
  argv.push_back(nullptr);
  std::string out_path = dir.file("stdout");
  std::string err_path = dir.file("stderr");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  pid_t pid = -1;
  IkectlRun run;
  int spawned = posix_spawn(&pid, IKECTL_BINARY, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  EXPECT_EQ(spawned, 0) << IKECTL_BINARY;
  if (spawned != 0) return run;
  int status = 0;
  ::waitpid(pid, &status, 0);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = slurp(out_path);
  run.err = slurp(err_path);
  return run;
}

TEST(IkectlBinary, NoDaemonPrintsOneLineAndExitsOne) {
  TempDir dir;
  std::string socket = dir.file("run/ikev2d.sock");
  auto result = run_binary(dir, {"--socket", socket, "status"});
  EXPECT_EQ(result.status, 1);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err, "ikectl: cannot reach ikev2d at " + socket +
                            ": No such file or directory (is ikev2d running?)\n");
}

TEST(IkectlBinary, UsageErrorExitsTwoAndVersionIsTheProjects) {
  TempDir dir;
  EXPECT_EQ(run_binary(dir, {"up"}).status, 2);
  auto version = run_binary(dir, {"--version"});
  EXPECT_EQ(version.status, 0);
  EXPECT_THAT(version.out, ::testing::StartsWith("ikectl (ikev2d) 0."));
}

TEST(IkectlBinary, TalksToALiveServer) {
  ServerHarness harness;
  ASSERT_TRUE(harness.start().ok());
  harness.handler().set_behavior([](const Command&, ReplyStreamPtr reply) {
    reply->send(sample_ike_sa(5));
    reply->finish_ok();
  });
  auto result = run_binary(harness.dir(), {"--socket", harness.socket_path(), "status", "office"});
  EXPECT_EQ(result.status, 0);
  EXPECT_EQ(result.out, format_reply_line(sample_ike_sa(5)));
  EXPECT_EQ(harness.handler().commands(), std::vector<Command>{StatusCommand{"office"}});
}

#else

TEST(IkectlBinary, NotConfigured) {
  GTEST_SKIP() << "IKECTL_BINARY is not defined (cli/CMakeLists.txt wires it)";
}

#endif

}  // namespace
}  // namespace ikev2d::control
