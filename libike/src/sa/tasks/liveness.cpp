/// Liveness checks (RFC 7296 2.4) and what follows a dead peer (dpd_action).

#include "liveness.hpp"

#include <algorithm>

#include "ike/wire/message.hpp"

namespace ike::sa {

namespace {

/// RFC 7296 2.4: "an INFORMATIONAL request with no payloads"; the peer's
/// (empty) response is all we need, and the engine notes the time it heard it.
class LivenessInitiator final : public Task {
 public:
  std::string_view name() const override { return "liveness initiator"; }
  wire::ExchangeType exchange() const override { return wire::ExchangeType::informational; }
  TaskStatus build(IkeSa& sa, Services& services, std::vector<wire::Payload>&) override {
    services.log(sa, LogLevel::debug, "nothing heard for a while, checking that the peer is alive");
    return TaskStatus::done;
  }
  TaskStatus process(IkeSa&, Services&, const InboundMessage&) override { return TaskStatus::done; }
};

void publish_child_action(const IkeSa& sa, Services& services, const ChildSa& child,
                          PeerGoneAction action) {
  std::string message = "dpd_action=" + std::string(to_string(action)) + " for CHILD SA '" +
                        child.name() + "': peer is dead";
  switch (action) {
    case PeerGoneAction::clear:
      message += ", removing it";
      break;
    case PeerGoneAction::hold:
      // The hook: the daemon keeps traffic for this CHILD config trapped
      // (auto=route) so the next packet brings the tunnel up again.
      message += ", trap policies to be installed for config '" + child.name() + "'";
      break;
    case PeerGoneAction::restart:
      message += ", initiating the connection again";
      break;
  }
  services.publish(sa, EventKind::log, std::move(message), child.serial);
}

}  // namespace

std::unique_ptr<Task> make_liveness_initiator() {
  return std::make_unique<LivenessInitiator>();
}

std::optional<MonoTime> liveness_due(const IkeSa& sa) {
  if (sa.state != IkeState::established) return std::nullopt;
  if (sa.connection->dpd_delay <= Duration::zero()) return std::nullopt;
  if (sa.active || sa.requests.busy() || !sa.queued.empty()) return std::nullopt;
  return sa.last_heard + sa.connection->dpd_delay;
}

RetransmitPolicy liveness_retransmit_policy(const Connection& connection) {
  auto policy = connection.retransmit;
  auto limit = connection.dpd_timeout;
  auto total = give_up_after(policy);
  if (limit <= Duration::zero() || total <= limit) return policy;
  // Every wait is proportional to initial_timeout (and capped by
  // max_timeout), so scaling both scales the total.
  double factor = static_cast<double>(limit.count()) / static_cast<double>(total.count());
  auto scale = [factor](Duration d) {
    return Duration(static_cast<Duration::rep>(static_cast<double>(d.count()) * factor));
  };
  policy.initial_timeout = std::max(scale(policy.initial_timeout), Duration(1));
  if (policy.max_timeout > Duration::zero()) {
    policy.max_timeout = std::max(scale(policy.max_timeout), Duration(1));
  }
  return policy;
}

RetransmitPolicy request_retransmit_policy(const IkeSa& sa) {
  if (sa.active && dynamic_cast<const LivenessInitiator*>(sa.active.get())) {
    return liveness_retransmit_policy(*sa.connection);
  }
  return sa.connection->retransmit;
}

void schedule_liveness_check(IkeSa& sa, Services& services) {
  auto due = liveness_due(sa);
  if (due && services.now >= *due) sa.queued.push_back(make_liveness_initiator());
}

DeadPeerPlan plan_dead_peer(const IkeSa& sa, Services& services) {
  DeadPeerPlan plan;
  const auto& connection = *sa.connection;
  for (const auto& child : sa.children) {
    auto action = child.config ? child.config->dpd_action : connection.dpd_action;
    publish_child_action(sa, services, child, action);
    if (action != PeerGoneAction::restart || !child.config) continue;
    plan.restart = true;
    if (std::find(plan.restart_children.begin(), plan.restart_children.end(), child.config) ==
        plan.restart_children.end()) {
      plan.restart_children.push_back(child.config);
    }
  }
  // An IKE SA without CHILD SAs follows the connection's own action.
  if (sa.children.empty() && connection.dpd_action == PeerGoneAction::restart) plan.restart = true;
  if (plan.restart) {
    services.log(sa, LogLevel::info,
                 "dpd_action=restart: initiating '" + connection.name + "' again with " +
                     std::to_string(plan.restart_children.size()) + " CHILD SA(s)");
  }
  return plan;
}

}  // namespace ike::sa
