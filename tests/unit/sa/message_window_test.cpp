#include <gtest/gtest.h>

#include "ike/sa/message_window.hpp"

namespace ike {
namespace {

const MonoTime t0{};

TEST(RequestWindow, RetransmitsOnTheScheduleThenGivesUp) {
  RetransmitPolicy policy;
  RequestWindow window;
  window.sent({Bytes{1, 2, 3}}, t0, policy);
  EXPECT_TRUE(window.busy());
  EXPECT_EQ(window.in_flight_id(), 0u);
  EXPECT_EQ(window.next_id(), 1u);
  EXPECT_EQ(window.on_timer(t0 + milliseconds(3999), policy), RequestWindow::TimerOutcome::nothing);
  MonoTime now = t0;
  for (int attempt = 0; attempt < policy.tries; ++attempt) {
    now += retransmit_wait(policy, attempt);
    ASSERT_EQ(window.deadline(), now);
    EXPECT_EQ(window.on_timer(now, policy), RequestWindow::TimerOutcome::retransmit);
    EXPECT_EQ(window.datagrams().front(), (Bytes{1, 2, 3}));
  }
  now += retransmit_wait(policy, policy.tries);
  EXPECT_EQ(now - t0, give_up_after(policy));
  EXPECT_EQ(window.on_timer(now, policy), RequestWindow::TimerOutcome::give_up);
}

TEST(RequestWindow, OnlyTheMatchingResponseCompletesTheRequest) {
  RetransmitPolicy policy;
  RequestWindow window;
  window.sent({Bytes{1}}, t0, policy);
  EXPECT_FALSE(window.accept_response(1));
  EXPECT_TRUE(window.accept_response(0));
  EXPECT_FALSE(window.busy());
  EXPECT_FALSE(window.accept_response(0));  // a duplicate response is ignored
  window.sent({Bytes{2}}, t0, policy);
  EXPECT_EQ(window.in_flight_id(), 1u);
}

TEST(RequestWindow, ResendAsKeepsTheMessageIdAndRestartsTheTimer) {
  RetransmitPolicy policy;
  RequestWindow window;
  window.sent({Bytes{1}}, t0, policy);
  window.resend_as({Bytes{9}}, t0 + seconds(1), policy);
  EXPECT_EQ(window.in_flight_id(), 0u);
  EXPECT_EQ(window.next_id(), 1u);
  EXPECT_EQ(window.deadline(), t0 + seconds(5));
  EXPECT_EQ(window.datagrams().front(), Bytes{9});
}

TEST(ResponseWindow, ClassifiesNewRetransmittedAndOutOfWindowRequests) {
  ResponseWindow window;
  EXPECT_EQ(window.classify(0), ResponseWindow::Verdict::new_request);
  EXPECT_EQ(window.classify(1), ResponseWindow::Verdict::out_of_window);
  EXPECT_EQ(window.classify(0xffffffff), ResponseWindow::Verdict::out_of_window);
  window.answered(0, {Bytes{7}});
  EXPECT_EQ(window.classify(0), ResponseWindow::Verdict::retransmission);
  EXPECT_EQ(window.cached_response().front(), Bytes{7});
  EXPECT_EQ(window.classify(1), ResponseWindow::Verdict::new_request);
  EXPECT_EQ(window.classify(2), ResponseWindow::Verdict::out_of_window);
  window.answered(1, {Bytes{8}});
  EXPECT_EQ(window.classify(0), ResponseWindow::Verdict::out_of_window);
}

}  // namespace
}  // namespace ike
