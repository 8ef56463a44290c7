#include "property_checks.hpp"

#include <map>
#include <utility>

#include "ike/proposal/crypto_proposal.hpp"

namespace ike::test {

namespace {

std::string spi_text(std::uint32_t spi) {
  return to_hex(Bytes{static_cast<std::uint8_t>(spi >> 24), static_cast<std::uint8_t>(spi >> 16),
                      static_cast<std::uint8_t>(spi >> 8), static_cast<std::uint8_t>(spi)});
}

std::string child_text(const sa::ChildSa& child) {
  return "CHILD SA '" + child.name() + "' #" + std::to_string(child.serial) + " (" +
         std::string(to_string(child.state)) + ", in " + spi_text(child.spi_in) + ", out " +
         spi_text(child.spi_out) + ", reqid " + std::to_string(child.reqid) + ")";
}

std::string ike_text(const sa::IkeSa& ike) {
  return ike.label() + " (" + std::string(to_string(ike.state)) + ")";
}

/// The policies a CHILD SA needs (out, in, and fwd in tunnel mode, per pair of
/// selectors of one family), written from RFC 4301 4.4.1 rather than taken
/// from the engine's installer.
std::vector<sa::PolicyRequest> policies_needed(const sa::IkeSa& ike, const sa::ChildSa& child) {
  std::vector<sa::PolicyRequest> out;
  if (!child.config || !child.config->install_policy) return out;
  for (const auto& local : child.local_ts) {
    for (const auto& remote : child.remote_ts) {
      if (local.family() != remote.family()) continue;
      sa::PolicyRequest outbound;
      outbound.source = local;
      outbound.destination = remote;
      outbound.direction = sa::PolicyDirection::out;
      outbound.mark = child.config->mark_out;
      outbound.tunnel_source = ike.local.address;
      outbound.tunnel_destination = ike.remote.address;
      outbound.reqid = child.reqid;
      outbound.mode = child.mode;
      sa::PolicyRequest inbound = outbound;
      inbound.source = remote;
      inbound.destination = local;
      inbound.direction = sa::PolicyDirection::in;
      inbound.mark = child.config->mark_in;
      inbound.tunnel_source = ike.remote.address;
      inbound.tunnel_destination = ike.local.address;
      out.push_back(outbound);
      out.push_back(inbound);
      if (child.mode == sa::IpsecMode::tunnel) {
        inbound.direction = sa::PolicyDirection::fwd;
        out.push_back(inbound);
      }
    }
  }
  return out;
}

std::string policy_text(const sa::PolicyRequest& policy) {
  return std::string(to_string(policy.direction)) + " policy " + policy.source.to_string() +
         " === " + policy.destination.to_string() + " reqid " + std::to_string(policy.reqid);
}

}  // namespace

std::vector<std::string> unclaimed_kernel_state(HarnessPeer& peer, std::string_view who) {
  std::vector<std::string> out;
  // Runs after every input: compared field by field, no strings built.
  std::vector<const sa::ChildSa*> children;
  std::vector<sa::PolicyRequest> claimed_policies;
  for (const auto* ike : peer.engine.ike_sas()) {
    for (const auto& child : ike->children) {
      children.push_back(&child);
      if (!peer.kernel.policies.empty()) {
        auto needed = policies_needed(*ike, child);
        claimed_policies.insert(claimed_policies.end(), needed.begin(), needed.end());
      }
    }
  }
  for (const auto& [spi, installed] : peer.kernel.sas) {
    const auto& request = installed.request;
    bool claimed = false;
    for (const auto* child : children) {
      claimed |= child->reqid == request.reqid &&
                 (request.inbound ? child->spi_in == spi : child->spi_out == spi);
    }
    if (!claimed) {
      out.push_back(std::string(who) + ": kernel holds " +
                    (request.inbound ? "inbound" : "outbound") + " SA " + spi_text(spi) +
                    " (reqid " + std::to_string(request.reqid) + ") that no CHILD SA claims");
    }
  }
  for (const auto& [key, policy] : peer.kernel.policies) {
    bool claimed = false;
    for (const auto& wanted : claimed_policies) {
      claimed |= wanted.direction == policy.direction && wanted.reqid == policy.reqid &&
                 wanted.mark == policy.mark && wanted.source == policy.source &&
                 wanted.destination == policy.destination;
    }
    if (!claimed) {
      out.push_back(std::string(who) + ": kernel holds " + policy_text(policy) +
                    " that no CHILD SA claims");
    }
  }
  return out;
}

std::string unquiet(TwoPeerHarness& h) {
  h.collect();
  if (h.link().in_flight() != 0) {
    return std::to_string(h.link().in_flight()) + " datagram(s) on the link";
  }
  for (auto side : {Side::a, Side::b}) {
    auto who = std::string(to_string(side)) + ": ";
    for (const auto* ike : h.peer(side).engine.ike_sas()) {
      if (ike->state != sa::IkeState::established) return who + ike_text(*ike);
      if (ike->active) {
        return who + ike_text(*ike) + " runs " + std::string(ike->active->name());
      }
      if (ike->requests.busy()) return who + ike_text(*ike) + " waits for a response";
      if (!ike->queued.empty()) {
        return who + ike_text(*ike) + " has " + std::string(ike->queued.front()->name()) +
               " queued";
      }
      for (const auto& child : ike->children) {
        if (child.state != sa::ChildState::installed || child.deferred_outbound) {
          return who + ike_text(*ike) + ": " + child_text(child);
        }
      }
    }
  }
  return "";
}

namespace {

/// Check 3 for one peer: its kernel holds exactly the SAs and policies of
/// its live CHILD SAs.
void check_kernel(HarnessPeer& peer, std::string_view who, std::vector<std::string>& out) {
  std::map<std::uint32_t, sa::AddSaRequest> expected_sas;
  std::map<FakeKernel::PolicyKey, std::vector<sa::PolicyRequest>> expected_policies;
  auto note = [&](std::string line) { out.push_back(std::string(who) + ": " + std::move(line)); };
  for (const auto* ike : peer.engine.ike_sas()) {
    for (const auto& child : ike->children) {
      sa::AddSaRequest inbound;
      inbound.spi = child.spi_in;
      inbound.inbound = true;
      inbound.reqid = child.reqid;
      inbound.source = ike->remote.address;
      inbound.destination = ike->local.address;
      sa::AddSaRequest outbound = inbound;
      outbound.spi = child.spi_out;
      outbound.inbound = false;
      std::swap(outbound.source, outbound.destination);
      for (const auto& request : {inbound, outbound}) {
        if (!expected_sas.emplace(request.spi, request).second) {
          note("SPI " + spi_text(request.spi) + " is used twice, again by " + child_text(child));
        }
      }
      for (auto& policy : policies_needed(*ike, child))
        expected_policies[FakeKernel::key_of(policy)].push_back(policy);
    }
  }
  for (const auto& [spi, wanted] : expected_sas) {
    auto it = peer.kernel.sas.find(spi);
    auto what = std::string(wanted.inbound ? "inbound" : "outbound") + " SA " + spi_text(spi);
    if (it == peer.kernel.sas.end()) {
      note(what + " of a live CHILD SA is missing in the kernel");
      continue;
    }
    const auto& held = it->second.request;
    if (held.inbound != wanted.inbound || held.reqid != wanted.reqid ||
        !(held.source == wanted.source) || !(held.destination == wanted.destination)) {
      note(what + " in the kernel has another direction, reqid or addresses (reqid " +
           std::to_string(held.reqid) + ", wanted " + std::to_string(wanted.reqid) + ")");
    }
  }
  for (const auto& [spi, installed] : peer.kernel.sas) {
    if (!expected_sas.contains(spi)) {
      note("kernel holds SA " + spi_text(spi) + " of no live CHILD SA (leaked)");
    }
  }
  for (const auto& [key, wanted] : expected_policies) {
    auto it = peer.kernel.policies.find(key);
    if (it == peer.kernel.policies.end()) {
      note(policy_text(wanted.front()) + " of a live CHILD SA is missing in the kernel");
      continue;
    }
    const auto& held = it->second;
    bool owner = false;
    for (const auto& policy : wanted) {
      owner |= held.reqid == policy.reqid && held.tunnel_source == policy.tunnel_source &&
               held.tunnel_destination == policy.tunnel_destination && held.mode == policy.mode;
    }
    if (!owner) note(policy_text(held) + " in the kernel matches no live CHILD SA's template");
  }
  for (const auto& [key, policy] : peer.kernel.policies) {
    if (!expected_policies.contains(key)) {
      note("kernel holds " + policy_text(policy) + " of no live CHILD SA (leaked)");
    }
  }
  if (!peer.kernel.larval.empty()) {
    note(std::to_string(peer.kernel.larval.size()) + " allocated SPI(s) never installed (leaked)");
  }
}

const sa::IkeSa* twin_of(const sa::IkeSa& ike, HarnessPeer& other) {
  for (const auto* candidate : other.engine.ike_sas()) {
    if (candidate->spi_i == ike.spi_i && candidate->spi_r == ike.spi_r) return candidate;
  }
  return nullptr;
}

/// Check 2 for one pair of IKE SAs.
void check_children(const sa::IkeSa& a, const sa::IkeSa& b, std::vector<std::string>& out) {
  auto prefix = "IKE SA " + a.label() + ": ";
  for (const auto& ours : a.children) {
    const sa::ChildSa* theirs = nullptr;
    for (const auto& candidate : b.children)
      if (candidate.spi_in == ours.spi_out) theirs = &candidate;
    if (!theirs) {
      out.push_back(prefix + "a has " + child_text(ours) + ", b has no twin");
      continue;
    }
    if (theirs->spi_out != ours.spi_in || theirs->name() != ours.name() ||
        theirs->local_ts != ours.remote_ts || theirs->remote_ts != ours.local_ts ||
        !(theirs->algorithms == ours.algorithms) || theirs->mode != ours.mode) {
      out.push_back(prefix + "a's " + child_text(ours) + " and b's " + child_text(*theirs) +
                    " disagree (SPIs, config, selectors, mode or " +
                    proposal::describe(ours.algorithms) + " vs " +
                    proposal::describe(theirs->algorithms) + ")");
    }
  }
  for (const auto& theirs : b.children) {
    bool twin = false;
    for (const auto& candidate : a.children)
      twin |= candidate.spi_out == theirs.spi_in;
    if (!twin) out.push_back(prefix + "b has " + child_text(theirs) + ", a has no twin");
  }
}

/// The outbound SAs of `from` have the inbound twin with the same key at `to`.
void check_twins(HarnessPeer& from, HarnessPeer& to, std::string_view who,
                 std::vector<std::string>& out) {
  for (const auto& [spi, installed] : from.kernel.sas) {
    if (installed.request.inbound) continue;
    auto it = to.kernel.sas.find(spi);
    if (it == to.kernel.sas.end() || !it->second.request.inbound ||
        it->second.request.encryption_key != installed.request.encryption_key ||
        it->second.request.integrity_key != installed.request.integrity_key) {
      out.push_back(std::string(who) + "'s outbound SA " + spi_text(spi) +
                    " has no inbound twin with the same keys at the peer");
    }
  }
}

}  // namespace

std::vector<std::string> final_mismatches(TwoPeerHarness& h) {
  std::vector<std::string> out;
  auto& a = h.a();
  auto& b = h.b();
  // 1. The same IKE SAs, one the original initiator of each.
  for (const auto* ike : a.engine.ike_sas()) {
    const auto* twin = twin_of(*ike, b);
    if (!twin) {
      out.push_back("a has IKE SA " + ike_text(*ike) + ", b has none with its SPIs");
      continue;
    }
    if (twin->initiator == ike->initiator) {
      out.push_back("IKE SA " + ike->label() + ": both peers think they are its initiator");
    }
    check_children(*ike, *twin, out);
  }
  for (const auto* ike : b.engine.ike_sas()) {
    if (!twin_of(*ike, a)) {
      out.push_back("b has IKE SA " + ike_text(*ike) + ", a has none with its SPIs");
    }
  }
  // 3. The kernels.
  check_kernel(a, "a", out);
  check_kernel(b, "b", out);
  check_twins(a, b, "a", out);
  check_twins(b, a, "b", out);
  return out;
}

std::vector<std::string> missing_children(TwoPeerHarness& h, const std::set<std::string>& wanted) {
  std::vector<std::string> out;
  if (h.a().engine.ike_sas().empty() || h.b().engine.ike_sas().empty()) return out;
  for (const auto& name : wanted) {
    std::size_t found = 0;
    for (const auto* ike : h.a().engine.ike_sas()) {
      for (const auto& child : ike->children)
        found += child.name() == name;
    }
    if (found == 0) {
      out.push_back("both peers hold an IKE SA, but no CHILD SA '" + name +
                    "' though it was brought up and never ended (no traffic flows)");
    }
  }
  return out;
}

}  // namespace ike::test
