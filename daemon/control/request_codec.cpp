#include "control/request_codec.hpp"

#include <algorithm>
#include <cstdio>
#include <initializer_list>
#include <map>
#include <optional>
#include <type_traits>
#include <utility>

#include "control/request_fields.hpp"

namespace ikev2d::control {
namespace {

using ike::Errc;
using ike::make_error;

ike::Error invalid(std::string reason) {
  return make_error(Errc::invalid_argument, reason);
}

std::string join(const auto& values, std::string_view last_separator) {
  std::string text;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) text += (i + 1 == values.size()) ? last_separator : std::string_view(", ");
    text += values[i];
  }
  return text;
}

constexpr std::array<std::string_view, 8> kCommandNames = {
    "up", "down", "status", "reload", "list-conns", "list-certs", "rekey", "log"};
// command_name() indexes this table with Command::index().
static_assert(std::variant_size_v<Command> == kCommandNames.size());

/// Which fields (besides "command") each command takes, and which it needs.
struct CommandShape {
  std::string_view name;
  std::initializer_list<std::string_view> required;
  std::initializer_list<std::string_view> optional;
};

const CommandShape* find_shape(std::string_view name) {
  static const CommandShape kShapes[] = {
      {"up", {"connection"}, {"child"}},
      {"down", {"connection"}, {}},
      {"status", {}, {"connection"}},
      {"reload", {}, {}},
      {"list-conns", {}, {}},
      {"list-certs", {}, {}},
      {"rekey", {"connection"}, {"ike"}},
      {"log", {"level"}, {"subsystem"}},
  };
  for (const auto& shape : kShapes) {
    if (shape.name == name) return &shape;
  }
  return nullptr;
}

bool contains(const auto& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

constexpr std::array<std::string_view, 6> kKnownFields = {"command", "connection", "child",
                                                          "ike",     "level",      "subsystem"};

/// Every field is allowed for the command, every required one is present.
ike::Status check_field_set(const CommandShape& shape, const RequestFields& fields) {
  for (const auto& [name, value] : fields.members()) {
    if (name == "command" || contains(shape.required, name) || contains(shape.optional, name)) {
      continue;
    }
    if (!contains(kKnownFields, name)) return invalid("unknown field " + quote_for_message(name));
    return invalid("field " + quote_for_message(name) + " is not allowed for command \"" +
                   std::string(shape.name) + "\"");
  }
  for (auto name : shape.required) {
    if (!fields.has(name)) {
      return invalid("command \"" + std::string(shape.name) + "\" needs field \"" +
                     std::string(name) + "\"");
    }
  }
  return {};
}

/// A field's check failed: the reason, prefixed with the field.
ike::Error field_error(std::string_view field, const ike::Status& status) {
  return invalid("field \"" + std::string(field) + "\": " + status.error().reason);
}

ike::Result<std::string> name_field(const RequestFields& fields, std::string_view field) {
  auto text = fields.string(field);
  if (!text) return std::move(text).error();
  if (auto status = check_name(*text); !status) return field_error(field, status);
  return std::move(*text);
}

ike::Result<std::optional<std::string>> optional_name_field(const RequestFields& fields,
                                                            std::string_view field) {
  if (!fields.has(field)) return std::optional<std::string>{};
  auto name = name_field(fields, field);
  if (!name) return std::move(name).error();
  return std::optional<std::string>(std::move(*name));
}

ike::Result<Command> build_log(const RequestFields& fields) {
  LogCommand command;
  auto level = fields.string("level");
  if (!level) return std::move(level).error();
  if (auto status = check_log_level(*level); !status) return field_error("level", status);
  command.level = std::move(*level);
  if (fields.has("subsystem")) {
    auto subsystem = fields.string("subsystem");
    if (!subsystem) return std::move(subsystem).error();
    if (auto status = check_log_subsystem(*subsystem); !status) {
      return field_error("subsystem", status);
    }
    command.subsystem = std::move(*subsystem);
  }
  return Command(std::move(command));
}

ike::Result<Command> build_connection_command(std::string_view name, const RequestFields& fields) {
  if (name == "status") {
    auto connection = optional_name_field(fields, "connection");
    if (!connection) return std::move(connection).error();
    return Command(StatusCommand{std::move(*connection)});
  }
  auto connection = name_field(fields, "connection");
  if (!connection) return std::move(connection).error();
  if (name == "down") return Command(DownCommand{std::move(*connection)});
  if (name == "up") {
    auto child = optional_name_field(fields, "child");
    if (!child) return std::move(child).error();
    return Command(UpCommand{std::move(*connection), child->value_or("")});
  }
  // rekey
  auto ike = fields.boolean("ike");
  if (!ike) return std::move(ike).error();
  return Command(RekeyCommand{std::move(*connection), ike->value_or(false)});
}

ike::Result<Command> build_command(std::string_view name, const RequestFields& fields) {
  if (name == "reload") return Command(ReloadCommand{});
  if (name == "list-conns") return Command(ListConnectionsCommand{});
  if (name == "list-certs") return Command(ListCertificatesCommand{});
  if (name == "log") return build_log(fields);
  return build_connection_command(name, fields);
}

}  // namespace

