#pragma once
/// ikectl's command line: `ikectl [--socket PATH] [--json] COMMAND ...`.
/// Kept out of cli/ so the tests link it.

#include <span>
#include <string>
#include <string_view>

#include "control/command.hpp"
#include "ike/error.hpp"

namespace ikev2d::control {

struct IkectlInvocation {
  enum class Action { run, help, version };
  Action action = Action::run;
  std::string socket_path{kDefaultSocketPath};
  bool json = false;
  Command command;  ///< for Action::run
};

/// Parses the arguments after argv[0]. Options (--socket PATH,
/// --socket=PATH, --json, --help/-h, --version) may stand anywhere before
/// "--"; --ike only with rekey. Names are checked like the daemon checks
/// them. The error is the usage error's reason ("up: missing connection name").
ike::Result<IkectlInvocation> parse_ikectl_arguments(std::span<const std::string> arguments);

/// The complete `ikectl --help` text.
extern const std::string_view kIkectlHelp;

}  // namespace ikev2d::control
