#pragma once
/// Latency samples of one run and their summary. Percentiles are taken from
/// the measured samples themselves (nearest rank), never estimated.

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

namespace ikev2d::load {

struct LatencySummary {
  std::size_t count = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

class LatencySamples {
 public:
  void add(std::chrono::nanoseconds sample) { samples_.push_back(sample); }
  /// Adds another run's samples (one per worker thread of a run).
  void add(const LatencySamples& other) {
    samples_.insert(samples_.end(), other.samples_.begin(), other.samples_.end());
  }
  std::size_t size() const noexcept { return samples_.size(); }
  /// The nearest-rank percentile (0 < p <= 100): the smallest sample with at
  /// least p % of the samples at or below it. nullopt without samples.
  std::optional<std::chrono::nanoseconds> percentile(double p) const;
  LatencySummary summary() const;

 private:
  std::vector<std::chrono::nanoseconds> samples_;
};

}  // namespace ikev2d::load
