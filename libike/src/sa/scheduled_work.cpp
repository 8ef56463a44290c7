#include "scheduled_work.hpp"

#include "child_replacement.hpp"
#include "tasks/liveness.hpp"
#include "tasks/tasks.hpp"

namespace ike::sa {

void keep_earliest(std::optional<MonoTime>& earliest, std::optional<MonoTime> when) {
  if (when && (!earliest || *when < *earliest)) earliest = when;
}

namespace {

/// An IKE SA a rekey replaced waits for the rekey initiator's D(IKE) (RFC
/// 7296 2.18); the IKE rekey task gives it a deadline in case none comes.
std::optional<std::string> drop_replaced_sa(const IkeSa& sa, const Services& services) {
  if (sa.expire_at && services.now >= *sa.expire_at) {
    return std::string("replaced IKE SA was not deleted by the peer");
  }
  return std::nullopt;
}

/// The IKE SA's soft lifetime: rekey it (RFC 7296 2.18), once.
void rekey_ike_sa_when_due(IkeSa& sa, Services& services) {
  if (!sa.rekey_at || services.now < *sa.rekey_at) return;
  sa.rekey_at.reset();
  services.log(sa, LogLevel::info, "IKE SA reached its rekey time");
  sa.queued.push_back(make_ike_rekey_initiator());
}

bool child_lives(const ChildSa& child) {
  return child.state == ChildState::installed || child.state == ChildState::rekeyed;
}

/// Each CHILD SA's hard lifetime deletes it, its soft one rekeys it.
void run_child_lifetimes(IkeSa& sa, Services& services) {
  std::vector<std::uint32_t> expired, due;
  for (const auto& child : sa.children) {
    if (child_lives(child) && services.now >= child.expire_at) {
      expired.push_back(child.serial);
    } else if (child.rekey_at && services.now >= *child.rekey_at) {
      due.push_back(child.serial);
    }
  }
  // Ending a replaced CHILD SA removes it from sa.children: by serial.
  for (auto serial : expired) {
    if (auto* child = sa.find_child(serial)) {
      queue_child_delete(sa, *child, services, "lifetime expired");
    }
  }
  for (auto serial : due) {
    if (auto* child = sa.find_child(serial)) queue_child_rekey(sa, *child, services, "lifetime");
  }
}

std::optional<MonoTime> child_deadline(const IkeSa& sa) {
  std::optional<MonoTime> earliest;
  for (const auto& child : sa.children) {
    if (child_lives(child)) keep_earliest(earliest, child.expire_at);
    if (child.state == ChildState::installed) keep_earliest(earliest, child.rekey_at);
  }
  return earliest;
}
}  // namespace

bool queue_child_rekey(IkeSa& sa, ChildSa& child, Services& services, const std::string& why) {
  if (child.state != ChildState::installed) return false;
  child.rekey_at.reset();  // until a failed rekey schedules a retry
  services.log(sa, LogLevel::info,
               "rekeying CHILD SA '" + child.name() + "' #" + std::to_string(child.serial) + " (" +
                   why + ")");
  sa.queued.push_back(make_child_rekey_initiator(child.serial));
  return true;
}

bool queue_child_delete(IkeSa& sa, ChildSa& child, Services& services, const std::string& why) {
  if (!child_lives(child)) return false;
  bool replaced = child.state == ChildState::rekeyed;
  if (replaced) {
    // A rekey replaced it and its initiator deletes it once the rekey is
    // complete (RFC 7296 2.8). A Delete from us now could cross the peer's
    // rekey of it and would then read as "delete the CHILD SA" (2.25.1), and
    // the peer would drop the new one too. Its time is up: it goes quietly,
    // and the peer's Delete, if it still comes, finds nothing.
    retire_child(sa, child.serial, services, why + " before the peer deleted it",
                 /*announce=*/false);
    return true;
  }
  child.state = ChildState::deleting;  // queued once; a rekey request for it gets TEMPORARY_FAILURE
  services.log(sa, LogLevel::info,
               "deleting CHILD SA '" + child.name() + "' #" + std::to_string(child.serial) + " (" +
                   why + ")");
  sa.queued.push_back(make_child_delete_initiator(child.serial, why, replaced));
  return true;
}

std::optional<std::string> run_scheduled_work(IkeSa& sa, Services& services) {
  if (sa.state == IkeState::rekeyed) return drop_replaced_sa(sa, services);
  if (sa.state != IkeState::established) return std::nullopt;
  // The hard lifetime: an IKE SA that was not rekeyed in time goes away.
  if (sa.expire_at && services.now >= *sa.expire_at) {
    return std::string("IKE SA lifetime expired");
  }
  rekey_ike_sa_when_due(sa, services);
  run_child_lifetimes(sa, services);
  // Last, so a rekey or other exchange queued above makes the check unneeded.
  schedule_liveness_check(sa, services);
  return std::nullopt;
}

std::optional<MonoTime> scheduled_deadline(const IkeSa& sa) {
  std::optional<MonoTime> earliest;
  if (sa.state == IkeState::rekeyed) return sa.expire_at;
  if (sa.state != IkeState::established) return earliest;
  keep_earliest(earliest, sa.expire_at);
  keep_earliest(earliest, sa.rekey_at);
  keep_earliest(earliest, child_deadline(sa));
  keep_earliest(earliest, liveness_due(sa));
  return earliest;
}

}  // namespace ike::sa
