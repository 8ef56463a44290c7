/// A responder's connection by identity (RFC 7296 2.15): IKE_SA_INIT carries
/// no identities, so the connection chosen there by addresses is only a
/// guess when several connections share them; IKE_AUTH settles it.

#include "connection_choice.hpp"
#include "engine_impl.hpp"

namespace ike::sa {

void Engine::Impl::choose_connection_by_identity(IkeSa& sa, const pki::Identity& peer_id,
                                                 const std::optional<pki::Identity>& our_id) {
  auto chosen = best_connection_by_identity(connections, sa.connection, sa.local, sa.remote,
                                            sa.algorithms, peer_id, our_id);
  if (!chosen || chosen == sa.connection) return;
  services.log(sa, LogLevel::info,
               "peer identity " + peer_id.to_string() + " selects connection '" + chosen->name +
                   "' instead of '" + sa.connection->name + "'");
  touch(sa);  // the indexes keyed by our identity follow (engine_sa_index.cpp)
  by_connection.remove(sa.connection->name, sa.serial);
  sa.connection = std::move(chosen);
  file_connection(sa);
}

}  // namespace ike::sa
