#include "ike/sa/message_window.hpp"

#include <cassert>

namespace ike {

void RequestWindow::sent(std::vector<Bytes> datagrams, MonoTime now,
                         const RetransmitPolicy& policy) {
  assert(!in_flight_);
  in_flight_ = InFlight{next_id_, std::move(datagrams), 0, now + retransmit_wait(policy, 0)};
  ++next_id_;
}

void RequestWindow::resend_as(std::vector<Bytes> datagrams, MonoTime now,
                              const RetransmitPolicy& policy) {
  assert(in_flight_);
  in_flight_->datagrams = std::move(datagrams);
  in_flight_->attempt = 0;
  in_flight_->deadline = now + retransmit_wait(policy, 0);
}

bool RequestWindow::accept_response(std::uint32_t message_id) noexcept {
  if (!in_flight_ || in_flight_->message_id != message_id) return false;
  in_flight_.reset();
  return true;
}

RequestWindow::TimerOutcome RequestWindow::on_timer(MonoTime now, const RetransmitPolicy& policy) {
  if (!in_flight_ || now < in_flight_->deadline) return TimerOutcome::nothing;
  if (retransmits_exhausted(policy, in_flight_->attempt)) return TimerOutcome::give_up;
  ++in_flight_->attempt;
  in_flight_->deadline = now + retransmit_wait(policy, in_flight_->attempt);
  return TimerOutcome::retransmit;
}

const std::vector<Bytes>& RequestWindow::datagrams() const {
  assert(in_flight_);
  return in_flight_->datagrams;
}

ResponseWindow::Verdict ResponseWindow::classify(std::uint32_t message_id) const noexcept {
  if (message_id == expected_id_) return Verdict::new_request;
  // Only the previous request can be a retransmission; anything older or
  // newer is outside a window of one.
  if (have_cached_ && message_id + 1 == expected_id_) return Verdict::retransmission;
  return Verdict::out_of_window;
}

void ResponseWindow::answered(std::uint32_t message_id, std::vector<Bytes> datagrams) {
  assert(message_id == expected_id_);
  cached_ = std::move(datagrams);
  have_cached_ = true;
  expected_id_ = message_id + 1;
}

}  // namespace ike
