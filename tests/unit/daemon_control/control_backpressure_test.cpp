// ControlServer under load: long replies, batched producers paced by
// when_drained(), clients that read slowly or not at all.

#include "control/control_server.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "control/control_client.hpp"
#include "control/request_codec.hpp"
#include "control_fixture.hpp"

namespace ikev2d::control {
namespace {

using namespace test;
using json = nlohmann::json;
using ::testing::HasSubstr;

TEST(ControlServer, OneHundredThousandSasStreamInOrder) {
  ServerHarness harness;
  ASSERT_TRUE(harness.start().ok());
  constexpr std::uint64_t kSas = 100'000;
  // The whole status is queued by one handler call (~90 MB, over the 64 MiB
  // queue bound): a burst the client reads as it is written.
  harness.handler().set_behavior([](const Command&, ReplyStreamPtr reply) {
    json record = sample_ike_sa(1);
    for (std::uint64_t serial = 1; serial <= kSas; ++serial) {
      record["serial"] = serial;
      reply->send(record);
    }
    reply->finish_ok();
  });
  std::uint64_t expected = 1;
  std::size_t bytes = 0;
  bool in_order = true;
  auto result = run_command(harness.socket_path(), StatusCommand{},
                            [&](const std::string& text, const json& line) {
                              bytes += text.size();
                              if (line["type"] != "ike_sa") return;
                              in_order = in_order && line["serial"] == expected;
                              ++expected;
                            });
  ASSERT_TRUE(result.ok()) << result.error().reason;
  EXPECT_TRUE((*result)["ok"].get<bool>());
  EXPECT_TRUE(in_order);
  EXPECT_EQ(expected, kSas + 1);
  EXPECT_GT(bytes, std::size_t{64} << 20);
  EXPECT_TRUE(harness.logs().empty());
}

/// The runtime's status: batches of 512 records, each batch continued from
/// when_drained(), so at most about one batch waits in memory.
struct PacedStatus {
  std::uint64_t next = 1;
  std::uint64_t total = 0;
  std::size_t peak_queued = 0;
  bool saw_closed = false;
};

void send_batches(ReplyStreamPtr reply, std::shared_ptr<PacedStatus> status) {
  if (reply->closed()) {
    status->saw_closed = true;
    return;
  }
  status->peak_queued = std::max(status->peak_queued, reply->queued_bytes());
  std::uint64_t end = std::min(status->total + 1, status->next + 512);
  for (; status->next < end; ++status->next)
    reply->send(sample_ike_sa(status->next));
  if (status->next > status->total) {
    reply->finish_ok();
    return;
  }
  reply->when_drained([reply, status] { send_batches(reply, status); });
}

TEST(ControlServer, BatchedStatusPacedByWhenDrainedKeepsMemoryAtOneBatch) {
  ServerHarness harness;
  ASSERT_TRUE(harness.start().ok());
  auto status = std::make_shared<PacedStatus>();
  status->total = 10'000;
  harness.handler().set_behavior(
      [status](const Command&, ReplyStreamPtr reply) { send_batches(reply, status); });
  std::uint64_t expected = 1;
  bool in_order = true;
  auto result = run_command(harness.socket_path(), StatusCommand{},
                            [&](const std::string&, const json& line) {
                              if (line["type"] != "ike_sa") return;
                              in_order = in_order && line["serial"] == expected++;
                              // A slow reader: a terminal, a pager.
                              if (expected % 1000 == 0) std::this_thread::sleep_for(20ms);
                            });
  ASSERT_TRUE(result.ok()) << result.error().reason;
  EXPECT_TRUE(in_order);
  EXPECT_EQ(expected, 10'001u);
  std::size_t peak = 0;
  harness.loop().call([&] { peak = status->peak_queued; });
  // The low-water mark plus one batch of ~900-byte records, far below 64 MiB.
  EXPECT_LT(peak, kDrainedBytes + 512 * 1024);
}

TEST(ControlServer, WhenDrainedWakesAPausedProducerWhoseClientHungUp) {
  ServerHarness harness;
  ASSERT_TRUE(harness.start().ok());
  auto status = std::make_shared<PacedStatus>();
  status->total = 1'000'000;
  harness.handler().set_behavior(
      [status](const Command&, ReplyStreamPtr reply) { send_batches(reply, status); });
  {
    RawClient client(harness.socket_path());
    client.send(encode_request(StatusCommand{}) + "\n");
    EXPECT_TRUE(client.read_line().has_value());
  }  // hang up without reading the rest
  EXPECT_TRUE(wait_until([&] {
    bool closed = false;
    harness.loop().call([&] { closed = status->saw_closed; });
    return closed;
  }));
  EXPECT_TRUE(wait_until([&] { return harness.client_count() == 0; }));
}

TEST(ControlServer, WhenDrainedOnAFinishedReplyRunsLaterAndSeesItClosed) {
  ServerHarness harness;
  ASSERT_TRUE(harness.start().ok());
  auto woke_closed = std::make_shared<std::atomic<int>>(0);
  harness.handler().set_behavior([woke_closed](const Command&, ReplyStreamPtr reply) {
    reply->send_serialized(R"({"type":"log","message":"pre-serialized"})");
    reply->finish_ok();
    auto returned = std::make_shared<bool>(false);
    reply->when_drained([reply, woke_closed, returned] {
      EXPECT_TRUE(*returned);  // not called from inside when_drained
      if (reply->closed()) ++*woke_closed;
    });
    *returned = true;
  });
  auto collected = collect(harness.socket_path(), StatusCommand{});
  ASSERT_TRUE(collected.result.ok());
  ASSERT_EQ(collected.lines.size(), 2u);
  EXPECT_EQ(collected.lines[0]["message"], "pre-serialized");
  EXPECT_TRUE(wait_until([&] { return woke_closed->load() == 1; }));
}

/// Sends 64 KiB of lines per loop turn until the reply is closed.
void stream_until_closed(boost::asio::io_context& io, ReplyStreamPtr reply,
                         std::shared_ptr<std::size_t> produced) {
  boost::asio::post(io, [&io, reply, produced] {
    if (reply->closed() || *produced > (std::size_t{512} << 20)) return;
    for (int i = 0; i < 16; ++i) {
      reply->send({{"type", "log"}, {"message", std::string(4000, 'x')}});
      *produced += 4000;
    }
    stream_until_closed(io, reply, produced);
  });
}

TEST(ControlServer, ClientThatStopsReadingIsDroppedWhenItsQueueExceedsTheBound) {
  ServerHarness harness;
  ControlServerOptions options;
  options.max_queued_bytes = 1u << 20;
  ASSERT_TRUE(harness.start(options).ok());
  auto produced = std::make_shared<std::size_t>(0);
  harness.handler().set_behavior([&](const Command&, ReplyStreamPtr reply) {
    stream_until_closed(harness.loop().io(), reply, produced);
  });
  RawClient client(harness.socket_path());
  client.set_receive_buffer(4096);
  client.send(encode_request(UpCommand{"office", ""}) + "\n");
  ASSERT_TRUE(wait_until([&] {
    auto replies = harness.handler().replies();
    bool closed = false;
    if (!replies.empty()) harness.loop().call([&] { closed = replies[0]->closed(); });
    return closed;
  }));
  std::size_t total = 0;
  harness.loop().call([&] { total = *produced; });
  EXPECT_LT(total, std::size_t{64} << 20);
  EXPECT_TRUE(wait_until([&] { return harness.client_count() == 0; }));
  ASSERT_FALSE(harness.logs().empty());
  EXPECT_THAT(harness.logs()[0], HasSubstr("replies unread, over the 1048576-byte limit"));
}

TEST(ControlServer, OneBurstLargerThanTheBoundIsNotDropped) {
  ServerHarness harness;
  ControlServerOptions options;
  options.max_queued_bytes = 64 * 1024;
  ASSERT_TRUE(harness.start(options).ok());
  harness.handler().set_behavior([](const Command&, ReplyStreamPtr reply) {
    for (int i = 0; i < 1000; ++i)
      reply->send({{"type", "log"}, {"message", std::string(1000, 'y')}});
    reply->finish_ok();
  });
  auto collected = collect(harness.socket_path(), StatusCommand{});
  ASSERT_TRUE(collected.result.ok()) << collected.result.error().reason;
  EXPECT_EQ(collected.lines.size(), 1001u);
}

TEST(ControlServer, ClientThatReadsNothingIsDroppedAfterTheWriteStallTimeout) {
  ServerHarness harness;
  ControlServerOptions options;
  options.write_stall_timeout = 200ms;
  ASSERT_TRUE(harness.start(options).ok());
  harness.handler().set_behavior([](const Command&, ReplyStreamPtr reply) {
    // More than the socket buffers hold, queued at once (within the bound).
    for (int i = 0; i < 2000; ++i)
      reply->send({{"type", "log"}, {"message", std::string(4000, 'z')}});
  });
  RawClient client(harness.socket_path());
  client.set_receive_buffer(4096);
  client.send(encode_request(StatusCommand{}) + "\n");
  ASSERT_TRUE(wait_until([&] { return harness.handler().replies().size() == 1; }));
  auto reply = harness.handler().replies()[0];
  EXPECT_TRUE(wait_until([&] {
    bool closed = false;
    harness.loop().call([&] { closed = reply->closed(); });
    return closed;
  }));
  EXPECT_TRUE(wait_until([&] { return harness.client_count() == 0; }));
  EXPECT_THAT(harness.logs(), ::testing::Contains(HasSubstr("stopped reading")));
}

}  // namespace
}  // namespace ikev2d::control
