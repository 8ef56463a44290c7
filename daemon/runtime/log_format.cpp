#include "runtime/log_format.hpp"

#include <cstdio>
#include <ctime>

namespace ikev2d::runtime {

std::string_view to_string(Subsystem subsystem) noexcept {
  switch (subsystem) {
    case Subsystem::ike:
      return "ike";
    case Subsystem::cfg:
      return "cfg";
    case Subsystem::knl:
      return "knl";
    case Subsystem::net:
      return "net";
    case Subsystem::ctl:
      return "ctl";
    case Subsystem::updown:
      return "updown";
  }
  return "?";
}

std::optional<Subsystem> parse_subsystem(std::string_view text) noexcept {
  for (auto subsystem : kAllSubsystems) {
    if (to_string(subsystem) == text) return subsystem;
  }
  return std::nullopt;
}

std::optional<LogLevel> parse_log_level(std::string_view text) noexcept {
  if (text == "debug") return LogLevel::debug;
  if (text == "info") return LogLevel::info;
  if (text == "warning" || text == "warn") return LogLevel::warning;
  if (text == "error") return LogLevel::error;
  return std::nullopt;
}

ike::Status apply_level_list(std::string_view list, LogLevels& levels) {
  LogLevels parsed;
  for (auto subsystem : kAllSubsystems)
    parsed.set(subsystem, levels.level(subsystem));
  while (!list.empty()) {
    auto comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    auto equals = item.find('=');
    if (equals == std::string_view::npos) {
      return ike::make_error(ike::Errc::invalid_argument,
                             "\"" + std::string(item) + "\" is not SUBSYSTEM=LEVEL");
    }
    auto subsystem = parse_subsystem(item.substr(0, equals));
    if (!subsystem) {
      return ike::make_error(ike::Errc::invalid_argument,
                             "unknown subsystem \"" + std::string(item.substr(0, equals)) +
                                 "\" (ike, cfg, knl, net, ctl, updown)");
    }
    auto level = parse_log_level(item.substr(equals + 1));
    if (!level) {
      return ike::make_error(ike::Errc::invalid_argument, "unknown level \"" +
                                                              std::string(item.substr(equals + 1)) +
                                                              "\" (debug, info, warning, error)");
    }
    parsed.set(*subsystem, *level);
  }
  for (auto subsystem : kAllSubsystems)
    levels.set(subsystem, parsed.level(subsystem));
  return {};
}

std::string format_timestamp(ike::WallTime time) {
  auto since_epoch = time.time_since_epoch();
  auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds);
  std::time_t whole = static_cast<std::time_t>(seconds.count());
  std::tm utc{};
  gmtime_r(&whole, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis.count()));
  return text;
}

std::string escape_for_log(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

namespace {

void append_padded(std::string& out, std::string_view text, std::size_t width) {
  out += text;
  for (std::size_t i = text.size(); i < width; ++i)
    out += ' ';
  out += ' ';
}

}  // namespace

std::string format_log_line(const LogRecord& record, bool with_timestamp) {
  std::string line;
  line.reserve(64 + record.label.size() + record.message.size());
  if (with_timestamp) line += format_timestamp(record.time);
  // Columns: subsystem (4 wide, "updown" overflows) and level (5 wide).
  append_padded(line, to_string(record.subsystem), 4);
  append_padded(line, ike::sa::to_string(record.level), 5);
  if (!record.label.empty()) {
    line += escape_for_log(record.label);
    line += ": ";
  }
  line += escape_for_log(record.message);
  line += '\n';
  return line;
}

}  // namespace ikev2d::runtime
