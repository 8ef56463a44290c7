#include "load/latency.hpp"

#include <algorithm>
#include <cmath>

namespace ikev2d::load {

namespace {

double milliseconds(std::chrono::nanoseconds value) {
  return std::chrono::duration<double, std::milli>(value).count();
}

}  // namespace

std::optional<std::chrono::nanoseconds> LatencySamples::percentile(double p) const {
  if (samples_.empty()) return std::nullopt;
  std::vector<std::chrono::nanoseconds> sorted = samples_;
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(rank - 1),
                   sorted.end());
  return sorted[rank - 1];
}

LatencySummary LatencySamples::summary() const {
  LatencySummary summary;
  summary.count = samples_.size();
  if (samples_.empty()) return summary;
  summary.p50_ms = milliseconds(*percentile(50));
  summary.p99_ms = milliseconds(*percentile(99));
  summary.max_ms = milliseconds(*std::max_element(samples_.begin(), samples_.end()));
  return summary;
}

}  // namespace ikev2d::load
