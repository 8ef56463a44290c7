#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runtime/log_format.hpp"
#include "runtime/log_writer.hpp"
#include "runtime/logger.hpp"

namespace ikev2d::runtime {
namespace {

TEST(LogFormat, EverySubsystemHasANameThatParsesBack) {
  for (auto subsystem : kAllSubsystems) {
    EXPECT_NE(to_string(subsystem), "?");
    EXPECT_EQ(parse_subsystem(to_string(subsystem)), subsystem);
  }
  EXPECT_FALSE(parse_subsystem("kernel"));
  EXPECT_FALSE(parse_subsystem(""));
}

TEST(LogFormat, LevelsParse) {
  EXPECT_EQ(parse_log_level("debug"), LogLevel::debug);
  EXPECT_EQ(parse_log_level("info"), LogLevel::info);
  EXPECT_EQ(parse_log_level("warning"), LogLevel::warning);
  EXPECT_EQ(parse_log_level("warn"), LogLevel::warning);
  EXPECT_EQ(parse_log_level("error"), LogLevel::error);
  EXPECT_FALSE(parse_log_level("4"));
  EXPECT_FALSE(parse_log_level("INFO"));
}

TEST(LogFormat, LineWithTimestampLabelAndMessage) {
  // 2026-11-27T08:00:00.123Z
  ike::WallTime time{std::chrono::seconds(1795766400) + std::chrono::milliseconds(123)};
  LogRecord record{time, Subsystem::ike, LogLevel::info,
                   "office[1] 1a2b3c4d5e6f7081/9aabbccddeeff001", "IKE SA established"};
  EXPECT_EQ(format_log_line(record, true),
            "2026-11-27T08:00:00.123Z ike  info  office[1] 1a2b3c4d5e6f7081/9aabbccddeeff001: IKE "
            "SA established\n");
  EXPECT_EQ(format_log_line(record, false),
            "ike  info  office[1] 1a2b3c4d5e6f7081/9aabbccddeeff001: IKE SA established\n");
}

TEST(LogFormat, ColumnsForEveryLevelAndLongSubsystem) {
  LogRecord record{{}, Subsystem::updown, LogLevel::warning, "", "script failed"};
  EXPECT_EQ(format_log_line(record, false), "updown warning script failed\n");
  record = {{}, Subsystem::knl, LogLevel::error, "", "x"};
  EXPECT_EQ(format_log_line(record, false), "knl  error x\n");
  record = {{}, Subsystem::net, LogLevel::debug, "", "x"};
  EXPECT_EQ(format_log_line(record, false), "net  debug x\n");
}

TEST(LogFormat, ControlCharactersCannotForgeLines) {
  LogRecord record{{},
                   Subsystem::ike,
                   LogLevel::info,
                   "a\nb",
                   "peer id \"x\n2026-01-01T00:00:00.000Z ike  info  forged\"\t\x01\\"};
  std::string line = format_log_line(record, false);
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_EQ(line,
            "ike  info  a\\nb: peer id \"x\\n2026-01-01T00:00:00.000Z ike  info  "
            "forged\"\\t\\x01\\\\\n");
}

TEST(LogFormat, TimestampIsUtcWithMilliseconds) {
  EXPECT_EQ(format_timestamp(ike::WallTime{}), "1970-01-01T00:00:00.000Z ");
  EXPECT_EQ(format_timestamp(ike::WallTime{std::chrono::milliseconds(86'400'999)}),
            "1970-01-02T00:00:00.999Z ");
}

TEST(LogLevels, PerSubsystemThresholds) {
  LogLevels levels(LogLevel::info);
  EXPECT_TRUE(levels.enabled(Subsystem::ike, LogLevel::info));
  EXPECT_FALSE(levels.enabled(Subsystem::ike, LogLevel::debug));
  levels.set(Subsystem::knl, LogLevel::debug);
  EXPECT_TRUE(levels.enabled(Subsystem::knl, LogLevel::debug));
  EXPECT_FALSE(levels.enabled(Subsystem::net, LogLevel::debug));
  levels.set_all(LogLevel::error);
  EXPECT_FALSE(levels.enabled(Subsystem::knl, LogLevel::warning));
  EXPECT_TRUE(levels.enabled(Subsystem::knl, LogLevel::error));
}

TEST(LogLevels, ApplyListSetsNamedSubsystemsOnly) {
  LogLevels levels(LogLevel::info);
  ASSERT_TRUE(apply_level_list("ike=debug,knl=error", levels));
  EXPECT_EQ(levels.level(Subsystem::ike), LogLevel::debug);
  EXPECT_EQ(levels.level(Subsystem::knl), LogLevel::error);
  EXPECT_EQ(levels.level(Subsystem::cfg), LogLevel::info);
}

TEST(LogLevels, ApplyListRefusesBadItemsAndChangesNothing) {
  LogLevels levels(LogLevel::info);
  auto unknown = apply_level_list("ike=debug,kernel=debug", levels);
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().reason.find("unknown subsystem \"kernel\""), std::string::npos);
  EXPECT_EQ(levels.level(Subsystem::ike), LogLevel::info);
  auto bad_level = apply_level_list("ike=loud", levels);
  ASSERT_FALSE(bad_level);
  EXPECT_NE(bad_level.error().reason.find("unknown level \"loud\""), std::string::npos);
  EXPECT_FALSE(apply_level_list("ike", levels));
}

class RecordingSink final : public LineSink {
 public:
  bool write_line(std::string line) override {
    lines.push_back(std::move(line));
    return true;
  }
  std::vector<std::string> lines;
};

TEST(Logger, FiltersBySubsystemLevel) {
  RecordingSink sink;
  Logger logger(
      sink, [] { return ike::WallTime{}; }, false);
  logger.levels().set(Subsystem::net, LogLevel::warning);
  logger.info(Subsystem::net, "hidden");
  logger.warning(Subsystem::net, "shown");
  logger.debug(Subsystem::ike, "hidden too");
  logger.log(Subsystem::ike, LogLevel::info, "office[1] x/y", "up");
  ASSERT_EQ(sink.lines.size(), 2u);
  EXPECT_EQ(sink.lines[0], "net  warning shown\n");
  EXPECT_EQ(sink.lines[1], "ike  info  office[1] x/y: up\n");
}

std::string read_all(int fd) {
  std::string text;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  return text;
}

TEST(LogWriter, WritesLinesInOrderFromItsThread) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  {
    LogWriter writer(pipe_fds[1], 100);
    for (int i = 0; i < 50; ++i)
      EXPECT_TRUE(writer.write_line("line " + std::to_string(i) + "\n"));
    writer.flush();
    EXPECT_EQ(writer.dropped(), 0u);
  }
  ::close(pipe_fds[1]);
  std::string expected;
  for (int i = 0; i < 50; ++i)
    expected += "line " + std::to_string(i) + "\n";
  EXPECT_EQ(read_all(pipe_fds[0]), expected);
  ::close(pipe_fds[0]);
}

