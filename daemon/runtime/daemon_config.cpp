// Loading, applying and reloading the configuration (daemon.hpp,
// reload_plan.hpp).

#include "runtime/daemon.hpp"

namespace ikev2d::runtime {

using ike::config::AutoAction;

ike::Result<setup::Configuration> Daemon::load() const {
  return setup::load_configuration(options_.paths, host_, std::chrono::system_clock::now());
}

void Daemon::index_configuration() {
  setup_by_name_.clear();
  setup_by_name_.reserve(config_.connections.size());
  for (const auto& setup : config_.connections) {
    setup_by_name_.emplace(setup.name, &setup);
  }
}

void Daemon::act_on_auto(const setup::ConnectionSetup& setup, ike::MonoTime now) {
  // Sections sharing a connection are all routed or none (shared_ike_sas.hpp):
  // routing it again is a no-op.
  const std::string& name = setup.name;
  if (setup.auto_action == AutoAction::route) {
    if (auto routed = shard_->engine().route(setup.connection->name, now); !routed) {
      logger_.error(Subsystem::cfg, "auto=route " + name + ": " + routed.error().reason);
    }
  } else if (setup.auto_action == AutoAction::start) {
    if (auto started = shard_->engine().initiate(setup.connection->name, name, now); !started) {
      logger_.error(Subsystem::cfg, "auto=start " + name + ": " + started.error().reason);
    }
  }
}

void Daemon::apply(const ReloadPlan& plan, const setup::Configuration& loaded, bool starting) {
  ike::MonoTime now = begin_input();
  auto& engine = shard_->engine();
  if (!starting) shard_->replace_credentials(loaded.credentials);
  for (const auto& name : plan.dropped) {
    // Running SAs stay (update-like reload, reload_plan.hpp); the engine
    // unroutes the connection's traps.
    engine.remove_connection(name);
  }
  for (const auto* setup : plan.changed) {
    bool was_routed = engine.is_routed(setup->connection->name);
    if (setup->auto_action == AutoAction::ignore) {
      engine.remove_connection(setup->connection->name);
      continue;
    }
    engine.add_connection(setup->connection);  // replaces by name, keeps traps
    if (was_routed && setup->auto_action != AutoAction::route) {
      (void)engine.unroute(setup->connection->name);
    } else if (!was_routed && setup->auto_action == AutoAction::route) {
      act_on_auto(*setup, now);
    }
  }
  for (const auto* setup : plan.added) {
    if (setup->auto_action == AutoAction::ignore) continue;
    engine.add_connection(setup->connection);
    act_on_auto(*setup, now);
  }
}

ike::Result<std::string> Daemon::reload() {
  (void)notifier_.notify("RELOADING=1");
  auto loaded = load();
  if (!loaded) {
    (void)notifier_.notify("READY=1");
    return loaded.error();
  }
  for (const auto& warning : loaded->warnings)
    logger_.warning(Subsystem::cfg, warning);
  ReloadPlan plan = plan_reload(config_.connections, loaded->connections);
  apply(plan, *loaded, /*starting=*/false);
  shard_->engine().set_nat_keepalive_interval(loaded->setup.keep_alive);
  std::string summary = plan.summary();
  // The plan points into `loaded`; moving the vector keeps its elements.
  config_ = std::move(*loaded);
  index_configuration();
  after_input();
  (void)notifier_.notify("READY=1");
  return summary;
}

}  // namespace ikev2d::runtime
