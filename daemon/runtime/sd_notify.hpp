#pragma once
/// systemd's readiness protocol (sd_notify(3)) for Type=notify: one datagram
/// of "KEY=value" lines to the unix socket named by $NOTIFY_SOCKET (a leading
/// '@' is Linux's abstract namespace). Without $NOTIFY_SOCKET nothing is sent.
/// Written here rather than taken from libsystemd: it is ten lines and the
/// daemon then builds the same everywhere.

#include <optional>
#include <string>
#include <string_view>

#include "ike/error.hpp"
#include "ike/sa/time.hpp"

namespace ikev2d::runtime {

class SystemdNotifier {
 public:
  /// $NOTIFY_SOCKET, or a notifier that does nothing.
  static SystemdNotifier from_environment();
  explicit SystemdNotifier(std::string socket_path) : socket_path_(std::move(socket_path)) {}

  bool enabled() const noexcept { return !socket_path_.empty(); }
  /// Sends `state` ("READY=1\nSTATUS=...") as one datagram.
  ike::Status notify(std::string_view state) const;

 private:
  std::string socket_path_;
};

/// STATUS= updates at most once per `interval`: the last text offered in
/// between is sent when the interval ends (a flood of SAs coming up must not
/// become a flood of datagrams to systemd).
class StatusThrottle {
 public:
  explicit StatusThrottle(ike::Duration interval = ike::seconds(1)) : interval_(interval) {}
  /// The text to send now, or nullopt (unchanged, or held until pending_until()).
  std::optional<std::string> offer(std::string text, ike::MonoTime now);
  /// When a held text is due.
  std::optional<ike::MonoTime> pending_until() const noexcept;
  /// The held text once it is due.
  std::optional<std::string> take_due(ike::MonoTime now);

 private:
  ike::Duration interval_;
  std::string last_sent_;
  std::optional<ike::MonoTime> last_sent_at_;
  /// The text waiting for the interval to end (when has_held_).
  std::string held_;
  bool has_held_ = false;
};

}  // namespace ikev2d::runtime
