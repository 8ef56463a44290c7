#pragma once
/// Liveness checks (RFC 7296 2.4, strongSwan's dpddelay/dpdaction): an empty
/// INFORMATIONAL request when nothing was heard from the peer for the
/// connection's dpd_delay; if it goes unanswered (the engine's retransmissions
/// are exhausted) the IKE SA is destroyed and the dpd_action of each CHILD SA
/// says what follows.

#include <memory>
#include <optional>
#include <vector>

#include "ike/sa/retransmission.hpp"
#include "ike/sa/task.hpp"

namespace ike::sa {

/// An empty INFORMATIONAL request; any authenticated answer proves the peer alive.
std::unique_ptr<Task> make_liveness_initiator();

/// When a liveness check falls due for `sa`: dpd_delay after the last message
/// heard, on an established SA with no exchange of its own under way (a
/// request in flight already tells whether the peer is alive). nullopt when
/// no check is pending or dpd_delay is 0.
std::optional<MonoTime> liveness_due(const IkeSa& sa);

/// Queues a liveness check if one is due at `services.now`.
void schedule_liveness_check(IkeSa& sa, Services& services);

/// The retransmissions of a liveness check: the connection's policy, its
/// waits scaled down so that the check is given up dpd_timeout after the
/// first send when that is shorter than the policy's own give-up time
/// (Connection::dpd_timeout; zero leaves the policy as it is).
RetransmitPolicy liveness_retransmit_policy(const Connection& connection);

/// The policy for the request `sa` has in flight (or is about to send):
/// liveness_retransmit_policy for a liveness check, else the connection's.
RetransmitPolicy request_retransmit_policy(const IkeSa& sa);

/// What the engine does after it gave up on an established peer.
struct DeadPeerPlan {
  /// Re-initiate the connection (dpd_action=restart): these CHILD configs,
  /// the first one with IKE_AUTH. Empty with `restart` true: IKE SA only.
  bool restart = false;
  std::vector<const ChildConfig*> restart_children;
};

/// Decides per CHILD SA what its dpd_action (or the connection's, when the SA
/// has no CHILD SA) asks for and publishes one event per decision:
///  - clear:   the CHILD SA is removed with the IKE SA, nothing else.
///  - hold:    removed too; the event (EventKind::log, info, carrying the
///             CHILD SA's serial) starts with "dpd_action=hold" and names the
///             CHILD config: the hook where the daemon installs trap
///             policies (auto=route), which is not the engine's business.
///  - restart: the connection is initiated again with this CHILD config.
/// Call before the IKE SA is destroyed; it changes nothing in the kernel.
DeadPeerPlan plan_dead_peer(const IkeSa& sa, Services& services);

}  // namespace ike::sa
