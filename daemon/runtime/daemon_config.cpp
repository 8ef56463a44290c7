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
    // One shard holds the traps, the one the ACQUIREs' reqids name: the
    // peer's, where the IKE SAs with that peer live.
    auto& home = engine(home_shard(*setup.connection));
    if (auto routed = home.route(setup.connection->name, now); !routed) {
      logger_.error(Subsystem::cfg, "auto=route " + name + ": " + routed.error().reason);
    }
  } else if (setup.auto_action == AutoAction::start) {
    auto& starter = engine(shard_for_initiation(setup.connection->name));
    if (auto started = starter.initiate(setup.connection->name, name, now); !started) {
      logger_.error(Subsystem::cfg, "auto=start " + name + ": " + started.error().reason);
    }
  }
}

void Daemon::apply(const ReloadPlan& plan, const setup::Configuration& loaded, bool starting) {
  ike::MonoTime now = begin_input();
  for (std::size_t i = 0; i < shards_->size(); ++i) {
    auto& shard_engine = engine(i);
    if (!starting) (*shards_)[i].replace_credentials(loaded.credentials);
    for (const auto& name : plan.dropped) {
      // Running SAs stay (update-like reload, reload_plan.hpp); the engine
      // unroutes the connection's traps.
      shard_engine.remove_connection(name);
    }
    for (const auto* setup : plan.changed) {
      bool was_routed = shard_engine.is_routed(setup->connection->name);
      if (setup->auto_action == AutoAction::ignore) {
        shard_engine.remove_connection(setup->connection->name);
        continue;
      }
      shard_engine.add_connection(setup->connection);  // replaces by name, keeps traps
      // Traps live on the home shard only, which a new peer address moves.
      bool stays_routed =
          setup->auto_action == AutoAction::route && i == home_shard(*setup->connection);
      if (was_routed && !stays_routed) (void)shard_engine.unroute(setup->connection->name);
    }
    for (const auto* setup : plan.added) {
      if (setup->auto_action != AutoAction::ignore) shard_engine.add_connection(setup->connection);
    }
  }
  for (const auto* setup : plan.changed) {
    if (setup->auto_action == AutoAction::route &&
        !engine(home_shard(*setup->connection)).is_routed(setup->connection->name)) {
      act_on_auto(*setup, now);
    }
  }
  for (const auto* setup : plan.added) {
    if (setup->auto_action != AutoAction::ignore) act_on_auto(*setup, now);
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
  for (std::size_t i = 0; i < shards_->size(); ++i)
    engine(i).set_nat_keepalive_interval(loaded->setup.keep_alive);
  std::string summary = plan.summary();
  // The plan points into `loaded`; moving the vector keeps its elements.
  config_ = std::move(*loaded);
  index_configuration();
  after_input();
  (void)notifier_.notify("READY=1");
  return summary;
}

}  // namespace ikev2d::runtime
