#pragma once
/// Message IDs and retransmission state of one IKE SA (RFC 7296 2.1-2.3), with
/// a window of one request in each direction (SET_WINDOW_SIZE is not sent, so
/// the peer may have one request outstanding, and so may we).

#include <cstdint>
#include <optional>
#include <vector>

#include "ike/bytes.hpp"
#include "ike/sa/retransmission.hpp"
#include "ike/sa/time.hpp"

namespace ike {

/// Our requests: which message ID the next one takes, and the one in flight.
class RequestWindow {
 public:
  /// Message ID the next request will carry.
  std::uint32_t next_id() const noexcept { return next_id_; }
  bool busy() const noexcept { return in_flight_.has_value(); }
  std::optional<std::uint32_t> in_flight_id() const noexcept {
    return in_flight_ ? std::optional(in_flight_->message_id) : std::nullopt;
  }

  /// Records a request (all its datagrams, several when fragmented) as sent at
  /// `now`, consuming the next message ID.
  void sent(std::vector<Bytes> datagrams, MonoTime now, const RetransmitPolicy& policy);
  /// Replaces the datagrams of the request in flight without consuming an ID
  /// (an IKE_SA_INIT retried with a COOKIE or another KE group keeps ID 0).
  void resend_as(std::vector<Bytes> datagrams, MonoTime now, const RetransmitPolicy& policy);
  /// True if `message_id` answers the request in flight; the request is then done.
  bool accept_response(std::uint32_t message_id) noexcept;

  enum class TimerOutcome { nothing, retransmit, give_up };
  /// At `now`: nothing due, send the datagrams again (returned by `datagrams()`),
  /// or give up on the peer.
  TimerOutcome on_timer(MonoTime now, const RetransmitPolicy& policy);
  const std::vector<Bytes>& datagrams() const;
  std::optional<MonoTime> deadline() const noexcept {
    return in_flight_ ? std::optional(in_flight_->deadline) : std::nullopt;
  }
  /// Forget the request in flight (the SA is going away).
  void abandon() noexcept { in_flight_.reset(); }
  /// Message ID 0 is used by IKE_SA_INIT; a rekeyed IKE SA starts again at 0.
  void reset(std::uint32_t next_id = 0) noexcept {
    next_id_ = next_id;
    in_flight_.reset();
  }

 private:
  struct InFlight {
    std::uint32_t message_id = 0;
    std::vector<Bytes> datagrams;
    int attempt = 0;
    MonoTime deadline{};
  };
  std::uint32_t next_id_ = 0;
  std::optional<InFlight> in_flight_;
};

/// The peer's requests: which ID we expect next, and our cached last response.
class ResponseWindow {
 public:
  enum class Verdict {
    new_request,     ///< process it and answer
    retransmission,  ///< answer again with `cached_response()`, do not process
    out_of_window,   ///< drop silently (RFC 7296 2.3)
  };
  Verdict classify(std::uint32_t message_id) const noexcept;
  /// Stores the response to the request with `message_id` and moves the window on.
  void answered(std::uint32_t message_id, std::vector<Bytes> datagrams);
  const std::vector<Bytes>& cached_response() const noexcept { return cached_; }
  std::uint32_t expected_id() const noexcept { return expected_id_; }
  void reset(std::uint32_t expected_id = 0) noexcept {
    expected_id_ = expected_id;
    cached_.clear();
    have_cached_ = false;
  }

 private:
  std::uint32_t expected_id_ = 0;
  std::vector<Bytes> cached_;
  bool have_cached_ = false;
};

}  // namespace ike