namespace {

std::string escape_for_message(std::string_view text, std::size_t limit, bool escape_quotes) {
  std::string printable;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i == limit) {
      printable += "...";
      break;
    }
    auto byte = static_cast<unsigned char>(text[i]);
    bool quote = byte == '"' || byte == '\\';
    if (byte >= 0x20 && byte < 0x7f && !(escape_quotes && quote)) {
      printable += static_cast<char>(byte);
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      printable += escaped;
    }
  }
  return printable;
}

}  // namespace

std::string printable_for_message(std::string_view text, std::size_t limit) {
  return escape_for_message(text, limit, false);
}

std::string quote_for_message(std::string_view text, std::size_t limit) {
  return "\"" + escape_for_message(text, limit, true) + "\"";
}

ike::Status check_name(std::string_view name) {
  if (name.empty()) return invalid("empty name");
  if (name.size() > kMaxNameLength) {
    return invalid("name is " + std::to_string(name.size()) + " characters, over the " +
                   std::to_string(kMaxNameLength) + "-character limit");
  }
  auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  };
  if (!std::all_of(name.begin(), name.end(), allowed)) {
    return invalid(quote_for_message(name) + " may only contain letters, digits, '.', '_' and '-'");
  }
  return {};
}

ike::Status check_log_level(std::string_view level) {
  if (std::find(kLogLevels.begin(), kLogLevels.end(), level) != kLogLevels.end()) return {};
  return invalid("unknown level " + quote_for_message(level) + " (expected " +
                 join(kLogLevels, " or ") + ")");
}

ike::Status check_log_subsystem(std::string_view subsystem) {
  if (std::find(kLogSubsystems.begin(), kLogSubsystems.end(), subsystem) != kLogSubsystems.end()) {
    return {};
  }
  return invalid("unknown subsystem " + quote_for_message(subsystem) + " (expected " +
                 join(kLogSubsystems, " or ") + ")");
}

ike::Result<Command> parse_request(std::string_view line) {
  if (line.size() > kMaxRequestBytes) {
    return invalid("request is " + std::to_string(line.size()) + " bytes, over the " +
                   std::to_string(kMaxRequestBytes) + "-byte limit");
  }
  auto fields = RequestFields::parse(line);
  if (!fields) return std::move(fields).error();
  if (!fields->has("command")) return invalid("missing field \"command\"");
  auto name = fields->string("command");
  if (!name) return std::move(name).error();
  const CommandShape* shape = find_shape(*name);
  if (shape == nullptr) {
    return invalid("unknown command " + quote_for_message(*name) + " (expected " +
                   join(kCommandNames, " or ") + ")");
  }
  if (auto status = check_field_set(*shape, *fields); !status) return std::move(status).error();
  return build_command(*name, *fields);
}

std::string_view command_name(const Command& command) {
  return kCommandNames[command.index()];
}

std::string encode_request(const Command& command) {
  nlohmann::json request = {{"command", command_name(command)}};
  std::visit(
      [&request](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, UpCommand>) {
          request["connection"] = c.connection;
          if (!c.child.empty()) request["child"] = c.child;
        } else if constexpr (std::is_same_v<T, DownCommand>) {
          request["connection"] = c.connection;
        } else if constexpr (std::is_same_v<T, StatusCommand>) {
          if (c.connection) request["connection"] = *c.connection;
        } else if constexpr (std::is_same_v<T, RekeyCommand>) {
          request["connection"] = c.connection;
          if (c.ike) request["ike"] = true;
        } else if constexpr (std::is_same_v<T, LogCommand>) {
          request["level"] = c.level;
          if (c.subsystem) request["subsystem"] = *c.subsystem;
        }
      },
      command);
  return request.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

ike::Status validate_command(const Command& command) {
  auto parsed = parse_request(encode_request(command));
  if (!parsed) return std::move(parsed).error();
  // A name the encoder had to replace (invalid UTF-8) parses to something else.
  if (!(*parsed == command)) return invalid("command does not survive encoding");
  return {};
}

std::string describe_command(const Command& command) {
  std::string words(command_name(command));
  auto add = [&words](std::string_view word) {
    words += ' ';
    words += word;
  };
  std::visit(
      [&add](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, UpCommand>) {
          add(c.connection);
          if (!c.child.empty()) add(c.child);
        } else if constexpr (std::is_same_v<T, DownCommand>) {
          add(c.connection);
        } else if constexpr (std::is_same_v<T, StatusCommand>) {
          if (c.connection) add(*c.connection);
        } else if constexpr (std::is_same_v<T, RekeyCommand>) {
          add(c.connection);
          if (c.ike) add("--ike");
        } else if constexpr (std::is_same_v<T, LogCommand>) {
          add(c.level);
          if (c.subsystem) add(*c.subsystem);
        }
      },
      command);
  return words;
}

}  // namespace ikev2d::control
