#pragma once
/// The invariant of the engine property test (property_run.hpp), computed
/// from what each engine reports (IkeSa, ChildSa) and what each fake kernel
/// holds, never from the engine's own "installed" flags: the kernel must hold
/// what the live CHILD SAs need, whatever the engine believes it did.

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "support/two_peer_harness.hpp"

namespace ike::test {

/// Kernel SAs and policies that no CHILD SA of `peer`'s engine (in any state)
/// accounts for: a leak. Holds between any two inputs.
std::vector<std::string> unclaimed_kernel_state(HarnessPeer& peer, std::string_view who);

/// Why the two engines are not quiet: a datagram on the link, an IKE SA not
/// established, an exchange in flight or queued, a CHILD SA not installed.
/// Empty when quiet.
std::string unquiet(TwoPeerHarness& h);

/// Checks 1-3 of property_run.hpp on quiet engines.
std::vector<std::string> final_mismatches(TwoPeerHarness& h);

/// Check 5 of property_run.hpp (liveness): when both peers hold an IKE SA,
/// each CHILD config named in `wanted` (brought up and not ended since) has
/// at least one CHILD SA at peer a (check 2 gives peer b its twin).
std::vector<std::string> missing_children(TwoPeerHarness& h, const std::set<std::string>& wanted);

}  // namespace ike::test
