/// The configuration: connections are added, replaced and removed as whole
/// objects (a reload); IKE SAs hold the Connection they were created with.

#include "engine_impl.hpp"

namespace ike::sa {

void Engine::Impl::add_connection(ConnectionPtr connection) {
  auto name = connection->name;
  connections[name] = std::move(connection);
  if (routes.contains(name)) {
    // Still routed, now with the new connection's CHILDs and selectors.
    if (auto routed = route(name); !routed) {
      log_without_sa(name, LogLevel::error,
                     "replaced connection could not be routed again: " + routed.error().reason);
    }
  }
}

void Engine::Impl::remove_connection(std::string_view name) {
  auto it = connections.find(name);
  if (it == connections.end()) return;
  if (routes.contains(name)) (void)unroute(name);
  drop_pending_initiations(name);
  log_without_sa(it->first, LogLevel::info, "connection removed; its IKE SAs stay until they end");
  connections.erase(it);
}

}  // namespace ike::sa