TEST(LogWriter, DropsAndCountsWhenTheReaderStallsAndReportsTheDrops) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  // Fill the pipe so the writer thread blocks in write().
  ASSERT_GE(::fcntl(pipe_fds[1], F_SETPIPE_SZ, 4096), 4096);
  int pipe_size = ::fcntl(pipe_fds[1], F_GETPIPE_SZ);
  std::string filler(static_cast<std::size_t>(pipe_size), 'f');
  ASSERT_EQ(::write(pipe_fds[1], filler.data(), filler.size()),
            static_cast<ssize_t>(filler.size()));
  std::string drained;
  {
    LogWriter writer(pipe_fds[1], 4);
    // The writer takes at most one batch before it blocks on the full pipe;
    // the queue then holds 4 and the rest is dropped.
    int accepted = 0;
    for (int i = 0; i < 20; ++i)
      accepted += writer.write_line("x\n") ? 1 : 0;
    EXPECT_LE(accepted, 8);
    EXPECT_EQ(writer.dropped(), static_cast<std::uint64_t>(20 - accepted));
    // Unblock: read everything while the writer finishes.
    ::fcntl(pipe_fds[0], F_SETFL, O_NONBLOCK);
    std::thread reader([&] {
      for (int idle = 0; idle < 200; ++idle) {
        std::string chunk = read_all(pipe_fds[0]);
        if (!chunk.empty()) idle = 0;
        drained += chunk;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    });
    writer.flush();  // the queued lines went out: there is room again
    EXPECT_TRUE(writer.write_line("after\n"));
    writer.flush();
    reader.join();
  }
  EXPECT_NE(drained.find("line(s) dropped"), std::string::npos) << drained.substr(pipe_size);
  EXPECT_NE(drained.find("after\n"), std::string::npos);
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
}

}  // namespace
}  // namespace ikev2d::runtime
