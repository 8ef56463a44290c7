#pragma once
/// ikectl as a function of its arguments and output streams, so tests can
/// run it in-process against a ControlServer; cli/main.cpp only forwards.

#include <ostream>
#include <span>
#include <string>
#include <string_view>

namespace ikev2d::control {

/// Exit statuses: kIkectlOk, kIkectlFailed (the daemon refused, or could not
/// be reached), kIkectlUsage (a wrong command line).
inline constexpr int kIkectlOk = 0;
inline constexpr int kIkectlFailed = 1;
inline constexpr int kIkectlUsage = 2;

/// Runs `ikectl <arguments>`: reply lines go to `out` as they arrive
/// (flushed per line), errors to `err` as one line "ikectl: ...". Returns
/// the exit status.
int run_ikectl(std::span<const std::string> arguments, std::ostream& out, std::ostream& err,
               std::string_view version);

}  // namespace ikev2d::control
