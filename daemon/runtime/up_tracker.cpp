#include "runtime/up_tracker.hpp"

#include <algorithm>

namespace ikev2d::runtime {

using ike::sa::EventKind;

std::string event_message(const ike::sa::Event& event) {
  if (event.kind == EventKind::log) return event.message;
  std::string kind(ike::sa::to_string(event.kind));
  if (event.message.empty()) return kind;
  return kind + ": " + event.message;
}

nlohmann::json event_log_line(const ike::sa::Event& event) {
  nlohmann::json line = nlohmann::json::object();
  line["type"] = "log";
  line["level"] = ike::sa::to_string(event.level);
  line["subsystem"] = "ike";
  line["connection"] = event.connection;
  line["sa"] = event.sa_label;
  line["message"] = event_message(event);
  return line;
}

void UpTracker::on_event(const ike::sa::Event& event, std::string_view child_name,
                         const std::function<bool(std::uint32_t)>& alive) {
  for (auto& waiter : waiters_) {
    if (waiter.reply->closed()) continue;
    if (waiter.ike_serial != event.ike_serial) {
      if (waiter.connection != event.connection || alive(waiter.ike_serial)) continue;
      waiter.ike_serial = event.ike_serial;
    }
    if (event.level != ike::sa::LogLevel::debug) waiter.reply->send(event_log_line(event));
    switch (event.kind) {
      case EventKind::child_up:
        if (waiter.child.empty() || child_name.empty() || waiter.child == child_name) {
          nlohmann::json result = nlohmann::json::object();
          result["message"] = "connection '" + event.connection + "' established successfully";
          waiter.reply->finish_ok(std::move(result));
        }
        break;
      case EventKind::failed:
        // A failed CHILD SA other than ours (child_serial set and a
        // different name) does not end our wait.
        if (event.child_serial == 0 || child_name.empty() || waiter.child.empty() ||
            waiter.child == child_name) {
          waiter.reply->finish_error(event.message);
        }
        break;
      case EventKind::ike_down:
        waiter.reply->finish_error("IKE SA down: " + event.message);
        break;
      default:
        break;
    }
  }
  forget_finished();
}

void UpTracker::fail_all(const std::string& reason) {
  for (auto& waiter : waiters_)
    waiter.reply->finish_error(reason);
  waiters_.clear();
}

void UpTracker::forget_finished() {
  std::erase_if(waiters_, [](const Waiter& waiter) { return waiter.reply->closed(); });
}

}  // namespace ikev2d::runtime
