/// INITIAL_CONTACT (RFC 7296 2.4): a peer that lost its state (a restart, a
/// crash) says so in its first IKE_AUTH, and the IKE SAs we still hold with it
/// are dropped at once instead of lingering until DPD gives up on them.

#include <algorithm>

#include "engine_impl.hpp"

namespace ike::sa {

// Both questions are asked of the indexes by peer and by identities
// (engine_sa_index.cpp), which are up to date as of the end of the last
// input, and of the IKE SAs this input touched (whose fields may have
// changed since): together every IKE SA that can match.

bool Engine::Impl::has_other_ike_sa_to_peer(const IkeSa& sa) const {
  auto matches = [&sa, this](std::uint32_t serial) {
    const auto* other = serial == sa.serial ? nullptr : live_ike_sa(serial);
    return other != nullptr && other->remote.address == sa.remote.address &&
           other->connection->local_id == sa.connection->local_id;
  };
  const auto& filed = by_peer.find(peer_key(sa.remote.address, sa.connection->local_id));
  return std::any_of(filed.begin(), filed.end(), matches) ||
         std::any_of(touched.begin(), touched.end(), matches);
}

std::size_t Engine::Impl::drop_ike_sas_replaced_by(IkeSa& sa) {
  if (!sa.peer_id) return 0;
  // Only SAs that were up before this one began: one the peer set up at the
  // same time (both ends initiating at once) is not stale.
  std::vector<IkeSa*> stale;
  auto consider = [&](std::uint32_t serial) {
    auto* other = serial == sa.serial ? nullptr : live_ike_sa(serial);
    if (!other) return;
    bool was_up = other->state == IkeState::established || other->state == IkeState::rekeying;
    if (!was_up || other->established_at >= sa.created_at) return;
    if (other->peer_id != sa.peer_id || other->connection->local_id != sa.connection->local_id)
      return;
    stale.push_back(other);
  };
  for (auto serial : by_identities.find(identity_pair_key(*sa.peer_id, sa.connection->local_id)))
    consider(serial);
  for (auto serial : touched)
    consider(serial);
  std::sort(stale.begin(), stale.end(),
            [](const IkeSa* a, const IkeSa* b) { return a->serial < b->serial; });
  stale.erase(std::unique(stale.begin(), stale.end()), stale.end());
  for (IkeSa* other : stale) {
    services.log(*other, LogLevel::info,
                 "peer " + sa.peer_id->to_string() +
                     " sent INITIAL_CONTACT on a new IKE SA: this one is stale");
    destroy_sa(*other, "replaced after the peer's INITIAL_CONTACT");
  }
  return stale.size();
}

}  // namespace ike::sa
