#include "scheduled_work.hpp"

#include "tasks/liveness.hpp"

namespace ike::sa {

namespace {
void consider(std::optional<MonoTime>& earliest, std::optional<MonoTime> when) {
  if (when && (!earliest || *when < *earliest)) earliest = when;
}
}  // namespace

std::optional<std::string> run_scheduled_work(IkeSa& sa, Services& services) {
  if (sa.state != IkeState::established) return std::nullopt;
  // The hard lifetime: an IKE SA that was not rekeyed in time goes away.
  if (sa.expire_at && services.now >= *sa.expire_at) {
    return std::string("IKE SA lifetime expired");
  }
  // Last, so a rekey or other exchange queued above makes the check unneeded.
  schedule_liveness_check(sa, services);
  return std::nullopt;
}

std::optional<MonoTime> scheduled_deadline(const IkeSa& sa) {
  std::optional<MonoTime> earliest;
  if (sa.state != IkeState::established) return earliest;
  consider(earliest, sa.expire_at);
  consider(earliest, liveness_due(sa));
  return earliest;
}

}  // namespace ike::sa
