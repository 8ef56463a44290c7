/// New IKE SAs we initiate, and trying again when they fail (keyingtries).
///
/// As strongSwan does with keyingtries, a negotiation of a new IKE SA that
/// fails (the peer never answered, or refused with an error notify; COOKIE and
/// INVALID_KE_PAYLOAD rounds are part of one attempt) is started again from
/// IKE_SA_INIT, on a new IKE SA with new SPIs, until Connection::keying_tries
/// attempts were made (0: without end). Only the last failure is a `failed`
/// event; each retry is a log line. A retry after silence starts at once (the
/// retransmissions took their time), one after a refusal waits
/// EngineSettings::keying_retry_delay so a refusing peer is not hammered.

#include <algorithm>

#include "engine_impl.hpp"
#include "tasks/tasks.hpp"

namespace ike::sa {

IkeSa& Engine::Impl::start_initiation(Initiation initiation, MonoTime now) {
  const auto& connection = initiation.connection;
  auto& sa = create_sa(connection, /*initiator=*/true, now);
  sa.local = Endpoint{connection->local_address, connection->local_port};
  sa.remote = Endpoint{connection->remote_address, connection->remote_port};
  sa.state = IkeState::connecting;
  sa.keying_attempt = initiation.attempt;
  const auto& children = initiation.children;
  sa.queued.push_back(make_ike_init_initiator());
  sa.queued.push_back(make_ike_auth_initiator(children.empty() ? nullptr : children.front()));
  for (std::size_t i = 1; i < children.size(); ++i)
    sa.queued.push_back(make_child_create_initiator(*children[i]));
  initiations[sa.serial] = std::move(initiation);
  start_next_request(sa);
  return sa;
}

void Engine::Impl::end_failed_initiation(IkeSa& sa, const std::string& reason, bool peer_silent) {
  auto it = initiations.find(sa.serial);
  bool negotiating = sa.state == IkeState::created || sa.state == IkeState::connecting;
  if (it == initiations.end() || !negotiating) {
    destroy_sa(sa, reason);
    return;
  }
  auto next = std::move(it->second);
  initiations.erase(it);
  auto tries = sa.connection->keying_tries;
  auto attempts = "attempt " + std::to_string(next.attempt + 1) + " of " +
                  (tries == 0 ? std::string("unlimited") : std::to_string(tries));
  if (tries != 0 && next.attempt >= tries) {
    destroy_sa(sa, tries > 1 ? reason + " (giving up after " + std::to_string(tries) + " attempts)"
                             : reason);
    return;
  }
  ++next.attempt;
  next.not_before = peer_silent ? services.now : services.now + settings.keying_retry_delay;
  services.log(sa, LogLevel::info, reason + "; trying again (" + attempts + ")");
  destroy_sa(sa, reason, /*announce=*/false);
  pending_initiations.push_back(std::move(next));
}

void Engine::Impl::start_due_initiations(MonoTime now) {
  std::vector<Initiation> due;
  for (auto it = pending_initiations.begin(); it != pending_initiations.end();) {
    if (it->not_before <= now) {
      due.push_back(std::move(*it));
      it = pending_initiations.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& initiation : due)
    start_initiation(std::move(initiation), now);
  if (!due.empty()) sweep_destroyed();
}

std::size_t Engine::Impl::drop_pending_initiations(std::string_view connection) {
  return std::erase_if(pending_initiations, [&](const Initiation& initiation) {
    return connection.empty() || initiation.connection->name == connection;
  });
}

bool Engine::Impl::initiation_pending(std::string_view connection, std::string_view child) const {
  return std::any_of(
      pending_initiations.begin(), pending_initiations.end(), [&](const Initiation& initiation) {
        if (initiation.connection->name != connection) return false;
        return std::any_of(initiation.children.begin(), initiation.children.end(),
                           [&](const ChildConfig* config) { return config->name == child; });
      });
}

}  // namespace ike::sa
