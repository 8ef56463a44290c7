/// auto=route: trap policies for the CHILDs of a connection, and the kernel's
/// ACQUIRE when a packet matches one (RFC 4301 5.2: a packet needing an SA
/// that does not exist yet starts its negotiation).
///
/// A trap carries the CHILD's reqid, and the CHILD SA negotiated for it gets
/// the same reqid, so its SAs are the ones the trap's template finds: route()
/// gives every CHILD of the connection a fixed reqid (a copy of the
/// Connection, since Connections are immutable). While a CHILD SA with the
/// trap's selectors is installed its own out policy takes the trap's place
/// (TrapPolicyKernel); when it goes, the trap is back.
///
/// Not done: RFC 7296 2.9 suggests proposing the triggering packet's
/// addresses as the first TSi/TSr so that a responder with narrower policy
/// picks the right pair; the ACQUIRE's selectors are only logged.

#include <array>

#include "child_installer.hpp"
#include "engine_impl.hpp"
#include "ike/ts/subnet_syntax.hpp"

namespace ike::sa {

namespace {

std::vector<ts::TrafficSelector> resolve_side(const std::vector<ts::SelectorTemplate>& templates,
                                              const IpAddress& address) {
  std::array<IpAddress, 1> hosts{address};
  if (templates.empty()) return ts::resolve(ts::default_side_selectors(), hosts);
  return ts::resolve(templates, hosts);
}

/// Less preferred than any CHILD SA policy (child_installer.cpp uses 200000
/// minus the specificity; XFRM prefers the lowest value), more specific
/// traps first among themselves.
std::uint32_t trap_priority(const ts::TrafficSelector& local, const ts::TrafficSelector& remote) {
  return 300000 - selector_specificity(local, remote);
}

std::vector<PolicyRequest> traps_of(const Connection& connection, const ChildConfig& child) {
  std::vector<PolicyRequest> traps;
  if (!child.install_policy) return traps;
  for (const auto& local : resolve_side(child.local_ts, connection.local_address)) {
    for (const auto& remote : resolve_side(child.remote_ts, connection.remote_address)) {
      if (local.family() != remote.family()) continue;
      PolicyRequest trap;
      trap.source = local;
      trap.destination = remote;
      trap.direction = PolicyDirection::out;
      trap.mark = child.mark_out;
      trap.priority = trap_priority(local, remote);
      trap.tunnel_source = connection.local_address;
      trap.tunnel_destination = connection.remote_address;
      trap.mode = child.mode;
      trap.reqid = child.reqid;
      trap.trap = true;
      trap.story = "trap policy " + local.to_string() + " === " + remote.to_string() +
                   " for child '" + child.name + "'";
      traps.push_back(std::move(trap));
    }
  }
  return traps;
}

}  // namespace

Status Engine::Impl::route(std::string_view connection_name) {
  auto it = connections.find(connection_name);
  if (it == connections.end()) {
    return make_error(Errc::invalid_argument,
                      "no connection named '" + std::string(connection_name) + "'");
  }
  const auto& connection = it->second;
  auto previous = routes.find(connection_name);
  if (previous != routes.end() && previous->second.connection == connection) return {};
  if (connection->local_address.is_zero() || connection->remote_address.is_zero()) {
    return make_error(Errc::invalid_argument, "connection '" + connection->name +
                                                  "' needs a local and a remote address to be "
                                                  "routed");
  }
  // Fixed reqids; a connection routed again (a reload) keeps its CHILDs'.
  auto pinned = std::make_shared<Connection>(*connection);
  for (auto& child : pinned->children) {
    if (child.reqid != 0) continue;
    if (previous != routes.end()) {
      for (const auto& routed : previous->second.children) {
        if (routed.name == child.name) child.reqid = routed.reqid;
      }
    }
    if (child.reqid == 0) child.reqid = shard_tag().take(next_reqid);
  }
  if (previous != routes.end()) (void)unroute(connection_name);
  Route route{pinned, {}};
  for (const auto& child : pinned->children) {
    RoutedChild routed{child.name, child.reqid, {}};
    for (auto& trap : traps_of(*pinned, child)) {
      if (auto added = policies.add_trap(trap); !added) {
        for (auto& done : route.children) {
          for (const auto& installed : done.traps)
            policies.remove_trap(installed);
        }
        for (const auto& installed : routed.traps)
          policies.remove_trap(installed);
        return added;
      }
      routed.traps.push_back(std::move(trap));
    }
    route.children.push_back(std::move(routed));
  }
  it->second = pinned;
  log_without_sa(pinned->name, LogLevel::info,
                 "routed: trap policies for " + std::to_string(pinned->children.size()) +
                     " CHILD(s) installed");
  routes.insert_or_assign(pinned->name, std::move(route));
  return {};
}

Status Engine::Impl::unroute(std::string_view connection_name) {
  auto it = routes.find(connection_name);
  if (it == routes.end()) {
    return make_error(Errc::invalid_argument,
                      "connection '" + std::string(connection_name) + "' is not routed");
  }
  for (const auto& child : it->second.children) {
    for (const auto& trap : child.traps)
      policies.remove_trap(trap);
    acquired.erase(child.reqid);
  }
  log_without_sa(it->first, LogLevel::info, "unrouted: trap policies removed");
  routes.erase(it);
  return {};
}

void Engine::Impl::handle_kernel_acquire(const KernelAcquire& acquire, MonoTime now) {
  const Route* route = nullptr;
  const RoutedChild* routed = nullptr;
  for (const auto& [name, candidate] : routes) {
    for (const auto& child : candidate.children) {
      if (child.reqid == acquire.reqid) {
        route = &candidate;
        routed = &child;
      }
    }
  }
  auto packet = acquire.source.to_string() + " === " + acquire.destination.to_string();
  if (!routed) {
    log_without_sa({}, LogLevel::debug,
                   "ACQUIRE for " + packet + " with reqid " + std::to_string(acquire.reqid) +
                       " matches no routed CHILD; ignored");
    return;
  }
  auto connection_name = route->connection->name;
  // Up already (the ACQUIRE raced the installation), or being negotiated.
  for (auto serial : by_connection.find(connection_name)) {
    const auto* sa = live_ike_sa(serial);
    if (!sa) continue;
    for (const auto& child : sa->children) {
      if (child.config->name == routed->name &&
          (child.state == ChildState::installed || child.state == ChildState::rekeying)) {
        return;
      }
    }
  }
  if (auto under_way = acquired.find(acquire.reqid); under_way != acquired.end()) {
    const auto* sa = find_ike_sa(under_way->second);
    if (sa && (sa->state == IkeState::created || sa->state == IkeState::connecting || sa->active ||
               !sa->queued.empty())) {
      return;
    }
  }
  if (initiation_pending(connection_name, routed->name)) return;
  log_without_sa(connection_name, LogLevel::info,
                 "ACQUIRE for " + packet + ": initiating CHILD '" + routed->name + "'");
  auto serial = initiate(connection_name, routed->name, now);
  if (!serial) {
    log_without_sa(connection_name, LogLevel::warning,
                   "ACQUIRE for " + packet + " not acted on: " + serial.error().reason);
    return;
  }
  acquired[acquire.reqid] = *serial;
}

}  // namespace ike::sa
