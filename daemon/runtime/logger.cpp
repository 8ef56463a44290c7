#include "runtime/logger.hpp"

namespace ikev2d::runtime {

void Logger::log(Subsystem subsystem, LogLevel level, std::string_view label,
                 std::string_view message) {
  if (!levels_.enabled(subsystem, level)) return;
  LogRecord record;
  record.time = timestamps_ ? clock_() : ike::WallTime{};
  record.subsystem = subsystem;
  record.level = level;
  record.label = label;
  record.message = message;
  sink_.write_line(format_log_line(record, timestamps_));
}

}  // namespace ikev2d::runtime
