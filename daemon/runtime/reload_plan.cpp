#include "runtime/reload_plan.hpp"

#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "setup/shared_ike_sas.hpp"

namespace ikev2d::runtime {

using ike::config::AuthSpec;
using ike::config::ConnConfig;
using ike::config::EndConfig;
using ike::config::HostSpec;

namespace {

bool same_host(const HostSpec& a, const HostSpec& b) {
  return std::tie(a.kind, a.family, a.items, a.addresses, a.allow_any, a.text) ==
         std::tie(b.kind, b.family, b.items, b.addresses, b.allow_any, b.text);
}

bool same_auth(const AuthSpec& a, const AuthSpec& b) {
  return a.method == b.method && a.text == b.text;
}

bool same_optional_auth(const std::optional<AuthSpec>& a, const std::optional<AuthSpec>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || same_auth(*a, *b);
}

bool same_end(const EndConfig& a, const EndConfig& b) {
  return same_host(a.host, b.host) && same_auth(a.auth, b.auth) &&
         same_optional_auth(a.auth2, b.auth2) &&
         std::tie(a.ikeport, a.subnet_text, a.subnets, a.protoport_text, a.protoport, a.id,
                  a.identity, a.id2, a.cert, a.cert2, a.ca, a.ca2, a.auth_explicit, a.sendcert,
                  a.updown, a.sourceip, a.dns, a.firewall, a.hostaccess, a.allowany, a.sigkey,
                  a.certpolicy, a.groups, a.groups2) ==
             std::tie(b.ikeport, b.subnet_text, b.subnets, b.protoport_text, b.protoport, b.id,
                      b.identity, b.id2, b.cert, b.cert2, b.ca, b.ca2, b.auth_explicit, b.sendcert,
                      b.updown, b.sourceip, b.dns, b.firewall, b.hostaccess, b.allowany, b.sigkey,
                      b.certpolicy, b.groups, b.groups2);
}

bool same_lifetimes(const ConnConfig& a, const ConnConfig& b) {
  return std::tie(a.ikelifetime, a.lifetime, a.margintime, a.rekeyfuzz, a.lifebytes, a.marginbytes,
                  a.lifepackets, a.marginpackets, a.keyingtries, a.rekey, a.reauth) ==
         std::tie(b.ikelifetime, b.lifetime, b.margintime, b.rekeyfuzz, b.lifebytes, b.marginbytes,
                  b.lifepackets, b.marginpackets, b.keyingtries, b.rekey, b.reauth);
}

bool same_behaviour(const ConnConfig& a, const ConnConfig& b) {
  return std::tie(a.auto_action, a.type, a.authby, a.ike, a.esp, a.ah, a.dpddelay, a.dpdtimeout,
                  a.dpdaction, a.closeaction, a.inactivity, a.fragmentation, a.forceencaps,
                  a.mobike, a.installpolicy, a.compress, a.reqid, a.replay_window, a.mark_in,
                  a.mark_out, a.tfc, a.ikedscp, a.sha256_96, a.eap_identity, a.aaa_identity,
                  a.mediation, a.mediated_by, a.me_peerid) ==
         std::tie(b.auto_action, b.type, b.authby, b.ike, b.esp, b.ah, b.dpddelay, b.dpdtimeout,
                  b.dpdaction, b.closeaction, b.inactivity, b.fragmentation, b.forceencaps,
                  b.mobike, b.installpolicy, b.compress, b.reqid, b.replay_window, b.mark_in,
                  b.mark_out, b.tfc, b.ikedscp, b.sha256_96, b.eap_identity, b.aaa_identity,
                  b.mediation, b.mediated_by, b.me_peerid);
}

std::string names(const std::vector<const setup::ConnectionSetup*>& setups) {
  std::string out;
  for (const auto* setup : setups) {
    out += out.empty() ? " (" : ", ";
    out += setup->name;
  }
  return out.empty() ? out : out + ")";
}

bool same_children(const ike::sa::Connection& a, const ike::sa::Connection& b) {
  if (a.children.size() != b.children.size()) return false;
  for (std::size_t i = 0; i < a.children.size(); ++i) {
    if (a.children[i].name != b.children[i].name) return false;
  }
  return true;
}

/// The engine connections the sections run on (auto=ignore ones are not
/// loaded into the engine).
std::unordered_set<std::string> engine_connections(
    const std::vector<setup::ConnectionSetup>& setups) {
  std::unordered_set<std::string> names;
  for (const auto& setup : setups) {
    if (setup.auto_action != ike::config::AutoAction::ignore) {
      names.insert(setup.connection->name);
    }
  }
  return names;
}

std::string names(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& name : list)
    out += (out.empty() ? " (" : ", ") + name;
  return out.empty() ? out : out + ")";
}

}  // namespace

bool same_settings(const ConnConfig& a, const ConnConfig& b) {
  return a.name == b.name && same_end(a.left, b.left) && same_end(a.right, b.right) &&
         same_lifetimes(a, b) && same_behaviour(a, b);
}

bool same_setup(const setup::ConnectionSetup& a, const setup::ConnectionSetup& b) {
  if (a.auto_action != b.auto_action || a.updown_script != b.updown_script ||
      a.updown_hostaccess != b.updown_hostaccess || a.swapped != b.swapped) {
    return false;
  }
  if ((a.source == nullptr) != (b.source == nullptr)) return false;
  if (a.source && !same_settings(*a.source, *b.source)) return false;
  if (!a.connection || !b.connection) return a.connection == b.connection;
  const auto& x = *a.connection;
  const auto& y = *b.connection;
  return x.name == y.name && same_children(x, y) && x.local_address == y.local_address &&
         x.remote_address == y.remote_address && x.local_port == y.local_port &&
         x.remote_port == y.remote_port && x.local_id == y.local_id && x.remote_id == y.remote_id &&
         setup::same_local_certificates(x, y);
}

ReloadPlan plan_reload(const std::vector<setup::ConnectionSetup>& running,
                       const std::vector<setup::ConnectionSetup>& loaded) {
  std::unordered_map<std::string, const setup::ConnectionSetup*> before;
  before.reserve(running.size());
  for (const auto& setup : running)
    before.emplace(setup.name, &setup);
  ReloadPlan plan;
  for (const auto& setup : loaded) {
    const std::string& name = setup.name;
    auto found = before.find(name);
    if (found == before.end()) {
      plan.added.push_back(&setup);
      continue;
    }
    if (same_setup(*found->second, setup)) {
      plan.unchanged.push_back(name);
    } else {
      plan.changed.push_back(&setup);
    }
    before.erase(found);
  }
  // Removed ones in their running order, for a stable log.
  for (const auto& setup : running) {
    if (before.contains(setup.name)) plan.removed.push_back(setup.name);
  }
  auto kept = engine_connections(loaded);
  std::unordered_set<std::string> seen;
  for (const auto& setup : running) {
    const std::string& name = setup.connection->name;
    if (setup.auto_action == ike::config::AutoAction::ignore || kept.contains(name)) continue;
    if (seen.insert(name).second) plan.dropped.push_back(name);
  }
  return plan;
}

std::string ReloadPlan::summary() const {
  return std::to_string(added.size()) + " added" + names(added) + ", " +
         std::to_string(changed.size()) + " changed" + names(changed) + ", " +
         std::to_string(removed.size()) + " removed" + names(removed) + ", " +
         std::to_string(unchanged.size()) + " unchanged";
}

}  // namespace ikev2d::runtime
