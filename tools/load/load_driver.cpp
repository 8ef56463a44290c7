#include "load/load_driver.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "load/flood_request.hpp"

namespace ikev2d::load {

using ike::MonoTime;
using ike::sa::EventKind;

namespace {

double seconds_between(MonoTime from, MonoTime to) {
  return std::chrono::duration<double>(to - from).count();
}

std::string seconds_text(ike::Duration duration) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", static_cast<double>(duration.count()) / 1000.0);
  return buffer;
}

ike::Duration milliseconds_of(double seconds) {
  return ike::Duration(static_cast<ike::Duration::rep>(std::llround(seconds * 1000.0)));
}

/// Failure reasons name the connection ("CHILD SA 'load-17' ..."); counted
/// by reason, they must not differ by that name: "load-17" -> "load-*".
std::string without_tunnel_numbers(const std::string& message) {
  std::string out;
  out.reserve(message.size());
  const std::string prefix = "load-";
  for (std::size_t i = 0; i < message.size();) {
    if (message.compare(i, prefix.size(), prefix) == 0) {
      std::size_t end = i + prefix.size();
      while (end < message.size() && message[end] >= '0' && message[end] <= '9')
        ++end;
      if (end > i + prefix.size()) {
        out += prefix + "*";
        i = end;
        continue;
      }
    }
    out += message[i++];
  }
  return out;
}

}  // namespace

DriverSettings driver_settings(const LoadOptions& options) {
  DriverSettings settings;
  settings.count = options.count;
  settings.rate = options.rate;
  settings.concurrency = options.concurrency;
  settings.hold = milliseconds_of(options.hold_seconds);
  settings.rekey = options.rekey;
  settings.down = options.down;
  settings.timeout = milliseconds_of(options.timeout_seconds);
  return settings;
}

LoadDriver::LoadDriver(DriverSettings settings,
                       std::shared_ptr<const ConnectionFactory> connections,
                       std::shared_ptr<const ike::sa::Credentials> credentials,
                       ike::sa::EngineSettings engine_settings,
                       std::function<ike::MonoTime()> clock)
    : settings_(settings),
      connections_(std::move(connections)),
      credentials_(std::move(credentials)),
      clock_(std::move(clock)),
      engine_(engine_settings, random_, kernel_, events_, *credentials_) {
  tunnels_.resize(settings_.count);
  report_.requested = settings_.count;
}

void LoadDriver::start(MonoTime now, ike::WallTime wall) {
  engine_.set_wall_time(wall);
  run_start_ = now;
  enter(Phase::establishing, now);
  settle(now);
}

void LoadDriver::handle_datagram(const ike::sa::Datagram& datagram, MonoTime now,
                                 ike::WallTime wall) {
  engine_.set_wall_time(wall);
  // Counted here because the engine answers cookies without an event.
  if (classify_init_answer(datagram.bytes) == InitAnswer::cookie) ++report_.cookies_received;
  engine_.handle_datagram(datagram, now);
  settle(now);
}

void LoadDriver::handle_timeout(MonoTime now, ike::WallTime wall) {
  engine_.set_wall_time(wall);
  engine_.handle_timeout(now);
  settle(now);
}

void LoadDriver::interrupt(MonoTime now) {
  if (phase_ == Phase::done) return;
  report_.interrupted = true;
  enter(Phase::done, now);
}

void LoadDriver::settle(MonoTime now) {
  do {
    auto events = std::move(events_.events);
    events_.events.clear();
    if (!events.empty()) {
      MonoTime at = event_time(now);
      for (const auto& event : events)
        on_event(event, at);
    }
    advance(now);
  } while (!events_.events.empty());
}

