#pragma once
/// The daemon's logger: per-subsystem levels in front of a LineSink (the
/// writer thread in production). Called on the loop thread only.

#include <functional>
#include <string_view>

#include "runtime/log_format.hpp"
#include "runtime/log_writer.hpp"

namespace ikev2d::runtime {

class Logger {
 public:
  using WallClock = std::function<ike::WallTime()>;
  Logger(LineSink& sink, WallClock clock, bool timestamps)
      : sink_(sink), clock_(std::move(clock)), timestamps_(timestamps) {}

  LogLevels& levels() noexcept { return levels_; }
  const LogLevels& levels() const noexcept { return levels_; }
  bool enabled(Subsystem subsystem, LogLevel level) const noexcept {
    return levels_.enabled(subsystem, level);
  }

  /// Formats and queues one line if `level` passes the subsystem's level.
  void log(Subsystem subsystem, LogLevel level, std::string_view label, std::string_view message);
  void debug(Subsystem subsystem, std::string_view message) {
    log(subsystem, LogLevel::debug, {}, message);
  }
  void info(Subsystem subsystem, std::string_view message) {
    log(subsystem, LogLevel::info, {}, message);
  }
  void warning(Subsystem subsystem, std::string_view message) {
    log(subsystem, LogLevel::warning, {}, message);
  }
  void error(Subsystem subsystem, std::string_view message) {
    log(subsystem, LogLevel::error, {}, message);
  }

 private:
  LineSink& sink_;
  WallClock clock_;
  bool timestamps_;
  LogLevels levels_;
};

}  // namespace ikev2d::runtime
