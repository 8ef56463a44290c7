#pragma once
/// `ikectl up`: the client sees the log lines of the IKE SA it started until
/// the CHILD SA it asked for is installed (result ok) or the negotiation
/// failed (result error with the reason, e.g. the kernel's "kernel has no ESP
/// support"). Pure bookkeeping: the daemon feeds it the engine's events.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "control/command.hpp"
#include "ike/sa/events.hpp"

namespace ikev2d::runtime {

/// The "log" reply line for an engine event (schema in control/command.hpp).
nlohmann::json event_log_line(const ike::sa::Event& event);
/// The message a log line shows for an event: log events as they are, the
/// others prefixed with their kind unless the message already says it.
std::string event_message(const ike::sa::Event& event);

class UpTracker {
 public:
  struct Waiter {
    std::uint32_t ike_serial = 0;
    std::string connection;
    /// The CHILD SA that ends the wait ("" = any).
    std::string child;
    control::ReplyStreamPtr reply;
  };

  void add(Waiter waiter) { waiters_.push_back(std::move(waiter)); }
  /// `child_name`: the name of the CHILD SA a child event is about ("" if
  /// unknown). Streams the event to the waiters of its IKE SA and finishes
  /// the ones it decides. A waiter whose IKE SA is gone (`alive` says no)
  /// follows the next IKE SA of its connection: keyingtries starts a new
  /// one after a failed attempt.
  void on_event(const ike::sa::Event& event, std::string_view child_name,
                const std::function<bool(std::uint32_t)>& alive);
  /// Finishes every waiter with `reason` (shutdown).
  void fail_all(const std::string& reason);
  std::size_t size() const noexcept { return waiters_.size(); }

 private:
  void forget_finished();
  std::vector<Waiter> waiters_;
};

}  // namespace ikev2d::runtime
