/// INITIAL_CONTACT (RFC 7296 2.4): a peer that lost its state (a restart, a
/// crash) says so in its first IKE_AUTH, and the IKE SAs we still hold with it
/// are dropped at once instead of lingering until DPD gives up on them.

#include "engine_impl.hpp"

namespace ike::sa {

namespace {

bool is_live(const IkeSa& sa) {
  return sa.state != IkeState::destroying;
}

}  // namespace

bool Engine::Impl::has_other_ike_sa_to_peer(const IkeSa& sa) const {
  for (const auto& [spi, other] : sas) {
    if (other.get() == &sa || !is_live(*other)) continue;
    if (other->remote.address == sa.remote.address &&
        other->connection->local_id == sa.connection->local_id)
      return true;
  }
  return false;
}

std::size_t Engine::Impl::drop_ike_sas_replaced_by(IkeSa& sa) {
  if (!sa.peer_id) return 0;
  // Only SAs that were up before this one began: one the peer set up at the
  // same time (both ends initiating at once) is not stale.
  std::vector<IkeSa*> stale;
  for (auto& [spi, other] : sas) {
    if (other.get() == &sa || !is_live(*other)) continue;
    bool was_up = other->state == IkeState::established || other->state == IkeState::rekeying;
    if (!was_up || other->established_at >= sa.created_at) continue;
    if (other->peer_id != sa.peer_id || other->connection->local_id != sa.connection->local_id)
      continue;
    stale.push_back(other.get());
  }
  for (IkeSa* other : stale) {
    services.log(*other, LogLevel::info,
                 "peer " + sa.peer_id->to_string() +
                     " sent INITIAL_CONTACT on a new IKE SA: this one is stale");
    destroy_sa(*other, "replaced after the peer's INITIAL_CONTACT");
  }
  return stale.size();
}

}  // namespace ike::sa
