#include "child_replacement.hpp"

#include <algorithm>

#include "child_installer.hpp"

namespace ike::sa {

namespace {

bool same_policies(const ChildSa& a, const ChildSa& b) {
  return a.reqid == b.reqid && a.local_ts == b.local_ts && a.remote_ts == b.remote_ts;
}

/// Which CHILD SA should carry the policies on: one that is up before one on
/// its way out, the newest among equals.
int keeper_rank(const ChildSa& child) {
  switch (child.state) {
    case ChildState::installed:
    case ChildState::rekeying:
      return 3;
    case ChildState::rekeyed:
      return 2;
    case ChildState::deleting:
      return 1;
    case ChildState::creating:
      return 0;
  }
  return 0;
}

ChildSa* policy_heir(IkeSa& sa, const ChildSa& leaving) {
  ChildSa* heir = nullptr;
  for (auto& other : sa.children) {
    if (other.serial == leaving.serial || !same_policies(other, leaving)) continue;
    if (!heir ||
        std::pair(keeper_rank(other), other.serial) > std::pair(keeper_rank(*heir), heir->serial)) {
      heir = &other;
    }
  }
  return heir;
}

/// A CHILD SA our rekey response created goes before the rekey initiator
/// deleted the one it replaces (its outbound SA still waits for that,
/// ChildSa::DeferredOutbound): for the initiator the rekey did not happen,
/// it keeps the old CHILD SA and tries again (RFC 7296 2.25), so the old one
/// is up again here too instead of waiting for a Delete that never comes.
/// A redundant successor (REKEYED, the loser of a collision) changes nothing.
void reinstate_replaced(IkeSa& sa, const ChildSa& leaving, Services& services) {
  if (!leaving.deferred_outbound || leaving.state == ChildState::rekeyed) return;
  auto* replaced = sa.find_child(leaving.deferred_outbound->replaced_serial);
  if (!replaced || replaced->state != ChildState::rekeyed) return;
  replaced->state = ChildState::installed;
  services.log(sa, LogLevel::info,
               "CHILD SA '" + replaced->name() + "' #" + std::to_string(replaced->serial) +
                   " stays: the rekey that replaced it did not complete");
}

}  // namespace

void take_over_policies(IkeSa& sa, ChildSa& successor) {
  // Each CHILD SA with policies_installed holds one use of the shared
  // policies (trap_policies.hpp); two of one IKE SA can hold one each (both
  // peers created the same CHILD SA at once). The successor takes over one.
  for (auto& other : sa.children) {
    if (successor.policies_installed) return;
    if (other.serial == successor.serial || !same_policies(other, successor)) continue;
    if (other.policies_installed) {
      other.policies_installed = false;
      successor.policies_installed = true;
    }
  }
}

void release_deferred_outbound(IkeSa& sa, const ChildSa& leaving, Services& services) {
  for (auto& successor : sa.children) {
    if (!successor.deferred_outbound ||
        successor.deferred_outbound->replaced_serial != leaving.serial) {
      continue;
    }
    auto deferred = std::move(*successor.deferred_outbound);
    successor.deferred_outbound.reset();
    if (successor.state != ChildState::installed && successor.state != ChildState::rekeying) {
      continue;  // redundant: it never sends
    }
    if (auto added = install_child_outbound_sa(sa, successor, services, deferred.keys,
                                               /*we_initiated=*/false);
        !added) {
      services.log(sa, LogLevel::error,
                   "CHILD SA '" + successor.name() + "' cannot send: " + added.error().reason);
    }
  }
}

void withdraw_outbound_sa(IkeSa& sa, ChildSa& child, Services& services, const std::string& why) {
  release_deferred_outbound(sa, child, services);
  if (!child.outbound_installed) return;
  SaKey key{sa.remote.address, child.spi_out, wire::ProtocolId::esp, child.config->mark_out};
  (void)services.kernel.delete_sa(
      DeleteSaRequest{key, "remove outbound ESP SA of child '" + child.name() + "': " + why});
  child.outbound_installed = false;
}

void retire_child(IkeSa& sa, std::uint32_t child_serial, Services& services, const std::string& why,
                  bool announce) {
  auto* child = sa.find_child(child_serial);
  if (!child) return;
  bool was_installed = child->was_installed;
  release_deferred_outbound(sa, *child, services);
  reinstate_replaced(sa, *child, services);
  if (child->policies_installed) {
    auto* heir = policy_heir(sa, *child);
    if (heir && !heir->policies_installed) {
      heir->policies_installed = true;
      child->policies_installed = false;
    } else {
      // The last user, or the heir holds its own use: ours goes.
      uninstall_child_policies(sa, *child, services, why);
    }
  }
  uninstall_child_sas(sa, *child, services, why);
  // With a successor up (a rekey replaced it, the peer's delete of the old
  // one just came first), the traffic goes on: no child_down.
  bool succeeded = false;
  for (const auto& other : sa.children) {
    succeeded |= other.serial != child_serial && same_policies(other, *child) &&
                 (other.state == ChildState::installed || other.state == ChildState::rekeying);
  }
  if (announce && was_installed && !succeeded) {
    services.publish(sa, EventKind::child_down,
                     "CHILD SA '" + child->name() + "' removed (" + why + ")", child_serial);
  } else {
    services.log(sa, LogLevel::info,
                 "CHILD SA '" + child->name() + "' #" + std::to_string(child_serial) +
                     " removed (" + why + ")");
  }
  std::erase_if(sa.children, [child_serial](const ChildSa& c) { return c.serial == child_serial; });
}

}  // namespace ike::sa
