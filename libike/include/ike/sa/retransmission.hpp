#pragma once
/// When an unanswered request is sent again, as a pure function of the attempt
/// number (STYLE.md 6). The defaults are strongSwan's (retransmit_timeout 4 s,
/// retransmit_base 1.8, retransmit_tries 5), so a peer that is gone is given up
/// on after the same 165 s operators already expect:
///
/// | send                | waits before the next step | total since first send |
/// |---------------------|----------------------------|------------------------|
/// | original            | 4.0 s                      | 4.0 s                  |
/// | retransmission 1    | 7.2 s                      | 11.2 s                 |
/// | retransmission 2    | 13.0 s                     | 24.2 s                 |
/// | retransmission 3    | 23.3 s                     | 47.5 s                 |
/// | retransmission 4    | 42.0 s                     | 89.5 s                 |
/// | retransmission 5    | 75.6 s, then give up       | 165.1 s                |

#include <optional>

#include "ike/sa/time.hpp"

namespace ike {

struct RetransmitPolicy {
  Duration initial_timeout = milliseconds(4000);
  double base = 1.8;
  /// Retransmissions after the original send.
  int tries = 5;
  /// No single wait grows beyond this (strongSwan's retransmit_limit; 0 = none).
  Duration max_timeout = Duration::zero();

  friend bool operator==(const RetransmitPolicy&, const RetransmitPolicy&) = default;
};

/// How long to wait after send number `attempt` (0 = the original) before the
/// next retransmission, or before giving up when `attempt == policy.tries`.
Duration retransmit_wait(const RetransmitPolicy& policy, int attempt);

/// True when send number `attempt` has gone unanswered for its whole wait and
/// no retransmission is left.
inline bool retransmits_exhausted(const RetransmitPolicy& policy, int attempt) {
  return attempt >= policy.tries;
}

/// The time from the original send until the exchange is given up.
Duration give_up_after(const RetransmitPolicy& policy);

}  // namespace ike
