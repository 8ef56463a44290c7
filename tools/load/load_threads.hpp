#pragma once
/// ikev2d-load --threads N: the run split over N workers, each a LoadDriver
/// (its own engine) on its own UdpRunner and thread, so that the initiator's
/// half of the cryptography does not cap what a responder on several cores
/// can show. Workers share nothing while they run: each has its own
/// endpoints, its own tunnels and its own credentials, and the one report is
/// combined from theirs at the end.

#include <cstdint>
#include <vector>

#include "ike/sa/endpoint.hpp"
#include "load/load_driver.hpp"
#include "load/load_report.hpp"

namespace ikev2d::load {

struct WorkerShare {
  DriverSettings settings;
  std::vector<ike::sa::Endpoint> sources;
};

/// Splits the run over at most `threads` workers, never more than there are
/// source endpoints or IKE SAs. Endpoint j goes to worker j mod workers, so
/// a worker's share keeps the address-major order; counts and concurrency
/// differ by at most one between workers, the rate is divided evenly.
std::vector<WorkerShare> split_load(const DriverSettings& settings,
                                    const std::vector<ike::sa::Endpoint>& sources,
                                    std::uint64_t threads);

/// One report from the workers': outcomes and counters added, latency
/// percentiles over every worker's samples, phase durations of the slowest
/// worker (they start together), handshakes/s over that duration.
LoadReport combine_reports(const std::vector<const LoadDriver*>& drivers);

}  // namespace ikev2d::load
