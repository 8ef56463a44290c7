/// Our requests on an IKE SA: the task queue (sa.queued), one request in
/// flight (sa.active, RFC 7296 2.3 with a window of one), and what follows a
/// task's status.

#include "engine_impl.hpp"
#include "message_io.hpp"
#include "tasks/liveness.hpp"

namespace ike::sa {

void Engine::Impl::send_datagrams(IkeSa& sa, const std::vector<Bytes>& datagrams) {
  touch(sa);  // last_sent moves the NAT keepalive
  for (const auto& bytes : datagrams)
    outbox.push_back(Datagram{sa.local, sa.remote, bytes});
  if (!datagrams.empty()) sa.last_sent = services.now;
}

void Engine::Impl::start_next_request(IkeSa& sa) {
  touch(sa);
  if (!sa.can_start_request()) return;
  sa.active = std::move(sa.queued.front());
  sa.queued.pop_front();
  send_request(sa, *sa.active);
}

void Engine::Impl::note_established(IkeSa& sa) {
  if (sa.state == IkeState::established) initiations.erase(sa.serial);
  if (sa.state == IkeState::established && sa.half_open_deadline) {
    sa.half_open_deadline.reset();
    if (half_open > 0) --half_open;
  }
}

void Engine::Impl::send_request(IkeSa& sa, Task& task) {
  std::vector<wire::Payload> payloads;
  auto status = task.build(sa, services, payloads);
  if (status != TaskStatus::done && status != TaskStatus::need_more) {
    sa.active.reset();
    after_initiator_status(sa, status);
    return;
  }
  auto message_id = sa.requests.next_id();
  auto datagrams =
      build_datagrams(sa, services, task.exchange(), /*response=*/false, message_id, payloads);
  if (!datagrams) {
    services.log(sa, LogLevel::error,
                 std::string(task.name()) + ": cannot send request: " + datagrams.error().reason);
    sa.active.reset();
    destroy_sa(sa, "cannot build " + wire::to_string(task.exchange()) + " request");
    return;
  }
  if (task.exchange() == wire::ExchangeType::ike_sa_init) sa.init_message_ours = datagrams->front();
  send_datagrams(sa, *datagrams);
  // A liveness check may give up sooner than other requests (dpdtimeout).
  sa.requests.sent(std::move(*datagrams), services.now, request_retransmit_policy(sa));
}

void Engine::Impl::after_initiator_status(IkeSa& sa, TaskStatus status) {
  switch (status) {
    case TaskStatus::done:
    case TaskStatus::failed:
      sa.active.reset();
      start_next_request(sa);
      break;
    case TaskStatus::need_more:
      send_request(sa, *sa.active);
      break;
    case TaskStatus::destroy_sa:
      sa.active.reset();
      end_failed_initiation(sa, sa.last_failure.empty() ? "negotiation failed" : sa.last_failure,
                            /*peer_silent=*/false);
      break;
  }
}

}  // namespace ike::sa
