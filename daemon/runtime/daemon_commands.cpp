// Control commands (control/command.hpp), on the loop thread.

#include <algorithm>

#include "runtime/config_records.hpp"
#include "runtime/daemon.hpp"
#include "runtime/status_record.hpp"

namespace ikev2d::runtime {

using nlohmann::json;

namespace {

/// Status records built per turn of the loop: big enough to be cheap, small
/// enough that 100,000 SAs do not hold IKE up for long.
constexpr std::size_t kStatusBatch = 512;
/// How long `ikectl down` waits for the peer's answers before replying.
constexpr auto kDownWait = std::chrono::seconds(3);

json message(std::string text) {
  json result = json::object();
  result["message"] = std::move(text);
  return result;
}

}  // namespace

void Daemon::handle(const control::Command& command, control::ReplyStreamPtr reply) {
  if (stopping_) {
    reply->finish_error("ikev2d is shutting down");
    return;
  }
  std::visit(
      [&](const auto& typed) {
        using T = std::decay_t<decltype(typed)>;
        if constexpr (std::is_same_v<T, control::UpCommand>) {
          command_up(typed, reply);
        } else if constexpr (std::is_same_v<T, control::DownCommand>) {
          command_down(typed, reply);
        } else if constexpr (std::is_same_v<T, control::StatusCommand>) {
          command_status(typed, reply);
        } else if constexpr (std::is_same_v<T, control::ReloadCommand>) {
          command_reload(reply);
        } else if constexpr (std::is_same_v<T, control::ListConnectionsCommand>) {
          command_list_connections(reply);
        } else if constexpr (std::is_same_v<T, control::ListCertificatesCommand>) {
          command_list_certificates(reply);
        } else if constexpr (std::is_same_v<T, control::RekeyCommand>) {
          command_rekey(typed, reply);
        } else if constexpr (std::is_same_v<T, control::LogCommand>) {
          command_log(typed, reply);
        }
      },
      command);
}

Daemon::ConnTarget Daemon::target_of(const std::string& name) const {
  auto found = setup_by_name_.find(name);
  if (found == setup_by_name_.end() ||
      found->second->auto_action == ike::config::AutoAction::ignore) {
    return ConnTarget{name, {}, false};
  }
  const auto& connection = *found->second->connection;
  return ConnTarget{connection.name, found->second->name, connection.children.size() > 1};
}

void Daemon::command_up(const control::UpCommand& up, control::ReplyStreamPtr reply) {
  auto target = target_of(up.connection);
  // Every shard has every connection.
  const auto* connection = engine(0).find_connection(target.connection);
  if (connection == nullptr) {
    reply->finish_error("no connection named '" + up.connection + "'");
    return;
  }
  std::string child = up.child.empty() ? target.child : up.child;
  if (child.empty() && !connection->children.empty()) child = connection->children.front().name;
  if (!up.child.empty() && connection->child(up.child) == nullptr) {
    reply->finish_error("connection '" + up.connection + "' has no CHILD '" + up.child + "'");
    return;
  }
  logger_.info(Subsystem::ctl, "up " + up.connection + (up.child.empty() ? "" : " " + up.child));
  ike::MonoTime now = begin_input();
  auto serial =
      engine(shard_for_initiation(target.connection)).initiate(target.connection, child, now);
  if (!serial) {
    reply->finish_error(serial.error().reason);
    after_input();
    return;
  }
  // Already up? (initiate does not duplicate a CHILD SA that is installed.)
  if (const auto* sa = find_ike_sa(*serial)) {
    for (const auto& existing : sa->children) {
      bool child_up = existing.state == ike::sa::ChildState::installed ||
                      existing.state == ike::sa::ChildState::rekeying;
      bool ike_up =
          sa->state == ike::sa::IkeState::established || sa->state == ike::sa::IkeState::rekeying;
      if (existing.config != nullptr && existing.name() == child && child_up && ike_up) {
        reply->finish_ok(message("CHILD SA '" + child + "' is already up"));
        after_input();
        return;
      }
    }
  }
  up_waits_.add(UpTracker::Waiter{*serial, target.connection, child, reply});
  after_input();
}

void Daemon::command_down(const control::DownCommand& down, control::ReplyStreamPtr reply) {
  auto target = target_of(down.connection);
  if (target.shares_ike_sa) {
    command_down_child(target, reply);
    return;
  }
  auto serials = ike_sas_of(target.connection);
  if (engine(0).find_connection(target.connection) == nullptr && serials.empty()) {
    reply->finish_error("no connection named '" + down.connection + "'");
    return;
  }
  logger_.info(Subsystem::ctl, "down " + down.connection);
  ike::MonoTime now = begin_input();
  if (serials.empty()) {
    reply->finish_ok(message("no IKE SA of '" + down.connection + "' to delete"));
    (void)on_every_shard([&](ike::sa::Engine& engine) {  // drops pending keyingtries
      return engine.terminate(target.connection, now);
    });
    after_input();
    return;
  }
  if (auto done = on_every_shard(
          [&](ike::sa::Engine& engine) { return engine.terminate(target.connection, now); });
      !done) {
    reply->finish_error(done.error().reason);
    after_input();
    return;
  }
  down_waits_.push_back(DownWait{std::move(serials), {}, reply, now + kDownWait});
  after_input();
  check_down_waits(std::chrono::steady_clock::now());
}

void Daemon::command_down_child(const ConnTarget& target, control::ReplyStreamPtr reply) {
  auto serials = ike_sas_of(target.connection);
  logger_.info(Subsystem::ctl,
               "down " + target.child + " (a CHILD of IKE connection " + target.connection + ")");
  ike::MonoTime now = begin_input();
  auto done = on_every_shard([&](ike::sa::Engine& engine) {
    return engine.terminate_child(target.connection, target.child, now);
  });
  if (serials.empty()) {
    reply->finish_ok(message("no IKE SA of '" + target.child + "' to delete"));
  } else if (!done) {
    reply->finish_error(done.error().reason);
  } else {
    down_waits_.push_back(DownWait{std::move(serials), target.child, reply, now + kDownWait});
  }
  after_input();
  check_down_waits(std::chrono::steady_clock::now());
}

void Daemon::command_status(const control::StatusCommand& status, control::ReplyStreamPtr reply) {
  auto serials = std::make_shared<std::vector<std::uint32_t>>();
  if (status.connection) {
    *serials = ike_sas_of(target_of(*status.connection).connection);
  } else {
    serials->reserve(count_ike_sas());
    for (std::size_t i = 0; i < shards_->size(); ++i) {
      for (const auto* sa : engine(i).ike_sas())
        serials->push_back(sa->serial);
    }
    // Oldest first across the shards too.
    std::sort(serials->begin(), serials->end());
  }
  stream_status(std::move(serials), 0, std::make_shared<IdentityTexts>(), std::move(reply));
}

void Daemon::stream_status(std::shared_ptr<std::vector<std::uint32_t>> serials, std::size_t next,
                           std::shared_ptr<IdentityTexts> identities,
                           control::ReplyStreamPtr reply) {
  if (reply->closed() || stopped_) return;
  ike::MonoTime now = std::chrono::steady_clock::now();
  std::size_t end = std::min(serials->size(), next + kStatusBatch);
  for (; next < end; ++next) {
    // SAs may have gone since the snapshot: look each up again.
    if (const auto* sa = find_ike_sa((*serials)[next])) {
      reply->send_serialized(ike_sa_record(*sa, shared_kernel_.get(), now, *identities));
    }
  }
  if (next == serials->size()) {
    json result = json::object();
    result["ike_sas"] = serials->size();
    reply->finish_ok(std::move(result));
    return;
  }
  // Let IKE run between batches, and let the client read: the next batch
  // comes when this one has mostly left (ReplyStream::when_drained).
  auto& stream = *reply;
  stream.when_drained([this, serials = std::move(serials), next, identities = std::move(identities),
                       reply = std::move(reply)]() mutable {
    stream_status(std::move(serials), next, std::move(identities), std::move(reply));
  });
}

void Daemon::command_reload(control::ReplyStreamPtr reply) {
  logger_.info(Subsystem::ctl, "reload");
  auto reloaded = reload();
  if (!reloaded) {
    logger_.error(Subsystem::cfg,
                  "reload failed, running configuration kept: " + reloaded.error().reason);
    reply->finish_error(reloaded.error().reason);
    return;
  }
  logger_.info(Subsystem::cfg, "reloaded: " + *reloaded);
  reply->finish_ok(message(*reloaded));
}

void Daemon::command_list_connections(control::ReplyStreamPtr reply) {
  for (const auto& setup : config_.connections)
    reply->send(connection_record(setup));
  json result = json::object();
  result["connections"] = config_.connections.size();
  reply->finish_ok(std::move(result));
}

void Daemon::command_list_certificates(control::ReplyStreamPtr reply) {
  for (const auto& certificate : config_.certificates) {
    if (!certificate) continue;
    // Ours: the end-entity certificate of a connection (its key is loaded).
    bool ours = false;
    for (const auto& setup : config_.connections) {
      const auto& chain = setup.connection->local_certificates;
      if (!chain.empty() && chain.front() &&
          chain.front()->fingerprint_sha256() == certificate->fingerprint_sha256()) {
        ours = true;
        break;
      }
    }
    reply->send(certificate_record(*certificate, ours));
  }
  json result = json::object();
  result["certificates"] = config_.certificates.size();
  reply->finish_ok(std::move(result));
}

void Daemon::command_rekey(const control::RekeyCommand& rekey, control::ReplyStreamPtr reply) {
  logger_.info(Subsystem::ctl, "rekey " + rekey.connection + (rekey.ike ? " --ike" : ""));
  ike::MonoTime now = begin_input();
  auto target = target_of(rekey.connection);
  auto done = on_every_shard([&](ike::sa::Engine& engine) {
    return target.shares_ike_sa && !rekey.ike
               ? engine.rekey_child(target.connection, target.child, now)
               : engine.rekey(target.connection, rekey.ike, now);
  });
  if (done) {
    reply->finish_ok(message(std::string(rekey.ike ? "IKE SA" : "CHILD SA") + " rekey of '" +
                             rekey.connection + "' started"));
  } else {
    reply->finish_error(done.error().reason);
  }
  after_input();
}

void Daemon::command_log(const control::LogCommand& log, control::ReplyStreamPtr reply) {
  auto level = parse_log_level(log.level);
  if (!level) {
    reply->finish_error("unknown log level '" + log.level + "'");
    return;
  }
  if (log.subsystem) {
    auto subsystem = parse_subsystem(*log.subsystem);
    if (!subsystem) {
      reply->finish_error("unknown subsystem '" + *log.subsystem + "'");
      return;
    }
    logger_.levels().set(*subsystem, *level);
  } else {
    logger_.levels().set_all(*level);
  }
  std::string what = "log level " + log.level +
                     (log.subsystem ? " for " + *log.subsystem : " for every subsystem");
  logger_.info(Subsystem::ctl, what);
  reply->finish_ok(message(what));
}

}  // namespace ikev2d::runtime
