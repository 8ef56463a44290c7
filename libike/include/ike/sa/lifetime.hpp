#pragma once
/// When SAs are rekeyed and when they expire, as strongSwan's ikelifetime /
/// lifetime / margintime / rekeyfuzz define it (ipsec.conf(5)):
///   rekey at   lifetime - (margin + random(0, margin * fuzz))
///   expire at  lifetime (the hard limit; the SA is deleted if not rekeyed)
/// With the defaults for a CHILD SA (1 h, 9 min, 100 %) a rekey falls 42 to
/// 51 minutes after the SA is set up.

#include <cstdint>
#include <optional>

#include "ike/random.hpp"
#include "ike/sa/time.hpp"

namespace ike {

struct LifetimePolicy {
  Duration lifetime = hours(1);
  Duration margin = minutes(9);
  /// rekeyfuzz in percent of `margin`; may exceed 100.
  std::uint32_t fuzz_percent = 100;
  /// rekey=no: the SA simply expires at `lifetime` (or is reauthenticated).
  bool rekey = true;

  friend bool operator==(const LifetimePolicy&, const LifetimePolicy&) = default;
};

struct LifetimeSchedule {
  /// Absent when rekeying is off.
  std::optional<Duration> rekey_after;
  Duration expire_after{};
};

/// Draws the fuzz from `random`, so tests pin it.
LifetimeSchedule schedule_lifetime(const LifetimePolicy& policy, RandomSource& random);

}  // namespace ike
