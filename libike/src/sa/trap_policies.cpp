#include "trap_policies.hpp"

namespace ike::sa {

TrapPolicyKernel::Key TrapPolicyKernel::key_of(const PolicyRequest& request) {
  return {request.source, request.destination, request.direction, request.mark.value,
          request.mark.mask};
}

TrapPolicyKernel::Template TrapPolicyKernel::Template::of(const PolicyRequest& request) {
  return {request.tunnel_source, request.tunnel_destination, request.mode, request.reqid};
}

void TrapPolicyKernel::forget_if_unused(std::map<Key, Entry>::iterator it) {
  if (!it->second.trap && it->second.installed == 0) by_key_.erase(it);
}

Status TrapPolicyKernel::add_policy(const PolicyRequest& request) {
  auto it = by_key_.find(key_of(request));
  if (it != by_key_.end() && it->second.installed > 0) {
    // Shared with the CHILD SAs already using it (same reqid and endpoints).
    const auto& held = it->second.policy;
    if (!(held == Template::of(request))) {
      return make_error(Errc::invalid_argument,
                        "policy already exists (reqid " + std::to_string(held.reqid) + ", " +
                            held.tunnel_source.to_string() + " -> " +
                            held.tunnel_destination.to_string() + "): " + request.story);
    }
    ++it->second.installed;
    return {};
  }
  bool trap_in_kernel = it != by_key_.end() && it->second.trap && it->second.installed == 0;
  if (trap_in_kernel) {
    auto trap = *it->second.trap;
    trap.story = "remove " + trap.story + ": replaced by the " + request.story;
    (void)kernel_.delete_policy(trap);
  }
  auto added = kernel_.add_policy(request);
  if (!added) {
    if (trap_in_kernel) {
      auto trap = *it->second.trap;
      trap.story = "reinstall " + trap.story;
      (void)kernel_.add_policy(trap);
    }
    return added;
  }
  if (it == by_key_.end()) it = by_key_.emplace(key_of(request), Entry{}).first;
  ++it->second.installed;
  it->second.policy = Template::of(request);
  return {};
}

Status TrapPolicyKernel::delete_policy(const PolicyRequest& request) {
  auto it = by_key_.find(key_of(request));
  if (it != by_key_.end() && it->second.installed == 0) {
    // Only the trap is in the kernel under this key: it is not the caller's.
    return make_error(Errc::invalid_argument,
                      "no such policy (a trap has its selectors): " + request.story);
  }
  if (it != by_key_.end() && it->second.installed > 1) {
    --it->second.installed;  // other CHILD SAs still use it
    return {};
  }
  auto deleted = kernel_.delete_policy(request);
  if (it == by_key_.end()) return deleted;
  if (it->second.installed > 0) --it->second.installed;
  if (it->second.trap && it->second.installed == 0) {
    auto trap = *it->second.trap;
    trap.story = "reinstall " + trap.story + " after the " + request.story;
    (void)kernel_.add_policy(trap);
  }
  forget_if_unused(it);
  return deleted;
}

Status TrapPolicyKernel::add_trap(const PolicyRequest& trap) {
  auto [it, inserted] = by_key_.emplace(key_of(trap), Entry{});
  if (it->second.trap) {
    return make_error(Errc::invalid_argument,
                      trap.story + ": the " + it->second.trap->story + " has the same selectors");
  }
  if (it->second.installed == 0) {
    if (auto added = kernel_.add_policy(trap); !added) {
      forget_if_unused(it);
      return make_error(added.error().code, trap.story + ": " + added.error().reason);
    }
  }
  it->second.trap = std::make_unique<PolicyRequest>(trap);
  return {};
}

void TrapPolicyKernel::remove_trap(const PolicyRequest& trap) {
  auto it = by_key_.find(key_of(trap));
  if (it == by_key_.end() || !it->second.trap) return;
  if (it->second.installed == 0) {
    auto request = *it->second.trap;
    request.story = "remove " + request.story;
    (void)kernel_.delete_policy(request);
  }
  it->second.trap.reset();
  forget_if_unused(it);
}

}  // namespace ike::sa
