#include "ike/sa/lifetime.hpp"

#include <algorithm>
#include <array>

namespace ike {

namespace {
/// Uniform in [0, bound] from eight random bytes; the modulo bias of a 64-bit
/// draw against a bound in milliseconds is negligible for a timer.
Duration::rep uniform_up_to(Duration::rep bound, RandomSource& random) {
  if (bound <= 0) return 0;
  std::array<std::uint8_t, 8> bytes{};
  random.fill(bytes);
  std::uint64_t value = 0;
  for (auto byte : bytes)
    value = value << 8 | byte;
  return static_cast<Duration::rep>(value % (static_cast<std::uint64_t>(bound) + 1));
}
}  // namespace

LifetimeSchedule schedule_lifetime(const LifetimePolicy& policy, RandomSource& random) {
  LifetimeSchedule schedule;
  schedule.expire_after = policy.lifetime;
  if (!policy.rekey) return schedule;
  auto fuzz_range = policy.margin.count() * static_cast<Duration::rep>(policy.fuzz_percent) / 100;
  auto before_end = policy.margin.count() + uniform_up_to(fuzz_range, random);
  // A margin larger than the lifetime would rekey in the past; rekey at once instead.
  schedule.rekey_after = Duration(std::max<Duration::rep>(policy.lifetime.count() - before_end, 0));
  return schedule;
}

}  // namespace ike
