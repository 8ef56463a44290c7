/// Time on the IKE SAs: half-open timeouts, retransmits and giving up on a
/// peer (RFC 7296 2.4), then the scheduled work (rekeys, expiries, liveness;
/// scheduled_work.cpp), and the engine's next deadline.

#include "engine_impl.hpp"
#include "nat_keepalive.hpp"
#include "scheduled_work.hpp"
#include "tasks/liveness.hpp"
#include "tasks/tasks.hpp"

namespace ike::sa {

void Engine::Impl::run_timers(MonoTime now) {
  for (auto& [spi, sa] : sas)
    on_timer(*sa, now);
}

void Engine::Impl::give_up_on_peer(IkeSa& sa, const std::string& reason) {
  // RFC 7296 2.4: an established peer that stops answering is dead; its
  // CHILD SAs' dpd_action says what follows (liveness.hpp).
  bool was_up = sa.state == IkeState::established || sa.state == IkeState::rekeying;
  if (!was_up) {
    end_failed_initiation(sa, reason, /*peer_silent=*/true);
    return;
  }
  auto plan = plan_dead_peer(sa, services);
  auto connection = sa.connection;
  destroy_sa(sa, reason);
  if (!plan.restart) return;
  pending_initiations.push_back(
      Initiation{connection, std::move(plan.restart_children), 1, services.now});
}

void Engine::Impl::on_timer(IkeSa& sa, MonoTime now) {
  if (sa.state == IkeState::destroying) return;
  if (sa.half_open_deadline && now >= *sa.half_open_deadline && sa.state != IkeState::established) {
    destroy_sa(sa, "half-open IKE SA timed out");
    return;
  }
  auto policy = request_retransmit_policy(sa);
  switch (sa.requests.on_timer(now, policy)) {
    case RequestWindow::TimerOutcome::nothing:
      break;
    case RequestWindow::TimerOutcome::retransmit:
      services.log(sa, LogLevel::info,
                   "retransmitting request " + std::to_string(*sa.requests.in_flight_id()));
      send_datagrams(sa, sa.requests.datagrams());
      break;
    case RequestWindow::TimerOutcome::give_up:
      give_up_on_peer(sa, "peer did not answer request " +
                              std::to_string(*sa.requests.in_flight_id()) + " after " +
                              std::to_string(policy.tries) + " retransmissions");
      return;
  }
  if (auto reason = run_scheduled_work(sa, services)) {
    destroy_sa(sa, *reason);
    return;
  }
  start_next_request(sa);
  send_due_nat_keepalive(sa, now);
}

void Engine::Impl::send_due_nat_keepalive(IkeSa& sa, MonoTime now) {
  auto due = nat_keepalive_due(sa, settings.nat_keepalive_interval);
  if (!due || now < *due) return;
  outbox.push_back(make_nat_keepalive(sa));
  sa.last_sent = now;
}

std::optional<MonoTime> Engine::Impl::next_deadline() const {
  std::optional<MonoTime> earliest;
  auto consider = [&](std::optional<MonoTime> when) {
    if (when && (!earliest || *when < *earliest)) earliest = when;
  };
  for (const auto& [spi, sa] : sas) {
    consider(sa->requests.deadline());
    if (sa->state != IkeState::established) consider(sa->half_open_deadline);
    consider(scheduled_deadline(*sa));
    consider(nat_keepalive_due(*sa, settings.nat_keepalive_interval));
  }
  for (const auto& initiation : pending_initiations)
    consider(initiation.not_before);
  return earliest;
}

}  // namespace ike::sa
