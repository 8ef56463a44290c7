#pragma once
/// systemd's readiness protocol (sd_notify(3)) for Type=notify: one datagram
/// of "KEY=value" lines to the unix socket named by $NOTIFY_SOCKET (a leading
/// '@' is Linux's abstract namespace). Without $NOTIFY_SOCKET nothing is sent.
/// Written here rather than taken from libsystemd: it is ten lines and the
/// daemon then builds the same everywhere.

#include <cstddef>
#include <string>
#include <string_view>

#include "ike/error.hpp"

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

/// The STATUS= text: "N IKE SAs, M CHILD SAs".
std::string status_text(std::size_t ike_sas, std::size_t child_sas);

}  // namespace ikev2d::runtime