void LoadDriver::on_event(const ike::sa::Event& raw_event, MonoTime at) {
  if (raw_event.kind == EventKind::log) return;
  auto index = ConnectionFactory::index_of(raw_event.connection);
  if (!index || *index >= tunnels_.size()) return;
  ike::sa::Event event = raw_event;
  event.message = without_tunnel_numbers(event.message);
  Tunnel& tunnel = tunnels_[*index];
  switch (event.kind) {
    case EventKind::ike_up:
      if (tunnel.state == TunnelState::negotiating && tunnel.operation == Operation::establish) {
        ++report_.ike.succeeded;
        ike_latency_.add(at - tunnel.started);
        ++report_.child.attempted;
        tunnel.child_pending = true;
      }
      // One that timed out and came up late is up all the same (and deleted
      // by --down), but not counted as established in time.
      tunnel.state = TunnelState::up;
      break;
    case EventKind::child_up:
      if (tunnel.child_pending) {
        tunnel.child_pending = false;
        ++report_.child.succeeded;
        child_latency_.add(at - tunnel.started);
        if (tunnel.operation == Operation::establish) finish_operation(tunnel, at);
      }
      break;
    case EventKind::failed:
      if (tunnel.operation == Operation::establish && tunnel.state == TunnelState::negotiating) {
        report_.ike.fail(event.message);
        tunnel.state = TunnelState::failed;
        finish_operation(tunnel, at);
      } else if (tunnel.child_pending) {
        tunnel.child_pending = false;
        report_.child.fail(event.message);
        if (tunnel.operation == Operation::establish) finish_operation(tunnel, at);
      } else if (tunnel.operation == Operation::rekey) {
        report_.rekey.fail(event.message);
        finish_operation(tunnel, at);
      }
      break;
    case EventKind::ike_rekeyed:
      if (tunnel.operation == Operation::rekey) {
        ++report_.rekey.succeeded;
        finish_operation(tunnel, at);
      }
      break;
    case EventKind::ike_down:
      if (tunnel.child_pending) {
        tunnel.child_pending = false;
        report_.child.fail("IKE SA went down: " + event.message);
      }
      if (tunnel.operation == Operation::down) {
        ++report_.down.succeeded;
      } else if (tunnel.operation == Operation::rekey) {
        report_.rekey.fail("IKE SA went down: " + event.message);
      } else if (tunnel.state == TunnelState::up) {
        ++report_.ike_lost;
      }
      tunnel.state = TunnelState::gone;
      if (tunnel.operation != Operation::none) finish_operation(tunnel, at);
      break;
    default:
      break;
  }
}

void LoadDriver::finish_operation(Tunnel& tunnel, MonoTime at) {
  tunnel.operation = Operation::none;
  --in_flight_;
  last_completion_ = at;
}

void LoadDriver::start_operation(std::size_t index, Operation operation, MonoTime now) {
  Tunnel& tunnel = tunnels_[index];
  tunnel.operation = operation;
  tunnel.started = now;
  ++in_flight_;
  in_flight_order_.push_back({index, operation});
  auto name = ConnectionFactory::name_of(index);
  ike::Status started;
  switch (operation) {
    case Operation::establish: {
      ++report_.ike.attempted;
      tunnel.state = TunnelState::negotiating;
      engine_.add_connection(connections_->make(index));
      auto serial = engine_.initiate(name, "", now);
      if (!serial) started = std::move(serial).error();
      break;
    }
    case Operation::rekey:
      ++report_.rekey.attempted;
      started = engine_.rekey(name, /*ike=*/true, now);
      break;
    case Operation::down:
      ++report_.down.attempted;
      started = engine_.terminate(name, now);
      break;
    case Operation::none:
      break;
  }
  if (started) return;
  // Refused before anything was sent: a failure of that operation.
  std::string reason = "not started: " + started.error().reason;
  if (operation == Operation::establish) {
    report_.ike.fail(reason);
    tunnel.state = TunnelState::failed;
  } else if (operation == Operation::rekey) {
    report_.rekey.fail(reason);
  } else {
    report_.down.fail(reason);
  }
  finish_operation(tunnel, now);
}

void LoadDriver::expire_operations(MonoTime now) {
  bool timeouts = settings_.timeout > ike::Duration::zero();
  while (!in_flight_order_.empty()) {
    auto [index, operation] = in_flight_order_.front();
    Tunnel& tunnel = tunnels_[index];
    if (tunnel.operation != operation) {
      in_flight_order_.pop_front();  // finished already
      continue;
    }
    if (!timeouts || now < tunnel.started + settings_.timeout) break;
    in_flight_order_.pop_front();
    std::string reason = "timed out after " + seconds_text(settings_.timeout) + " s";
    if (operation == Operation::establish) {
      if (tunnel.state == TunnelState::negotiating) {
        report_.ike.fail(reason);
        tunnel.state = TunnelState::failed;
      } else if (tunnel.child_pending) {
        tunnel.child_pending = false;
        report_.child.fail(reason);
      }
    } else if (operation == Operation::rekey) {
      report_.rekey.fail(reason);
    } else {
      report_.down.fail(reason);
    }
    finish_operation(tunnel, now);
  }
}

