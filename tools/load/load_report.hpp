#pragma once
/// What one ikev2d-load run measured, as text for people and as one JSON
/// object (--json) for scripts. IKE SAs and CHILD SAs are counted apart: on a
/// kernel without ESP the responder refuses every CHILD SA while the IKE SAs
/// come up fine, and a run must show both facts.

#include <cstdint>
#include <map>
#include <string>

#include "load/latency.hpp"

namespace ikev2d::load {

/// Outcomes of one kind of operation; failures by reason (the engine's
/// `failed` event text, or what the tool saw: "timed out").
struct Outcomes {
  std::uint64_t attempted = 0;
  std::uint64_t succeeded = 0;
  std::uint64_t failed = 0;
  std::map<std::string, std::uint64_t> failures;
  void fail(const std::string& reason) {
    ++failed;
    ++failures[reason];
  }
};

struct LoadReport {
  std::uint64_t requested = 0;
  Outcomes ike;    ///< IKE SAs (IKE_SA_INIT + IKE_AUTH)
  Outcomes child;  ///< the CHILD SA of each established IKE SA
  Outcomes rekey;  ///< --rekey: IKE SA rekeys
  Outcomes down;   ///< --down: IKE SA deletes
  /// Established IKE SAs that went down without being asked to (a Delete
  /// from the responder, DPD, INITIAL_CONTACT of another one).
  std::uint64_t ike_lost = 0;
  /// Initiate -> IKE SA up, and initiate -> CHILD SA up.
  LatencySummary ike_latency;
  LatencySummary child_latency;
  /// From the first initiation to the last handshake that ended.
  double establish_seconds = 0;
  /// Established IKE SAs per second over establish_seconds.
  double handshakes_per_second = 0;
  double rekey_seconds = 0;
  double down_seconds = 0;
  double wall_seconds = 0;
  /// ikev2d-load's own CPU time (user + system): when it nears wall time
  /// times the cores it may use, the tool, not the responder, is the limit.
  double tool_cpu_seconds = 0;
  /// IKE_SA_INIT answers that asked for a cookie (RFC 7296 2.6): the
  /// responder's DoS protection engaged. The engine answers them; those
  /// handshakes still count as established.
  std::uint64_t cookies_received = 0;
  /// The run was interrupted (SIGINT/SIGTERM).
  bool interrupted = false;
};

std::string to_text(const LoadReport& report);
std::string to_json(const LoadReport& report);

}  // namespace ikev2d::load
