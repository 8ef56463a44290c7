/// Time on the IKE SAs: half-open timeouts, retransmits and giving up on a
/// peer (RFC 7296 2.4), then the scheduled work (rekeys, expiries, liveness;
/// scheduled_work.cpp), and the engine's next deadline.

#include <algorithm>

#include "engine_impl.hpp"
#include "nat_keepalive.hpp"
#include "scheduled_work.hpp"
#include "tasks/liveness.hpp"
#include "tasks/tasks.hpp"

namespace ike::sa {

namespace {

/// Each serial once (an input may touch an IKE SA many times).
void sort_unique(std::vector<std::uint32_t>& serials) {
  std::sort(serials.begin(), serials.end());
  serials.erase(std::unique(serials.begin(), serials.end()), serials.end());
}

}  // namespace

void Engine::Impl::run_timers(MonoTime now) {
  // What is due now, and what waits for a kick, collected first: on_timer
  // files IKE SAs again as it goes (through touch and finish_input).
  std::vector<std::uint32_t> due(kick_queue.begin(), kick_queue.end());
  for (auto it = timer_queue.begin(); it != timer_queue.end() && it->first <= now; ++it)
    due.push_back(it->second);
  sort_unique(due);
  for (auto serial : due) {
    auto it = by_serial.find(serial);
    if (it == by_serial.end()) continue;
    touch(*it->second);
    on_timer(*it->second, now);
  }
}

std::optional<MonoTime> Engine::Impl::deadline_of(const IkeSa& sa) const {
  if (sa.state == IkeState::destroying) return std::nullopt;
  std::optional<MonoTime> earliest;
  keep_earliest(earliest, sa.requests.deadline());
  if (sa.state != IkeState::established) keep_earliest(earliest, sa.half_open_deadline);
  keep_earliest(earliest, scheduled_deadline(sa));
  keep_earliest(earliest, nat_keepalive_due(sa, settings.nat_keepalive_interval));
  return earliest;
}

void Engine::Impl::unfile_timer(IkeSa& sa) {
  if (sa.queued_deadline) timer_queue.erase({*sa.queued_deadline, sa.serial});
  sa.queued_deadline.reset();
  if (sa.waits_for_kick) kick_queue.erase(sa.serial);
  sa.waits_for_kick = false;
}

void Engine::Impl::file_timer(IkeSa& sa) {
  auto deadline = deadline_of(sa);
  if (deadline != sa.queued_deadline) {
    if (sa.queued_deadline) timer_queue.erase({*sa.queued_deadline, sa.serial});
    if (deadline) timer_queue.insert({*deadline, sa.serial});
    sa.queued_deadline = deadline;
  }
  bool waits = sa.can_start_request();
  if (waits != sa.waits_for_kick) {
    if (waits) {
      kick_queue.insert(sa.serial);
    } else {
      kick_queue.erase(sa.serial);
    }
    sa.waits_for_kick = waits;
  }
}

void Engine::Impl::file_touched_timers() {
  auto serials = std::move(touched);
  touched.clear();
  sort_unique(serials);
  for (auto serial : serials) {
    if (auto it = by_serial.find(serial); it != by_serial.end()) file_timer(*it->second);
  }
}

void Engine::Impl::file_all_timers() {
  file_touched_keys();
  touched.clear();
  for (auto& [spi, sa] : sas)
    file_timer(*sa);
}

std::vector<std::string> Engine::Impl::timer_index_mismatches() const {
  std::vector<std::string> out;
  std::size_t filed = 0;
  std::size_t waiting = 0;
  for (const auto& [spi, sa] : sas) {
    auto expected = deadline_of(*sa);
    if (expected != sa->queued_deadline ||
        (expected && !timer_queue.contains({*expected, sa->serial}))) {
      out.push_back(sa->label() + ": timer filed " +
                    (sa->queued_deadline ? "at a deadline" : "nowhere") + ", due " +
                    (expected ? "at another" : "never"));
    }
    if (expected) ++filed;
    bool waits = sa->can_start_request();
    if (waits != kick_queue.contains(sa->serial)) {
      out.push_back(sa->label() + (waits ? ": waits for a kick but is not filed for one"
                                         : ": filed for a kick it does not need"));
    }
    if (waits) ++waiting;
  }
  if (filed != timer_queue.size()) {
    out.push_back("timer queue holds " + std::to_string(timer_queue.size()) + " entries for " +
                  std::to_string(filed) + " IKE SAs with a deadline");
  }
  if (waiting != kick_queue.size()) {
    out.push_back("kick queue holds " + std::to_string(kick_queue.size()) + " entries for " +
                  std::to_string(waiting) + " IKE SAs");
  }
  return out;
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
  if (!timer_queue.empty()) earliest = timer_queue.begin()->first;
  for (const auto& initiation : pending_initiations)
    keep_earliest(earliest, initiation.not_before);
  return earliest;
}

}  // namespace ike::sa
