#pragma once
/// One seed of the engine property test (property_test.cpp). The seed draws a
/// link (loss up to 10 %, duplication, reordering, corruption, short
/// outages), lifetimes, PFS or not, and a stream of operations from both
/// peers over simulated time: bring up the IKE SA or a second CHILD SA,
/// rekey the CHILD SAs or the IKE SA, kernel soft and hard expires (a hard
/// one removes the SA in the kernel, as XFRM does, and deletes the CHILD SA),
/// delete the IKE SA and bring it up again. Then the faults stop, time passes
/// until both engines are quiet, and the invariant is checked:
///  1. both engines hold the same established IKE SAs (SPI pairs), or none;
///  2. of each, the same CHILD SAs (our inbound SPI is the peer's outbound
///     one, same config, mirrored selectors, same algorithms);
///  3. each fake kernel holds exactly the inbound and outbound SAs and the
///     policies of the live CHILD SAs of its engine (none leaked, none
///     missing, no allocated SPI left), and each outbound SA has the peer's
///     inbound twin with the same key;
///  4. no exchange is stuck: the engines become quiet in bounded time;
///  5. liveness: when both peers hold an IKE SA, every CHILD config brought
///     up (initiate) and not ended since (no ike_down/failed of an IKE SA,
///     no child_down/failed of that CHILD on either peer) has a CHILD SA.
///     Both peers initiating at once must not leave IKE SAs without it.
/// Between any two inputs, each kernel SA and policy must belong to a CHILD
/// SA the engine knows (a leak shows up when it happens, not only at the end).

#include <cstdint>
#include <string>
#include <vector>

#include "support/two_peer_harness.hpp"

namespace ike::test {

/// What a seed decides before the run starts.
struct PropertyScenario {
  std::uint64_t seed = 0;
  LinkImpairments link;
  /// Chance per operation slot of a short outage (one or both directions).
  double outage_chance = 0;
  /// ESP proposals of both CHILD configs ("" = defaults, no PFS).
  std::string esp;
  /// dpd_action=restart on both peers: a peer that gives up on the other
  /// brings the connection up again (otherwise clear).
  bool restart = false;
  LifetimePolicy child_lifetime_a, child_lifetime_b;
  LifetimePolicy ike_lifetime_a, ike_lifetime_b;
  /// How long operations and faults go on.
  Duration active = Duration::zero();
  /// Mean time between two operations.
  Duration mean_gap = Duration::zero();

  std::string describe() const;
};

PropertyScenario draw_scenario(std::uint64_t seed);

/// The result of one seed.
struct PropertyOutcome {
  /// Empty when the invariant holds.
  std::vector<std::string> violations;
  /// Every operation with its time, for failure messages.
  std::vector<std::string> operations;
  /// At the end, at peer a (equal on both peers when the invariant holds).
  std::size_t ike_sas = 0;
  std::size_t child_sas = 0;
  /// IKE SAs given up on after every retransmission of a request went
  /// unanswered (legitimate under loss and outages), on either peer.
  std::size_t give_ups = 0;
  /// Both peers' events and the link trace (run_property_seed's `with_dump`).
  std::string dump;

  std::string report() const;
};

/// Runs `seed`; `with_dump` fills PropertyOutcome::dump.
PropertyOutcome run_property_seed(std::uint64_t seed, bool with_dump);

}  // namespace ike::test
