#pragma once
/// The load run as a state machine around one ike::sa::Engine (the
/// initiator, with a NullKernel): it starts IKE SAs at the asked rate and
/// concurrency, follows the engine's events to count what was established
/// and what failed (and why), then holds, rekeys and deletes them as asked.
///
/// Like the engine it reads no clock and does no I/O: the caller feeds
/// datagrams and timeouts and sends what poll_transmit() returns, exactly as
/// daemon/runtime drives the engine, so a test can run it against an
/// in-process responder and --threads N can run one driver (one
/// engine) per thread.
///
///   driver.start(now, wall);
///   loop: driver.handle_datagram(d, now, wall) / driver.handle_timeout(now, wall);
///         while (auto out = driver.poll_transmit()) send(*out);
///         timer at driver.next_deadline(); until driver.finished()

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "ike/random.hpp"
#include "ike/sa/engine.hpp"
#include "ike/sa/null_kernel.hpp"
#include "load/latency.hpp"
#include "load/load_report.hpp"
#include "load/load_setup.hpp"

namespace ikev2d::load {

struct DriverSettings {
  std::uint64_t count = 1;
  /// Initiations per second; 0: as fast as `concurrency` allows.
  double rate = 0;
  std::uint64_t concurrency = 100;
  ike::Duration hold = ike::Duration::zero();
  bool rekey = false;
  bool down = false;
  /// An operation (handshake, rekey, delete) not finished this long after it
  /// started counts as failed ("timed out"); zero: never.
  ike::Duration timeout = ike::seconds(60);
};

/// Builds DriverSettings from the command line.
DriverSettings driver_settings(const LoadOptions& options);

class LoadDriver {
 public:
  /// `clock` gives the time at which events of an input are counted (the
  /// end of the input, so latencies include its processing); without one
  /// the input's `now` is used.
  LoadDriver(DriverSettings settings, std::shared_ptr<const ConnectionFactory> connections,
             std::shared_ptr<const ike::sa::Credentials> credentials,
             ike::sa::EngineSettings engine_settings = {},
             std::function<ike::MonoTime()> clock = {});
  LoadDriver(const LoadDriver&) = delete;
  LoadDriver& operator=(const LoadDriver&) = delete;

  void start(ike::MonoTime now, ike::WallTime wall);
  void handle_datagram(const ike::sa::Datagram& datagram, ike::MonoTime now, ike::WallTime wall);
  void handle_timeout(ike::MonoTime now, ike::WallTime wall);
  /// Ends the run at once (SIGINT); the report says so.
  void interrupt(ike::MonoTime now);

  std::optional<ike::sa::Datagram> poll_transmit() { return engine_.poll_transmit(); }
  std::optional<ike::MonoTime> next_deadline() const;
  bool finished() const noexcept { return phase_ == Phase::done; }
  LoadReport report() const;
  /// The samples behind report()'s latency summaries, for combining the
  /// drivers of several threads.
  const LatencySamples& ike_latency_samples() const noexcept { return ike_latency_; }
  const LatencySamples& child_latency_samples() const noexcept { return child_latency_; }

  const ike::sa::Engine& engine() const noexcept { return engine_; }
  const ike::sa::NullKernel& kernel() const noexcept { return kernel_; }

 private:
  enum class Phase : std::uint8_t { idle, establishing, holding, rekeying, deleting, done };
  enum class TunnelState : std::uint8_t { idle, negotiating, up, failed, gone };
  enum class Operation : std::uint8_t { none, establish, rekey, down };
  struct Tunnel {
    ike::MonoTime started{};
    TunnelState state = TunnelState::idle;
    Operation operation = Operation::none;
    bool child_pending = false;
  };
  struct InFlight {
    std::size_t index;
    Operation operation;
  };

  class EventQueue final : public ike::sa::EventSink {
   public:
    void publish(const ike::sa::Event& event) override { events.push_back(event); }
    std::vector<ike::sa::Event> events;
  };

  ike::MonoTime event_time(ike::MonoTime now) const { return clock_ ? clock_() : now; }
  /// Counts the events of the last input and starts what is due, until quiet.
  void settle(ike::MonoTime now);
  void on_event(const ike::sa::Event& event, ike::MonoTime at);
  void advance(ike::MonoTime now);
  void enter(Phase phase, ike::MonoTime now);
  void start_operation(std::size_t index, Operation operation, ike::MonoTime now);
  void finish_operation(Tunnel& tunnel, ike::MonoTime at);
  void expire_operations(ike::MonoTime now);
  void start_establishing(ike::MonoTime now);
  /// Rekeys or deletes the next up tunnels while below the concurrency.
  void start_on_up_tunnels(Operation operation, ike::MonoTime now);
  std::optional<ike::MonoTime> next_initiation_time() const;

  DriverSettings settings_;
  std::shared_ptr<const ConnectionFactory> connections_;
  std::shared_ptr<const ike::sa::Credentials> credentials_;
  std::function<ike::MonoTime()> clock_;
  ike::SystemRandom random_;
  ike::sa::NullKernel kernel_;
  EventQueue events_;
  ike::sa::Engine engine_;

  Phase phase_ = Phase::idle;
  std::vector<Tunnel> tunnels_;
  std::deque<InFlight> in_flight_order_;
  std::uint64_t in_flight_ = 0;
  /// Next tunnel to start in the current phase.
  std::size_t cursor_ = 0;
  ike::MonoTime run_start_{};
  ike::MonoTime phase_start_{};
  std::optional<ike::MonoTime> last_completion_;
  std::optional<ike::MonoTime> hold_until_;
  std::optional<ike::MonoTime> finished_at_;

  LoadReport report_;
  LatencySamples ike_latency_;
  LatencySamples child_latency_;
};

}  // namespace ikev2d::load
