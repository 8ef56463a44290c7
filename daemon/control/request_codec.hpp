#pragma once
/// Requests on the control socket: the daemon's strict parser (untrusted
/// input from any process that can open the socket) and the client's encoder.

#include <string>
#include <string_view>

#include "control/command.hpp"
#include "ike/error.hpp"

namespace ikev2d::control {

/// Parses one request line (without its newline): at most kMaxRequestBytes,
/// one JSON object (UTF-8) whose "command" is one of up, down, status,
/// reload, list-conns, list-certs, rekey, log and whose other fields are
/// exactly those that command takes, each of the right type and value.
/// Duplicate or unknown fields are errors. The error's reason is written for
/// the {"type":"result","ok":false,"error":...} reply, e.g.
/// `field "connection": "a b" may only contain letters, digits, '.', '_' and '-'`.
ike::Result<Command> parse_request(std::string_view line);

/// The request line for `command` (compact JSON, no newline), such that
/// parse_request(encode_request(c)) == c for every valid command.
std::string encode_request(const Command& command);

/// Whether `command` would pass parse_request: the same field checks, for
/// clients that want to refuse a bad name before connecting.
ike::Status validate_command(const Command& command);

/// The command's protocol name: "up", "list-conns", ...
std::string_view command_name(const Command& command);

/// The command as an operator typed it, for messages: "up office net",
/// "status", "rekey office --ike", "log debug ike".
std::string describe_command(const Command& command);

/// Checks a connection or CHILD name: 1..kMaxNameLength of [A-Za-z0-9._-].
/// The reason does not name the field ("empty name"); callers prefix it.
ike::Status check_name(std::string_view name);

/// Checks a log level against kLogLevels ("unknown level \"x\" (expected ...)").
ike::Status check_log_level(std::string_view level);

/// Checks a log subsystem against kLogSubsystems.
ike::Status check_log_subsystem(std::string_view subsystem);

/// `text` in double quotes for an error message, non-printable bytes as \xNN,
/// cut to `limit` bytes with "..." so a hostile value cannot flood a reply.
std::string quote_for_message(std::string_view text, std::size_t limit = 64);

/// `text` with non-printable bytes as \xNN, cut to `limit` bytes.
std::string printable_for_message(std::string_view text, std::size_t limit = 160);

}  // namespace ikev2d::control
