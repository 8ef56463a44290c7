/// Operator commands (`ikectl up/down/rekey`): start, tear down and rekey the
/// IKE and CHILD SAs of a connection.

#include <algorithm>

#include "engine_impl.hpp"
#include "scheduled_work.hpp"
#include "tasks/tasks.hpp"

namespace ike::sa {

Result<std::uint32_t> Engine::Impl::initiate(std::string_view connection_name,
                                             std::string_view child_name, MonoTime now) {
  auto it = connections.find(connection_name);
  if (it == connections.end()) {
    return make_error(Errc::invalid_argument,
                      "no connection named '" + std::string(connection_name) + "'");
  }
  const auto& connection = it->second;
  const ChildConfig* child = nullptr;
  if (!child_name.empty()) {
    child = connection->child(child_name);
    if (!child) {
      return make_error(Errc::invalid_argument, "connection '" + connection->name +
                                                    "' has no CHILD SA named '" +
                                                    std::string(child_name) + "'");
    }
  } else if (!connection->children.empty()) {
    child = &connection->children.front();
  }
  if (auto* existing = usable_ike_sa(*connection)) {
    // One IKE SA per connection (strongSwan issue 1801): the CHILD SA comes
    // with CREATE_CHILD_SA once the IKE SA is up (RFC 7296 1.3.1). The IKE SA
    // may still use the connection as it was before a reload: its CHILD
    // configs are the ones its CHILD SAs may point to.
    if (child) {
      const auto* own = existing->connection->child(child->name);
      if (!own) {
        return make_error(Errc::invalid_argument, "IKE SA #" + std::to_string(existing->serial) +
                                                      " of connection '" + connection->name +
                                                      "' predates a reload and has no CHILD SA '" +
                                                      child->name + "'; terminate it first");
      }
      existing->queued.push_back(make_child_create_initiator(*own));
      if (auto record = initiations.find(existing->serial); record != initiations.end()) {
        // Retries of a negotiation that fails bring this CHILD SA too.
        auto& children = record->second.children;
        if (std::find(children.begin(), children.end(), own) == children.end()) {
          children.push_back(own);
        }
      }
    }
    start_next_request(*existing);
    return existing->serial;
  }
  if (connection->remote_address.is_zero()) {
    return make_error(Errc::invalid_argument,
                      "connection '" + connection->name + "' has no remote address to initiate to");
  }
  // An operator's initiate replaces a keyingtries retry waiting for its time.
  drop_pending_initiations(connection->name);
  Initiation initiation{connection, {}, 1, now};
  if (child) initiation.children.push_back(child);
  return start_initiation(std::move(initiation), now).serial;
}

Status Engine::Impl::terminate(std::string_view connection_name) {
  bool found = false;
  if (auto dropped = drop_pending_initiations(connection_name); dropped > 0) {
    found = true;
    log_without_sa(std::string(connection_name), LogLevel::info,
                   "terminated by operator: keyingtries retry dropped");
  }
  for (auto serial : serials_of(connection_name)) {
    auto* sa = by_serial.at(serial);
    if (sa->state == IkeState::destroying) continue;
    found = true;
    end_ike_sa(*sa);
  }
  if (!found) {
    return make_error(Errc::invalid_argument,
                      "no IKE SA of connection '" + std::string(connection_name) + "'");
  }
  return {};
}

Status Engine::Impl::terminate_ike_sa(std::uint32_t serial) {
  auto* sa = find_ike_sa(serial);
  if (!sa) return make_error(Errc::invalid_argument, "no IKE SA #" + std::to_string(serial));
  end_ike_sa(*sa);
  return {};
}

void Engine::Impl::end_ike_sa(IkeSa& sa) {
  if (sa.state == IkeState::established) {
    sa.state = IkeState::deleting;
    sa.queued.clear();
    sa.queued.push_back(make_ike_delete_initiator());
    start_next_request(sa);
  } else {
    destroy_sa(sa, "terminated by operator");
  }
}

Status Engine::Impl::rekey(std::string_view connection_name, bool ike) {
  bool found = false;
  for (auto serial : serials_of(connection_name)) {
    auto* sa = by_serial.at(serial);
    if (sa->state != IkeState::established) continue;
    found = true;
    if (ike) {
      sa->rekey_at.reset();
      sa->queued.push_back(make_ike_rekey_initiator());
    } else {
      for (auto& child : sa->children)
        queue_child_rekey(*sa, child, services, "operator");
    }
    start_next_request(*sa);
  }
  if (!found) {
    return make_error(Errc::invalid_argument,
                      "no established IKE SA of connection '" + std::string(connection_name) + "'");
  }
  return {};
}

namespace {

bool is_child_of(const ChildSa& child, std::string_view child_name) {
  return child.config != nullptr && child.name() == child_name;
}

/// Installed, or replaced by a rekey and not deleted yet: the CHILD SAs a
/// Delete still has to reach.
bool child_still_up(const ChildSa& child) {
  return child.state == ChildState::installed || child.state == ChildState::rekeying ||
         child.state == ChildState::rekeyed;
}

Error no_such_child(std::string_view which, std::string_view child_name,
                    std::string_view connection_name) {
  return make_error(Errc::invalid_argument, "no " + std::string(which) + "CHILD SA '" +
                                                std::string(child_name) + "' of connection '" +
                                                std::string(connection_name) + "'");
}

}  // namespace

Status Engine::Impl::rekey_child(std::string_view connection_name, std::string_view child_name) {
  bool found = false;
  for (auto serial : serials_of(connection_name)) {
    auto* sa = by_serial.at(serial);
    if (sa->state != IkeState::established) continue;
    for (auto& child : sa->children) {
      if (is_child_of(child, child_name) && queue_child_rekey(*sa, child, services, "operator")) {
        found = true;
      }
    }
    start_next_request(*sa);
  }
  if (!found) return no_such_child("installed ", child_name, connection_name);
  return {};
}

Status Engine::Impl::terminate_child(std::string_view connection_name,
                                     std::string_view child_name) {
  bool found = false;
  // A keyingtries retry that would bring only this CHILD goes; one that
  // brings others as well forgets it.
  std::erase_if(pending_initiations, [&](Initiation& initiation) {
    if (initiation.connection->name != connection_name) return false;
    auto erased = std::erase_if(
        initiation.children, [&](const ChildConfig* child) { return child->name == child_name; });
    found = found || erased > 0;
    return erased > 0 && initiation.children.empty();
  });
  for (auto serial : serials_of(connection_name)) {
    auto* sa = by_serial.at(serial);
    if (sa->state == IkeState::destroying) continue;
    if (sa->state != IkeState::established) {
      auto record = initiations.find(sa->serial);
      if (record == initiations.end()) continue;
      auto& children = record->second.children;
      auto erased = std::erase_if(
          children, [&](const ChildConfig* child) { return child->name == child_name; });
      if (erased == 0) continue;
      found = true;
      if (children.empty()) end_ike_sa(*sa);
      continue;
    }
    // Another CHILD's SA, even one being created, keeps the IKE SA; with
    // none, the IKE SA goes whole (also one whose CHILD SAs all failed).
    bool ours = false;
    bool others = false;
    for (const auto& child : sa->children) {
      if (is_child_of(child, child_name)) {
        ours = ours || child_still_up(child);
      } else if (child.state != ChildState::deleting) {
        others = true;
      }
    }
    if (!others) {
      found = true;
      end_ike_sa(*sa);
      continue;
    }
    if (!ours) continue;
    found = true;
    // One whose rekey is in flight is left to it (a Delete would cross the
    // rekey); the operator's next down finds its successor.
    for (auto& child : sa->children) {
      if (is_child_of(child, child_name)) {
        queue_child_delete(*sa, child, services, "terminated by operator");
      }
    }
    start_next_request(*sa);
  }
  if (!found) return no_such_child("", child_name, connection_name);
  return {};
}

}  // namespace ike::sa
