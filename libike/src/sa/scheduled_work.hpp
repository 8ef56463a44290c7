#pragma once
/// Work that falls due with time on an IKE SA (rekeys, expiries, liveness
/// checks): the engine calls run_scheduled_work() from its timer and asks
/// scheduled_deadline() for its next wake-up. Kept apart from the engine so
/// each timer-driven behaviour is one function here.

#include <optional>

#include "ike/sa/ike_sa.hpp"
#include "ike/sa/task.hpp"

namespace ike::sa {

/// Queues the tasks whose time has come (the engine starts them) or tears
/// down what has expired. Returns a reason when the IKE SA must be destroyed.
std::optional<std::string> run_scheduled_work(IkeSa& sa, Services& services);

/// Lowers `earliest` to `when` when that is sooner (absent: no deadline).
void keep_earliest(std::optional<MonoTime>& earliest, std::optional<MonoTime> when);

/// The earliest time run_scheduled_work() has something to do for `sa`.
std::optional<MonoTime> scheduled_deadline(const IkeSa& sa);

/// Queues a rekey of an installed CHILD SA (its soft lifetime, from our timer
/// or the kernel). False when it is not installed (being rekeyed, replaced or
/// deleted already).
bool queue_child_rekey(IkeSa& sa, ChildSa& child, Services& services, const std::string& why);
/// Queues the delete of a CHILD SA at its hard lifetime; one a rekey replaced
/// is removed at once and quietly instead (no Delete: the peer's own rekey
/// may be crossing it). False when it is being deleted already.
bool queue_child_delete(IkeSa& sa, ChildSa& child, Services& services, const std::string& why);

}  // namespace ike::sa
