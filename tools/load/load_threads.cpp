#include "load/load_threads.hpp"

#include <algorithm>

namespace ikev2d::load {

namespace {

/// Part `index` of `total` split `parts` ways, the first ones one larger.
std::uint64_t share_of(std::uint64_t total, std::uint64_t parts, std::uint64_t index) {
  return total / parts + (index < total % parts ? 1 : 0);
}

void add_outcomes(Outcomes& sum, const Outcomes& part) {
  sum.attempted += part.attempted;
  sum.succeeded += part.succeeded;
  sum.failed += part.failed;
  for (const auto& [reason, count] : part.failures)
    sum.failures[reason] += count;
}

}  // namespace

std::vector<WorkerShare> split_load(const DriverSettings& settings,
                                    const std::vector<ike::sa::Endpoint>& sources,
                                    std::uint64_t threads) {
  std::uint64_t workers = std::min<std::uint64_t>({threads, sources.size(), settings.count});
  workers = std::max<std::uint64_t>(workers, 1);
  std::vector<WorkerShare> shares(workers);
  for (std::uint64_t i = 0; i < workers; ++i) {
    auto& share = shares[i];
    share.settings = settings;
    share.settings.count = share_of(settings.count, workers, i);
    // At least one in flight each, or a worker would never start.
    share.settings.concurrency =
        std::max<std::uint64_t>(share_of(settings.concurrency, workers, i), 1);
    share.settings.rate = settings.rate / static_cast<double>(workers);
  }
  for (std::size_t j = 0; j < sources.size(); ++j)
    shares[j % workers].sources.push_back(sources[j]);
  return shares;
}

LoadReport combine_reports(const std::vector<const LoadDriver*>& drivers) {
  LoadReport combined;
  LatencySamples ike_latency;
  LatencySamples child_latency;
  for (const LoadDriver* driver : drivers) {
    LoadReport part = driver->report();
    combined.requested += part.requested;
    add_outcomes(combined.ike, part.ike);
    add_outcomes(combined.child, part.child);
    add_outcomes(combined.rekey, part.rekey);
    add_outcomes(combined.down, part.down);
    combined.ike_lost += part.ike_lost;
    combined.cookies_received += part.cookies_received;
    combined.interrupted = combined.interrupted || part.interrupted;
    combined.establish_seconds = std::max(combined.establish_seconds, part.establish_seconds);
    combined.rekey_seconds = std::max(combined.rekey_seconds, part.rekey_seconds);
    combined.down_seconds = std::max(combined.down_seconds, part.down_seconds);
    combined.wall_seconds = std::max(combined.wall_seconds, part.wall_seconds);
    ike_latency.add(driver->ike_latency_samples());
    child_latency.add(driver->child_latency_samples());
  }
  combined.ike_latency = ike_latency.summary();
  combined.child_latency = child_latency.summary();
  if (combined.establish_seconds > 0) {
    combined.handshakes_per_second =
        static_cast<double>(combined.ike.succeeded) / combined.establish_seconds;
  }
  return combined;
}

}  // namespace ikev2d::load
