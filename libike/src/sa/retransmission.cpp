#include "ike/sa/retransmission.hpp"

#include <cmath>

namespace ike {

Duration retransmit_wait(const RetransmitPolicy& policy, int attempt) {
  double factor = std::pow(policy.base, attempt < 0 ? 0 : attempt);
  auto wait = Duration(static_cast<Duration::rep>(
      std::llround(static_cast<double>(policy.initial_timeout.count()) * factor)));
  if (policy.max_timeout > Duration::zero() && wait > policy.max_timeout) wait = policy.max_timeout;
  return wait;
}

Duration give_up_after(const RetransmitPolicy& policy) {
  Duration total = Duration::zero();
  for (int attempt = 0; attempt <= policy.tries; ++attempt)
    total += retransmit_wait(policy, attempt);
  return total;
}

}  // namespace ike
