#pragma once
/// Protocol time. libike never reads a clock: `now` is always an argument.
/// Monotonic time (steady_clock) drives retransmissions, lifetimes and DPD;
/// wall-clock time (system_clock) is only for certificate validity, and the
/// two are different types so the compiler refuses to mix them.

#include <chrono>

namespace ike {

using MonoTime = std::chrono::steady_clock::time_point;
using WallTime = std::chrono::system_clock::time_point;
using Duration = std::chrono::milliseconds;

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

}  // namespace ike
