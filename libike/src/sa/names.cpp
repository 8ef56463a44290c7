#include "ike/sa/connection.hpp"
#include "ike/sa/events.hpp"

namespace ike::sa {

std::string_view to_string(EventKind kind) noexcept {
  switch (kind) {
    case EventKind::log:
      return "log";
    case EventKind::ike_up:
      return "ike-up";
    case EventKind::ike_down:
      return "ike-down";
    case EventKind::ike_rekeyed:
      return "ike-rekeyed";
    case EventKind::child_up:
      return "child-up";
    case EventKind::child_down:
      return "child-down";
    case EventKind::child_rekeyed:
      return "child-rekeyed";
    case EventKind::failed:
      return "failed";
  }
  return "?";
}

std::string_view to_string(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warning:
      return "warning";
    case LogLevel::error:
      return "error";
  }
  return "?";
}

std::string_view to_string(AuthClass auth) noexcept {
  return auth == AuthClass::psk ? "psk" : "pubkey";
}

std::string_view to_string(PeerGoneAction action) noexcept {
  switch (action) {
    case PeerGoneAction::clear:
      return "clear";
    case PeerGoneAction::hold:
      return "hold";
    case PeerGoneAction::restart:
      return "restart";
  }
  return "?";
}

const ChildConfig* Connection::child(std::string_view child_name) const noexcept {
  for (const auto& candidate : children) {
    if (candidate.name == child_name) return &candidate;
  }
  return nullptr;
}

}  // namespace ike::sa
