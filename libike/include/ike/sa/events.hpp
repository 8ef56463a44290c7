#pragma once
/// Events, not calls (STYLE.md 9): tasks publish what happened; logging,
/// counters and `ikectl` listen. Every event names its connection and SA so
/// each log line can start with "office[3] 1a2b3c4d…/5e6f…".

#include <cstdint>
#include <string>

namespace ike::sa {

enum class EventKind : std::uint8_t {
  log,            ///< a line for the log, at `level`
  ike_up,         ///< IKE SA established
  ike_down,       ///< IKE SA gone (deleted, failed, timed out)
  ike_rekeyed,    ///< IKE SA replaced by a rekeyed one
  child_up,       ///< CHILD SA installed in the kernel
  child_down,     ///< CHILD SA removed from the kernel
  child_rekeyed,  ///< CHILD SA replaced without a gap
  failed,         ///< a negotiation we started failed; `message` says why
};
std::string_view to_string(EventKind kind) noexcept;

enum class LogLevel : std::uint8_t { debug, info, warning, error };
std::string_view to_string(LogLevel level) noexcept;

struct Event {
  EventKind kind = EventKind::log;
  LogLevel level = LogLevel::info;
  std::string connection;
  std::uint32_t ike_serial = 0;
  std::uint32_t child_serial = 0;  ///< 0 when the event is about the IKE SA
  /// "name[serial] spi_i/spi_r", ready to prefix a log line.
  std::string sa_label;
  std::string message;
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void publish(const Event& event) = 0;
};

}  // namespace ike::sa