std::optional<MonoTime> LoadDriver::next_initiation_time() const {
  if (phase_ != Phase::establishing || cursor_ >= tunnels_.size() ||
      in_flight_ >= settings_.concurrency || settings_.rate <= 0) {
    return std::nullopt;
  }
  auto offset = std::chrono::duration<double>(static_cast<double>(cursor_) / settings_.rate);
  return phase_start_ + std::chrono::duration_cast<MonoTime::duration>(offset);
}

void LoadDriver::start_establishing(MonoTime now) {
  while (cursor_ < tunnels_.size() && in_flight_ < settings_.concurrency) {
    if (auto due = next_initiation_time(); due && now < *due) return;
    start_operation(cursor_++, Operation::establish, now);
  }
}

void LoadDriver::start_on_up_tunnels(Operation operation, MonoTime now) {
  while (cursor_ < tunnels_.size() && in_flight_ < settings_.concurrency) {
    std::size_t index = cursor_++;
    if (tunnels_[index].state == TunnelState::up && tunnels_[index].operation == Operation::none) {
      start_operation(index, operation, now);
    }
  }
}

void LoadDriver::enter(Phase phase, MonoTime now) {
  phase_ = phase;
  phase_start_ = now;
  cursor_ = 0;
  if (phase == Phase::holding) hold_until_ = now + settings_.hold;
  if (phase == Phase::done) finished_at_ = now;
}

void LoadDriver::advance(MonoTime now) {
  expire_operations(now);
  for (;;) {
    switch (phase_) {
      case Phase::idle:
      case Phase::done:
        return;
      case Phase::establishing:
        start_establishing(now);
        if (cursor_ < tunnels_.size() || in_flight_ > 0) return;
        report_.establish_seconds = seconds_between(phase_start_, last_completion_.value_or(now));
        enter(Phase::holding, now);
        break;
      case Phase::holding:
        if (now < *hold_until_) return;
        enter(Phase::rekeying, now);
        break;
      case Phase::rekeying:
        if (settings_.rekey) {
          start_on_up_tunnels(Operation::rekey, now);
          if (cursor_ < tunnels_.size() || in_flight_ > 0) return;
          report_.rekey_seconds = seconds_between(phase_start_, now);
        }
        enter(Phase::deleting, now);
        break;
      case Phase::deleting:
        if (settings_.down) {
          start_on_up_tunnels(Operation::down, now);
          if (cursor_ < tunnels_.size() || in_flight_ > 0) return;
          report_.down_seconds = seconds_between(phase_start_, now);
        }
        enter(Phase::done, now);
        return;
    }
  }
}

std::optional<MonoTime> LoadDriver::next_deadline() const {
  if (phase_ == Phase::done) return std::nullopt;
  std::optional<MonoTime> deadline = engine_.next_deadline();
  auto consider = [&deadline](std::optional<MonoTime> candidate) {
    if (candidate && (!deadline || *candidate < *deadline)) deadline = candidate;
  };
  consider(next_initiation_time());
  if (phase_ == Phase::holding) consider(hold_until_);
  if (settings_.timeout > ike::Duration::zero()) {
    for (const auto& entry : in_flight_order_) {
      const Tunnel& tunnel = tunnels_[entry.index];
      if (tunnel.operation != entry.operation) continue;
      consider(tunnel.started + settings_.timeout);
      break;
    }
  }
  return deadline;
}

LoadReport LoadDriver::report() const {
  LoadReport report = report_;
  report.ike_latency = ike_latency_.summary();
  report.child_latency = child_latency_.summary();
  if (report.establish_seconds == 0 && last_completion_) {
    // Interrupted while establishing: the rate so far.
    report.establish_seconds = seconds_between(run_start_, *last_completion_);
  }
  if (report.establish_seconds > 0) {
    report.handshakes_per_second =
        static_cast<double>(report.ike.succeeded) / report.establish_seconds;
  }
  if (finished_at_) report.wall_seconds = seconds_between(run_start_, *finished_at_);
  return report;
}

}  // namespace ikev2d::load
