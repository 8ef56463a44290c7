#include <gtest/gtest.h>

#include "runtime/up_tracker.hpp"

namespace ikev2d::runtime {
namespace {

using ike::sa::Event;
using ike::sa::EventKind;
using ike::sa::LogLevel;

class RecordingReply final : public control::ReplyStream {
 public:
  void send(const nlohmann::json& line) override {
    if (!finished) lines.push_back(line);
  }
  void finish_ok(nlohmann::json result) override {
    if (finished) return;
    finished = true;
    ok = true;
    this->result = std::move(result);
  }
  void finish_error(const std::string& reason) override {
    if (finished) return;
    finished = true;
    error = reason;
  }
  bool closed() const override { return finished || hung_up; }

  std::vector<nlohmann::json> lines;
  nlohmann::json result;
  bool finished = false;
  bool ok = false;
  bool hung_up = false;
  std::string error;
};

Event event(EventKind kind, std::uint32_t serial, std::string message,
            std::uint32_t child_serial = 0, LogLevel level = LogLevel::info) {
  Event e;
  e.kind = kind;
  e.level = level;
  e.connection = "office";
  e.ike_serial = serial;
  e.child_serial = child_serial;
  e.sa_label = "office[" + std::to_string(serial) + "] 1111111111111111/2222222222222222";
  e.message = std::move(message);
  return e;
}

bool always_alive(std::uint32_t) {
  return true;
}
bool never_alive(std::uint32_t) {
  return false;
}

TEST(UpTracker, StreamsLogLinesUntilTheChildIsUp) {
  UpTracker tracker;
  auto reply = std::make_shared<RecordingReply>();
  tracker.add({1, "office", "net", reply});
  tracker.on_event(event(EventKind::log, 1, "sending IKE_SA_INIT request"), "", always_alive);
  tracker.on_event(event(EventKind::log, 1, "too detailed", 0, LogLevel::debug), "", always_alive);
  tracker.on_event(event(EventKind::log, 2, "another SA"), "", always_alive);
  tracker.on_event(event(EventKind::ike_up, 1, "IKE SA established"), "", always_alive);
  EXPECT_FALSE(reply->finished);
  tracker.on_event(event(EventKind::child_up, 1, "CHILD SA 'net' installed", 3), "net",
                   always_alive);
  ASSERT_TRUE(reply->finished);
  EXPECT_TRUE(reply->ok);
  EXPECT_EQ(reply->result["message"], "connection 'office' established successfully");
  ASSERT_EQ(reply->lines.size(), 3u);
  EXPECT_EQ(reply->lines[0]["type"], "log");
  EXPECT_EQ(reply->lines[0]["level"], "info");
  EXPECT_EQ(reply->lines[0]["subsystem"], "ike");
  EXPECT_EQ(reply->lines[0]["connection"], "office");
  EXPECT_EQ(reply->lines[0]["sa"], "office[1] 1111111111111111/2222222222222222");
  EXPECT_EQ(reply->lines[0]["message"], "sending IKE_SA_INIT request");
  EXPECT_EQ(reply->lines[1]["message"], "ike-up: IKE SA established");
  EXPECT_EQ(tracker.size(), 0u);
}

TEST(UpTracker, AnotherChildComingUpDoesNotEndTheWait) {
  UpTracker tracker;
  auto reply = std::make_shared<RecordingReply>();
  tracker.add({1, "office", "voice", reply});
  tracker.on_event(event(EventKind::child_up, 1, "CHILD SA 'net' installed", 2), "net",
                   always_alive);
  EXPECT_FALSE(reply->finished);
  tracker.on_event(event(EventKind::failed, 1, "CHILD SA 'net' failed: x", 2), "net", always_alive);
  EXPECT_FALSE(reply->finished);
  tracker.on_event(event(EventKind::child_up, 1, "CHILD SA 'voice' installed", 4), "voice",
                   always_alive);
  EXPECT_TRUE(reply->ok);
}

TEST(UpTracker, FailureEndsWithTheEnginesReason) {
  UpTracker tracker;
  auto reply = std::make_shared<RecordingReply>();
  tracker.add({1, "office", "net", reply});
  tracker.on_event(event(EventKind::ike_up, 1, "IKE SA established"), "", always_alive);
  tracker.on_event(event(EventKind::failed, 1,
                         "CHILD SA failed: install inbound ESP: kernel has no ESP support"),
                   "", always_alive);
  ASSERT_TRUE(reply->finished);
  EXPECT_FALSE(reply->ok);
  EXPECT_EQ(reply->error, "CHILD SA failed: install inbound ESP: kernel has no ESP support");
}

TEST(UpTracker, IkeDownEndsTheWait) {
  UpTracker tracker;
  auto reply = std::make_shared<RecordingReply>();
  tracker.add({1, "office", "", reply});
  tracker.on_event(event(EventKind::ike_down, 1, "deleted by the peer"), "", always_alive);
  EXPECT_EQ(reply->error, "IKE SA down: deleted by the peer");
}

TEST(UpTracker, FollowsTheNextIkeSaOfItsConnectionAfterAKeyingTry) {
  UpTracker tracker;
  auto reply = std::make_shared<RecordingReply>();
  tracker.add({1, "office", "net", reply});
  // SA 1 is gone; keyingtries started SA 5 for the same connection.
  tracker.on_event(event(EventKind::log, 5, "trying again (attempt 2 of 3)"), "", never_alive);
  tracker.on_event(event(EventKind::child_up, 5, "CHILD SA 'net' installed", 6), "net",
                   always_alive);
  EXPECT_TRUE(reply->ok);
  EXPECT_EQ(reply->lines.front()["message"], "trying again (attempt 2 of 3)");
}

TEST(UpTracker, ClientsThatHungUpAreForgottenAndFailAllEndsTheRest) {
  UpTracker tracker;
  auto gone = std::make_shared<RecordingReply>();
  auto waiting = std::make_shared<RecordingReply>();
  tracker.add({1, "office", "net", gone});
  tracker.add({2, "office", "net", waiting});
  gone->hung_up = true;
  tracker.on_event(event(EventKind::log, 1, "x"), "", always_alive);
  EXPECT_TRUE(gone->lines.empty());
  EXPECT_EQ(tracker.size(), 1u);
  tracker.fail_all("ikev2d is shutting down");
  EXPECT_EQ(waiting->error, "ikev2d is shutting down");
  EXPECT_EQ(tracker.size(), 0u);
}

}  // namespace
}  // namespace ikev2d::runtime
