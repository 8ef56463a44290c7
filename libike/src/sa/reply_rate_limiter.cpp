#include "reply_rate_limiter.hpp"

#include <iterator>

namespace ike::sa {

void ReplyRateLimiter::start_interval(MonoTime now) {
  interval_start_ = now;
  answers_in_interval_ = 0;
  // Only answers of the last interval still hold an address back.
  for (auto it = last_answer_.begin(); it != last_answer_.end();) {
    it = now - it->second >= interval_ ? last_answer_.erase(it) : std::next(it);
  }
}

bool ReplyRateLimiter::allow(const IpAddress& address, MonoTime now) {
  if (!interval_start_ || now - *interval_start_ >= interval_) start_interval(now);
  if (auto it = last_answer_.find(address);
      it != last_answer_.end() && now - it->second < interval_) {
    return false;
  }
  if (answers_in_interval_ >= budget_) return false;
  ++answers_in_interval_;
  last_answer_[address] = now;
  return true;
}

}  // namespace ike::sa
