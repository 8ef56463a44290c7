#pragma once
/// Log lines of the daemon: subsystems, levels and the one line format
/// (DESIGN.md "Scale": logging never blocks the loop; the queue that makes it
/// so is in log_writer.hpp).
///
///   2026-11-27T08:00:00.123Z ike  info  office[1] 1a2b3c4d5e6f7081/9aabbccddeeff001: IKE SA up
///
/// The timestamp is optional (journald stamps lines itself). Whatever the
/// message holds, a record is one line: control characters are escaped, so a
/// peer's identity cannot forge log lines.

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ike/error.hpp"
#include "ike/sa/events.hpp"
#include "ike/sa/time.hpp"

namespace ikev2d::runtime {

using ike::sa::LogLevel;

/// Where a line comes from; each has its own level (`ikectl log LEVEL SUBSYSTEM`).
enum class Subsystem : std::uint8_t { ike, cfg, knl, net, ctl, updown };
inline constexpr std::array<Subsystem, 6> kAllSubsystems{Subsystem::ike, Subsystem::cfg,
                                                         Subsystem::knl, Subsystem::net,
                                                         Subsystem::ctl, Subsystem::updown};
std::string_view to_string(Subsystem subsystem) noexcept;
std::optional<Subsystem> parse_subsystem(std::string_view text) noexcept;
/// debug, info, warning (or warn), error.
std::optional<LogLevel> parse_log_level(std::string_view text) noexcept;

/// The lowest level logged, per subsystem. Read on the loop thread and by
/// nobody else, but atomic so a future shard thread may read it too.
class LogLevels {
 public:
  explicit LogLevels(LogLevel everywhere = LogLevel::info) noexcept { set_all(everywhere); }
  bool enabled(Subsystem subsystem, LogLevel level) const noexcept {
    return static_cast<std::uint8_t>(level) >=
           levels_[index(subsystem)].load(std::memory_order_relaxed);
  }
  LogLevel level(Subsystem subsystem) const noexcept {
    return static_cast<LogLevel>(levels_[index(subsystem)].load(std::memory_order_relaxed));
  }
  void set(Subsystem subsystem, LogLevel level) noexcept {
    levels_[index(subsystem)].store(static_cast<std::uint8_t>(level), std::memory_order_relaxed);
  }
  void set_all(LogLevel level) noexcept {
    for (auto subsystem : kAllSubsystems)
      set(subsystem, level);
  }

 private:
  static std::size_t index(Subsystem subsystem) noexcept {
    return static_cast<std::size_t>(subsystem);
  }
  std::array<std::atomic<std::uint8_t>, kAllSubsystems.size()> levels_{};
};

/// "ike=debug,knl=warning" (the --log option): applied to `levels`; an error
/// names the bad item.
ike::Status apply_level_list(std::string_view list, LogLevels& levels);

/// One record before formatting.
struct LogRecord {
  ike::WallTime time{};
  Subsystem subsystem = Subsystem::ike;
  LogLevel level = LogLevel::info;
  /// "office[1] 1a2b.../5e6f..." or empty.
  std::string_view label;
  std::string_view message;
};

/// "2026-11-27T08:00:00.123Z " (UTC, milliseconds).
std::string format_timestamp(ike::WallTime time);
/// The whole line, ending in '\n'.
std::string format_log_line(const LogRecord& record, bool with_timestamp);
/// `text` with control characters (and backslashes) escaped as \n, \t, \xNN,
/// \\ so that it stays on one line.
std::string escape_for_log(std::string_view text);

}  // namespace ikev2d::runtime
