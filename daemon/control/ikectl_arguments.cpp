#include "control/ikectl_arguments.hpp"

#include <optional>
#include <utility>
#include <vector>

#include "control/request_codec.hpp"

namespace ikev2d::control {

const std::string_view kIkectlHelp =
    R"(Usage: ikectl [--socket PATH] [--json] COMMAND [ARGUMENTS]

Control a running ikev2d (IKEv2 daemon) over its control socket.

Commands:
  up NAME [CHILD]      Initiate connection NAME (its CHILD SA CHILD, or its
                       first one) and show the negotiation's log lines as they
                       happen, until the CHILD SA is installed or the
                       negotiation fails.
  down NAME            Delete the IKE SA of connection NAME and its CHILD SAs.
  status [NAME]        Show the IKE SAs (of connection NAME, or all) and their
                       CHILD SAs: state, endpoints and identities, SPIs,
                       algorithms, traffic counters, rekey times, traffic
                       selectors.
  reload               Read the configuration and secrets again; connections
                       that did not change keep their SAs.
  list-conns           Show the loaded connections.
  list-certs           Show the loaded certificates.
  rekey NAME [--ike]   Rekey the CHILD SAs of connection NAME, or with --ike
                       its IKE SA.
  log LEVEL [SUBSYSTEM]
                       Set the daemon's log level, for every subsystem or
                       for one. LEVEL: debug, info, warning, error.
                       SUBSYSTEM: ike (IKE exchanges and SAs), cfg
                       (configuration and credentials), knl (kernel XFRM
                       interface), net (UDP sockets and NAT traversal), ctl
                       (control socket), updown (updown scripts).
  help                 Show this text.

Names (connections and CHILD SAs) are 1 to 64 characters of letters, digits,
'.', '_' and '-'.

Options:
  --socket PATH        Connect to PATH instead of /run/ikev2d/ikev2d.sock.
  --json               Print the daemon's reply lines as they arrive, one
                       JSON object per line, instead of text.
  -h, --help           Show this text.
  --version            Show ikectl's version.

Exit status:
  0  the command succeeded
  1  the command failed (the reason is printed on standard error), or ikev2d
     could not be reached
  2  the command line was wrong

Examples:
  ikectl up office
  ikectl status
  ikectl --json status office
  ikectl rekey office --ike
  ikectl log debug knl
)";

namespace {

ike::Error usage(std::string reason) {
  return ike::make_error(ike::Errc::invalid_argument, std::move(reason));
}

/// The words after the command, with the command's own flag (--ike) apart.
struct Words {
  std::string command;
  std::vector<std::string> arguments;
  bool ike = false;
};

ike::Status expect_count(const Words& words, std::size_t min, std::size_t max,
                         std::string_view missing) {
  if (words.arguments.size() < min)
    return usage(words.command + ": missing " + std::string(missing));
  if (words.arguments.size() > max) {
    return usage(words.command + ": unexpected argument '" + words.arguments[max] + "'");
  }
  return {};
}

ike::Status check_named(std::string_view what, std::string_view name) {
  auto status = check_name(name);
  if (!status) return usage("invalid " + std::string(what) + ": " + status.error().reason);
  return {};
}

/// The daemon's own checks, so a bad name is a usage error before connecting.
ike::Status check_arguments(const Command& command) {
  if (const auto* up = std::get_if<UpCommand>(&command)) {
    if (auto status = check_named("connection name", up->connection); !status) return status;
    if (!up->child.empty()) return check_named("CHILD name", up->child);
    return {};
  }
  if (const auto* down = std::get_if<DownCommand>(&command)) {
    return check_named("connection name", down->connection);
  }
  if (const auto* status = std::get_if<StatusCommand>(&command)) {
    return status->connection ? check_named("connection name", *status->connection) : ike::Status{};
  }
  if (const auto* rekey = std::get_if<RekeyCommand>(&command)) {
    return check_named("connection name", rekey->connection);
  }
  if (const auto* log = std::get_if<LogCommand>(&command)) {
    if (auto status = check_log_level(log->level); !status) return status;
    if (log->subsystem) return check_log_subsystem(*log->subsystem);
  }
  return {};
}

ike::Result<Command> build_command(const Words& words) {
  const auto& name = words.command;
  const auto& args = words.arguments;
  if (words.ike && name != "rekey") return usage("--ike is only for rekey");
  ike::Status count;
  Command command;
  if (name == "up") {
    count = expect_count(words, 1, 2, "connection name");
    if (count && args.size() > 1 && args[1].empty())
      return usage("up: invalid CHILD name: empty name");
    if (count) command = UpCommand{args[0], args.size() > 1 ? args[1] : ""};
  } else if (name == "down") {
    count = expect_count(words, 1, 1, "connection name");
    if (count) command = DownCommand{args[0]};
  } else if (name == "status") {
    count = expect_count(words, 0, 1, "");
    if (count) command = StatusCommand{args.empty() ? std::nullopt : std::optional(args[0])};
  } else if (name == "reload" || name == "list-conns" || name == "list-certs") {
    count = expect_count(words, 0, 0, "");
    if (name == "reload") command = ReloadCommand{};
    if (name == "list-conns") command = ListConnectionsCommand{};
    if (name == "list-certs") command = ListCertificatesCommand{};
  } else if (name == "rekey") {
    count = expect_count(words, 1, 1, "connection name");
    if (count) command = RekeyCommand{args[0], words.ike};
  } else if (name == "log") {
    count = expect_count(words, 1, 2, "level (debug, info, warning or error)");
    if (count) {
      command = LogCommand{args[0], args.size() > 1 ? std::optional(args[1]) : std::nullopt};
    }
  } else {
    return usage("unknown command '" + name + "'");
  }
  if (!count) return std::move(count).error();
  if (auto valid = check_arguments(command); !valid) {
    return usage(name + ": " + valid.error().reason);
  }
  return command;
}

}  // namespace

ike::Result<IkectlInvocation> parse_ikectl_arguments(std::span<const std::string> arguments) {
  IkectlInvocation invocation;
  std::optional<Words> words;
  bool options_ended = false;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    const std::string& argument = arguments[i];
    bool option = !options_ended && argument.size() > 1 && argument[0] == '-';
    if (!option) {
      if (!words) {
        words = Words{argument, {}, false};
      } else {
        words->arguments.push_back(argument);
      }
      continue;
    }
    if (argument == "--") {
      options_ended = true;
    } else if (argument == "-h" || argument == "--help") {
      invocation.action = IkectlInvocation::Action::help;
      return invocation;
    } else if (argument == "--version") {
      invocation.action = IkectlInvocation::Action::version;
      return invocation;
    } else if (argument == "--json") {
      invocation.json = true;
    } else if (argument == "--ike") {
      if (!words) return usage("--ike is only for rekey");
      words->ike = true;
    } else if (argument == "--socket") {
      if (i + 1 == arguments.size() || arguments[i + 1].empty()) {
        return usage("--socket needs a path");
      }
      invocation.socket_path = arguments[++i];
    } else if (argument.starts_with("--socket=")) {
      invocation.socket_path = argument.substr(9);
      if (invocation.socket_path.empty()) return usage("--socket needs a path");
    } else {
      return usage("unknown option '" + argument + "'");
    }
  }
  if (!words) return usage("missing command");
  if (words->command == "help") {
    invocation.action = IkectlInvocation::Action::help;
    return invocation;
  }
  auto command = build_command(*words);
  if (!command) return std::move(command).error();
  invocation.command = std::move(*command);
  return invocation;
}

}  // namespace ikev2d::control
