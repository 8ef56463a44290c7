// The runner with real processes: the script sees exactly the environment it
// is given, its output becomes log lines, submit() never waits, invocations
// of one key run in order, overdue scripts (and what they started) are killed.

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "updown/updown_environment.hpp"
#include "updown/updown_runner.hpp"

namespace ikev2d::updown {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using ike::sa::LogLevel;

struct Line {
  LogLevel level;
  std::string label;
  std::string text;
};

/// Alive and not a zombie (an orphan's zombie lingers where PID 1 does not reap).
bool process_alive(pid_t pid) {
  if (::kill(pid, 0) != 0) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  auto end_of_name = text.rfind(')');
  if (end_of_name == std::string::npos || end_of_name + 2 >= text.size()) return false;
  return text[end_of_name + 2] != 'Z';
}

class UpdownRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto pattern = (fs::temp_directory_path() / "ikev2d-updown-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir = pattern;
  }
  void TearDown() override {
    runner.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  void make_runner(RunnerOptions options = {}) {
    runner = std::make_unique<UpdownRunner>(
        [this](LogLevel level, const std::string& label, const std::string& text) {
          lines.push_back({level, label, text});
        },
        options);
  }

  void submit(const std::string& key, const std::string& script,
              std::vector<std::vector<std::string>> environments = {{"PLUTO_VERB=up-client"}}) {
    runner->submit(UpdownJob{key, key + "[1]", script, std::move(environments), "test job"},
                   Clock::now());
  }

  /// Drives the runner as the event loop would, until idle or `limit` passes.
  bool run_until_idle(std::chrono::milliseconds limit = std::chrono::milliseconds(5000)) {
    auto until = Clock::now() + limit;
    while (Clock::now() < until) {
      runner->reap(Clock::now());
      if (runner->idle()) return true;
      std::vector<pollfd> fds;
      for (int fd : runner->output_descriptors())
        fds.push_back({fd, POLLIN, 0});
      ::poll(fds.data(), fds.size(), 10);
    }
    return false;
  }

  std::string read(const std::string& name) const {
    std::ifstream in(dir / name);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  bool logged(LogLevel level, const std::string& text) const {
    for (const auto& line : lines) {
      if (line.level == level && line.text.find(text) != std::string::npos) return true;
    }
    return false;
  }

  std::string dump() const {
    std::string out;
    for (const auto& line : lines)
      out += line.label + ": " + line.text + "\n";
    return out;
  }

  fs::path dir;
  std::vector<Line> lines;
  std::unique_ptr<UpdownRunner> runner;
};

TEST_F(UpdownRunnerTest, ScriptSeesExactlyThePlutoEnvironment) {
  ::setenv("IKEV2D_TEST_LEAK", "daemon environment", 1);
  make_runner();
  ChildEvent event;
  event.connection = "office";
  event.me = *ike::IpAddress::parse("192.0.2.1");
  event.peer = *ike::IpAddress::parse("198.51.100.2");
  event.my_id = ike::pki::Identity::fqdn("west.example");
  event.peer_id = ike::pki::Identity::fqdn("east.example");
  event.local_ts = {ike::ts::TrafficSelector::host(event.me)};
  event.remote_ts = {ike::ts::TrafficSelector::host(event.peer)};
  submit("office", "env > '" + (dir / "env.txt").string() + "'", updown_environments(event));
  ASSERT_TRUE(run_until_idle()) << dump();
  auto env = read("env.txt");
  for (const char* expected :
       {"PLUTO_VERSION=1.1\n", "PLUTO_VERB=up-host\n", "PLUTO_CONNECTION=office\n",
        "PLUTO_ME=192.0.2.1\n", "PLUTO_PEER=198.51.100.2\n", "PLUTO_MY_ID=west.example\n",
        "PLUTO_PEER_ID=east.example\n", "PLUTO_MY_CLIENT=192.0.2.1/32\n",
        "PATH=/usr/sbin:/usr/bin:/sbin:/bin\n"}) {
    EXPECT_NE(env.find(expected), std::string::npos) << expected << " missing in:\n" << env;
  }
  EXPECT_EQ(env.find("IKEV2D_TEST_LEAK"), std::string::npos) << env;
  ::unsetenv("IKEV2D_TEST_LEAK");
}

TEST_F(UpdownRunnerTest, EverySelectorPairRunsOnce) {
  make_runner();
  auto out = (dir / "pairs.txt").string();
  submit(
      "office", "echo \"$PLUTO_MY_CLIENT $PLUTO_PEER_CLIENT\" >> '" + out + "'",
      {{"PLUTO_MY_CLIENT=a", "PLUTO_PEER_CLIENT=b"}, {"PLUTO_MY_CLIENT=a", "PLUTO_PEER_CLIENT=c"}});
  ASSERT_TRUE(run_until_idle()) << dump();
  EXPECT_EQ(read("pairs.txt"), "a b\na c\n");
}

TEST_F(UpdownRunnerTest, OutputBecomesLogLinesWithTheLabel) {
  make_runner();
  submit("office", "echo one; echo two >&2; printf 'no newline'");
  ASSERT_TRUE(run_until_idle()) << dump();
  ASSERT_EQ(lines.size(), 3u) << dump();
  EXPECT_EQ(lines[0].text, "updown: one");
  EXPECT_EQ(lines[1].text, "updown: two");
  EXPECT_EQ(lines[2].text, "updown: no newline");
  EXPECT_EQ(lines[0].label, "office[1]");
  EXPECT_EQ(lines[0].level, LogLevel::info);
}

TEST_F(UpdownRunnerTest, FailingScriptIsAWarning) {
  make_runner();
  submit("office", "exit 3");
  ASSERT_TRUE(run_until_idle()) << dump();
  EXPECT_TRUE(logged(LogLevel::warning, "updown: 'exit 3' exited with status 3")) << dump();
}

TEST_F(UpdownRunnerTest, SubmitReturnsAtOnceAndOverdueScriptsAreKilledWithTheirChildren) {
  make_runner();
  auto pids = (dir / "pids").string();
  auto started = Clock::now();
  submit("office", "sleep 30 & echo $! > '" + pids + "'; sleep 30");
  EXPECT_LT(Clock::now() - started, std::chrono::milliseconds(500));
  EXPECT_EQ(runner->running(), 1u);
  ASSERT_TRUE(runner->next_deadline());
  EXPECT_GE(*runner->next_deadline() - started, std::chrono::seconds(30));
  // Let the script write the background child's pid, then pretend 31 s passed.
  for (int i = 0; i < 200 && read("pids").empty(); ++i)
    ::usleep(10000);
  runner->reap(Clock::now() + std::chrono::seconds(31));
  EXPECT_TRUE(logged(LogLevel::warning, "still running after 30 s; killed")) << dump();
  ASSERT_TRUE(run_until_idle()) << dump();
  pid_t background = std::atoi(read("pids").c_str());
  ASSERT_GT(background, 0);
  // The background sleep was in the script's process group: gone too.
  bool alive = true;
  for (int i = 0; i < 200 && alive; ++i) {
    alive = process_alive(background);
    if (alive) ::usleep(10000);
  }
  EXPECT_FALSE(alive);
}

TEST_F(UpdownRunnerTest, OneKeyRunsInOrderOtherKeysInParallel) {
  make_runner();
  auto order = (dir / "order").string();
  submit("a", "sleep 0.2; echo one >> '" + order + "'");
  submit("a", "echo two >> '" + order + "'");
  submit("b", "sleep 0.2");
  EXPECT_EQ(runner->running(), 2u);
  EXPECT_EQ(runner->pending(), 1u);
  ASSERT_TRUE(run_until_idle()) << dump();
  EXPECT_EQ(read("order"), "one\ntwo\n");
}

TEST_F(UpdownRunnerTest, ShellThatCannotStartIsAnError) {
  RunnerOptions options;
  options.shell = "/nonexistent/sh";
  make_runner(options);
  submit("office", "true");
  submit("office", "true");
  EXPECT_TRUE(runner->idle());
  EXPECT_TRUE(logged(LogLevel::error, "updown: cannot start /nonexistent/sh")) << dump();
  EXPECT_EQ(lines.size(), 2u);
}

TEST_F(UpdownRunnerTest, LongLinesAreSplitAndOutputIsBounded) {
  RunnerOptions options;
  options.max_line = 10;
  options.max_output = 100;
  make_runner(options);
  submit("office",
         "printf '%030d\\n' 0; i=0; while [ $i -lt 100 ]; do echo 0123456789; "
         "i=$((i+1)); done");
  ASSERT_TRUE(run_until_idle()) << dump();
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines[0].text, "updown: 0000000000");
  EXPECT_EQ(lines[2].text, "updown: 0000000000");
  EXPECT_TRUE(logged(LogLevel::warning, "output truncated after 100 bytes")) << dump();
  EXPECT_LT(lines.size(), 20u);
}

TEST_F(UpdownRunnerTest, DestroyingTheRunnerKillsWhatStillRuns) {
  make_runner();
  auto pid_file = (dir / "pid").string();
  submit("office", "echo $$ > '" + pid_file + "'; exec sleep 30");
  for (int i = 0; i < 200 && read("pid").empty(); ++i)
    ::usleep(10000);
  pid_t pid = std::atoi(read("pid").c_str());
  ASSERT_GT(pid, 0);
  runner.reset();
  EXPECT_NE(::kill(pid, 0), 0);  // killed and reaped by the destructor
}

}  // namespace
}  // namespace ikev2d::updown
