#pragma once
/// Limits answers sent without state to unauthenticated messages (the
/// INVALID_IKE_SPI notify of RFC 7296 2.21.4): at most one per source address
/// per interval and at most `budget` in all per interval. Addresses are
/// remembered only for the interval after the answer, and answers are capped
/// by the budget, so memory stays below two intervals' budget however many
/// spoofed sources there are.

#include <cstddef>
#include <optional>
#include <unordered_map>

#include "ike/sa/time.hpp"
#include "ike/ts/ip_address.hpp"

namespace ike::sa {

class ReplyRateLimiter {
 public:
  ReplyRateLimiter(Duration interval, std::size_t budget) : interval_(interval), budget_(budget) {}

  /// True when an answer to `address` may go out at `now`; it is counted.
  bool allow(const IpAddress& address, MonoTime now);
  /// Addresses remembered.
  std::size_t remembered() const noexcept { return last_answer_.size(); }

 private:
  void start_interval(MonoTime now);

  Duration interval_;
  std::size_t budget_;
  std::unordered_map<IpAddress, MonoTime> last_answer_;
  std::optional<MonoTime> interval_start_;
  std::size_t answers_in_interval_ = 0;
};

}  // namespace ike::sa
