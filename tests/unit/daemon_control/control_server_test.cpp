// ControlServer end to end, in-process: a fake CommandHandler on the loop
// thread, real UNIX sockets on a temporary path, clients on the test thread.

#include "control/control_server.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
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

/// Runs `command` with the library client, collecting every reply line.
struct Collected {
  std::vector<json> lines;
  ike::Result<json> result = json();
};

Collected collect(const std::string& path, const Command& command) {
  Collected collected;
  collected.result = run_command(path, command, [&](const std::string&, const json& line) {
    collected.lines.push_back(line);
  });
  return collected;
}

json parse_line(const std::optional<std::string>& line) {
  EXPECT_TRUE(line.has_value());
  return line ? json::parse(*line) : json();
}

TEST(ControlServer, StatusStreamsRecordsThenTheResult) {
  ServerHarness harness;
  ASSERT_TRUE(harness.start().ok());
  harness.handler().set_behavior([](const Command& command, ReplyStreamPtr reply) {
    EXPECT_EQ(command, Command(StatusCommand{"office"}));
    for (int serial = 1; serial <= 3; ++serial)
      reply->send(sample_ike_sa(serial));
    reply->finish_ok({{"sas", 3}});
  });
  auto collected = collect(harness.socket_path(), StatusCommand{"office"});
  ASSERT_TRUE(collected.result.ok()) << collected.result.error().reason;
  ASSERT_EQ(collected.lines.size(), 4u);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(collected.lines[i], sample_ike_sa(i + 1));
  EXPECT_EQ(*collected.result, (json{{"type", "result"}, {"ok", true}, {"sas", 3}}));
  EXPECT_EQ(collected.lines.back(), *collected.result);
}

TEST(ControlServer, ErrorResultCarriesTheReason) {
  ServerHarness harness;
  ASSERT_TRUE(harness.start().ok());
  harness.handler().set_behavior([](const Command&, ReplyStreamPtr reply) {
    reply->send({{"type", "log"}, {"level", "error"}, {"message", "no proposal"}});
    reply->finish_error("NO_PROPOSAL_CHOSEN");
    reply->finish_ok();  // ignored: the reply has ended
    reply->send({{"type", "log"}, {"message", "late"}});
    EXPECT_TRUE(reply->closed());
  });
  auto collected = collect(harness.socket_path(), UpCommand{"office", ""});
  ASSERT_TRUE(collected.result.ok());
  EXPECT_EQ(*collected.result,
            (json{{"type", "result"}, {"ok", false}, {"error", "NO_PROPOSAL_CHOSEN"}}));
  EXPECT_EQ(collected.lines.size(), 2u);
}

TEST(ControlServer, ResultFieldsCannotOverrideTypeOrOk) {
  ServerHarness harness;
  ASSERT_TRUE(harness.start().ok());
  harness.handler().set_behavior([](const Command&, ReplyStreamPtr reply) {
    reply->finish_ok({{"type", "log"}, {"ok", false}, {"message", "reloaded 3 connections"}});
  });
  auto collected = collect(harness.socket_path(), ReloadCommand{});
  ASSERT_TRUE(collected.result.ok());
  EXPECT_EQ(*collected.result,
            (json{{"type", "result"}, {"ok", true}, {"message", "reloaded 3 connections"}}));
}

TEST(ControlServer, InvalidUtf8FromTheRuntimeIsReplacedNotThrown) {
  ServerHarness harness;
  ASSERT_TRUE(harness.start().ok());
  harness.handler().set_behavior([](const Command&, ReplyStreamPtr reply) {
    reply->send({{"type", "ike_sa"}, {"remote_id", std::string("CN=\xff\xfe")}});
    reply->finish_ok();
  });
  auto collected = collect(harness.socket_path(), StatusCommand{});
  ASSERT_TRUE(collected.result.ok()) << collected.result.error().reason;
  EXPECT_EQ(collected.lines[0]["remote_id"], "CN=\xEF\xBF\xBD\xEF\xBF\xBD");
}

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

TEST(ControlServer, SocketsAreNotInheritedByScripts) {
  ServerHarness harness;
  ASSERT_TRUE(harness.start().ok());
  RawClient client(harness.socket_path());
  ASSERT_TRUE(wait_until([&] { return harness.client_count() == 1; }));
  int sockets = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code error;
    auto target = std::filesystem::read_symlink(entry.path(), error);
    if (error || !target.string().starts_with("socket:")) continue;
    int fd = std::stoi(entry.path().filename().string());
    ++sockets;
    EXPECT_TRUE(::fcntl(fd, F_GETFD) & FD_CLOEXEC) << "fd " << fd;
  }
  EXPECT_GE(sockets, 3);  // listener, accepted, client
}

TEST(ControlServer, UpStreamsLogLinesAsTheyHappen) {
  ServerHarness harness;
  ASSERT_TRUE(harness.start().ok());
  harness.handler().set_behavior([](const Command&, ReplyStreamPtr reply) {
    reply->send({{"type", "log"}, {"level", "info"}, {"message", "sending IKE_SA_INIT"}});
  });
  RawClient client(harness.socket_path());
  client.send(encode_request(UpCommand{"office", ""}) + "\n");
  // The first line arrives while the handler still holds the reply open.
  EXPECT_EQ(parse_line(client.read_line())["message"], "sending IKE_SA_INIT");
  auto replies = harness.handler().replies();
  ASSERT_EQ(replies.size(), 1u);
  harness.loop().call([&] {
    EXPECT_FALSE(replies[0]->closed());
    replies[0]->send({{"type", "log"}, {"level", "info"}, {"message", "CHILD SA installed"}});
    replies[0]->finish_ok({{"message", "connection 'office' established"}});
    EXPECT_TRUE(replies[0]->closed());
  });
  EXPECT_EQ(parse_line(client.read_line())["message"], "CHILD SA installed");
  EXPECT_EQ(parse_line(client.read_line())["ok"], true);
}

TEST(ControlServer, SeveralClientsAtOnce) {
  ServerHarness harness;
  ASSERT_TRUE(harness.start().ok());
  harness.handler().set_behavior([](const Command& command, ReplyStreamPtr reply) {
    const auto& status = std::get<StatusCommand>(command);
    for (int i = 0; i < 50; ++i) {
      reply->send({{"type", "log"}, {"connection", *status.connection}, {"n", i}});
    }
    reply->finish_ok();
  });
  constexpr int kClients = 8;
  std::atomic<int> good{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      std::string name = "conn" + std::to_string(c);
      int lines = 0;
      bool mine = true;
      auto result = run_command(harness.socket_path(), StatusCommand{name},
                                [&](const std::string&, const json& line) {
                                  if (line["type"] == "result") return;
                                  mine = mine && line["connection"] == name && line["n"] == lines;
                                  ++lines;
                                });
      if (result.ok() && (*result)["ok"] == true && lines == 50 && mine) ++good;
    });
  }
  for (auto& thread : clients)
    thread.join();
  EXPECT_EQ(good.load(), kClients);
  EXPECT_EQ(harness.handler().commands().size(), std::size_t{kClients});
}

TEST(ControlServer, RequestsOnOneConnectionRunOneAfterTheOther) {
  ServerHarness harness;
  ASSERT_TRUE(harness.start().ok());
  harness.handler().set_behavior([](const Command& command, ReplyStreamPtr reply) {
    if (std::holds_alternative<UpCommand>(command)) return;  // held open by the test
    reply->finish_ok({{"second", true}});
  });
  RawClient client(harness.socket_path());
  // Both requests in one write: the second waits for the first's reply.
  client.send(encode_request(UpCommand{"office", ""}) + "\n" + encode_request(StatusCommand{}) +
              "\n");
  ASSERT_TRUE(wait_until([&] { return harness.handler().commands().size() == 1; }));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(harness.handler().commands().size(), 1u);
  auto first = harness.handler().replies()[0];
  harness.loop().call([&] { first->finish_ok({{"first", true}}); });
  EXPECT_EQ(parse_line(client.read_line())["first"], true);
  EXPECT_EQ(parse_line(client.read_line())["second"], true);
  EXPECT_EQ(harness.handler().commands(),
            (std::vector<Command>{UpCommand{"office", ""}, StatusCommand{}}));
}

TEST(ControlServer, BadRequestGetsAnErrorAndTheConnectionStaysUsable) {
  ServerHarness harness;
  ASSERT_TRUE(harness.start().ok());
  RawClient client(harness.socket_path());
  client.send("{\"command\":\"shutdown\"}\n");
  auto error = parse_line(client.read_line());
  EXPECT_EQ(error["type"], "result");
  EXPECT_EQ(error["ok"], false);
  EXPECT_THAT(error["error"].get<std::string>(), HasSubstr("unknown command \"shutdown\""));
  client.send("not json\r\n{\"command\":\"reload\"}\n");
  EXPECT_THAT(parse_line(client.read_line())["error"].get<std::string>(),
              HasSubstr("malformed JSON"));
  EXPECT_EQ(parse_line(client.read_line())["ok"], true);
  EXPECT_EQ(harness.handler().commands(), std::vector<Command>{ReloadCommand{}});
}

TEST(ControlServer, LineAtTheLimitIsAcceptedOneByteMoreIsRefusedAndClosed) {
  ServerHarness harness;
  ASSERT_TRUE(harness.start().ok());
  std::string base = R"({"command":"status"})";
  {
    RawClient client(harness.socket_path());
    client.send(base + std::string(kMaxRequestBytes - base.size(), ' ') + "\n");
    EXPECT_EQ(parse_line(client.read_line())["ok"], true);
  }
  RawClient client(harness.socket_path());
  client.send(base + std::string(kMaxRequestBytes - base.size() + 1, ' ') + "\n");
  EXPECT_EQ(parse_line(client.read_line()),
            (json{{"type", "result"}, {"ok", false}, {"error", "request longer than 4096 bytes"}}));
  EXPECT_TRUE(client.wait_closed());
  EXPECT_EQ(harness.handler().commands().size(), 1u);
}

TEST(ControlServer, EndlessLineWithoutNewlineIsRefusedAndClosed) {
  ServerHarness harness;
  ASSERT_TRUE(harness.start().ok());
  RawClient client(harness.socket_path());
  client.send(std::string(64 * 1024, 'x'));
  EXPECT_EQ(parse_line(client.read_line())["error"], "request longer than 4096 bytes");
  EXPECT_TRUE(client.wait_closed());
  EXPECT_TRUE(wait_until([&] { return harness.client_count() == 0; }));
}

TEST(ControlServer, IdleClientIsClosedAfterTheRequestTimeout) {
  ServerHarness harness;
  ControlServerOptions options;
  options.request_timeout = 200ms;
  ASSERT_TRUE(harness.start(options).ok());
  RawClient silent(harness.socket_path());
  RawClient partial(harness.socket_path());
  partial.send(R"({"command":"sta)");
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(parse_line(silent.read_line())["error"], "no complete request within 200 ms");
  EXPECT_EQ(parse_line(partial.read_line())["error"], "no complete request within 200 ms");
  EXPECT_GE(std::chrono::steady_clock::now() - started, 150ms);
  EXPECT_TRUE(silent.wait_closed());
  EXPECT_TRUE(partial.wait_closed());
  EXPECT_TRUE(harness.handler().commands().empty());
}

TEST(ControlServer, TimeoutRestartsAfterEachReply) {
  ServerHarness harness;
  ControlServerOptions options;
  options.request_timeout = 300ms;
  ASSERT_TRUE(harness.start(options).ok());
  RawClient client(harness.socket_path());
  for (int i = 0; i < 4; ++i) {  // 4 x 200 ms: longer than one timeout in total
    std::this_thread::sleep_for(200ms);
    client.send(encode_request(ReloadCommand{}) + "\n");
    EXPECT_EQ(parse_line(client.read_line())["ok"], true) << i;
  }
}

TEST(ControlServer, HalfClosedClientStillGetsItsReply) {
  ServerHarness harness;
  ASSERT_TRUE(harness.start().ok());
  RawClient client(harness.socket_path());
  client.send(encode_request(ListConnectionsCommand{}));  // no newline: EOF ends the line
  client.shutdown_write();
  EXPECT_EQ(parse_line(client.read_line())["ok"], true);
  EXPECT_TRUE(client.wait_closed());
  EXPECT_EQ(harness.handler().commands(), std::vector<Command>{ListConnectionsCommand{}});
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

TEST(ControlServer, HangUpDuringUpClosesTheReply) {
  ServerHarness harness;
  ASSERT_TRUE(harness.start().ok());
  auto stopped = std::make_shared<std::atomic<bool>>(false);
  harness.handler().set_behavior([&](const Command&, ReplyStreamPtr reply) {
    // The runtime's `up`: a log line every 10 ms until the client is gone.
    auto timer = std::make_shared<boost::asio::steady_timer>(harness.loop().io());
    auto tick = std::make_shared<std::function<void()>>();
    *tick = [timer, reply, tick, stopped]() {
      if (reply->closed()) {
        *stopped = true;
        *tick = nullptr;  // break the cycle
        return;
      }
      reply->send({{"type", "log"}, {"level", "info"}, {"message", "retransmit"}});
      timer->expires_after(10ms);
      timer->async_wait([tick](const boost::system::error_code&) {
        if (*tick) (*tick)();
      });
    };
    (*tick)();
  });
  {
    RawClient client(harness.socket_path());
    client.send(encode_request(UpCommand{"office", "net"}) + "\n");
    EXPECT_TRUE(client.read_line().has_value());
    EXPECT_TRUE(client.read_line().has_value());
  }  // hang up
  EXPECT_TRUE(wait_until([&] { return stopped->load(); }));
  EXPECT_TRUE(wait_until([&] { return harness.client_count() == 0; }));
}

TEST(ControlServer, HandlerExceptionBecomesAnErrorResult) {
  ServerHarness harness;
  ASSERT_TRUE(harness.start().ok());
  harness.handler().set_behavior(
      [](const Command&, ReplyStreamPtr) { throw std::runtime_error("engine on fire"); });
  auto collected = collect(harness.socket_path(), DownCommand{"office"});
  ASSERT_TRUE(collected.result.ok());
  EXPECT_EQ((*collected.result)["error"], "internal error: engine on fire");
  EXPECT_THAT(harness.logs(), ::testing::Contains(HasSubstr("engine on fire")));
}

TEST(ControlServer, ClientsBeyondTheLimitAreTurnedAway) {
  ServerHarness harness;
  ControlServerOptions options;
  options.max_clients = 2;
  ASSERT_TRUE(harness.start(options).ok());
  RawClient first(harness.socket_path());
  RawClient second(harness.socket_path());
  ASSERT_TRUE(wait_until([&] { return harness.client_count() == 2; }));
  RawClient third(harness.socket_path());
  EXPECT_EQ(parse_line(third.read_line())["error"], "too many control clients, try again later");
  EXPECT_TRUE(third.wait_closed());
  first.close();
  ASSERT_TRUE(wait_until([&] { return harness.client_count() == 1; }));
  auto collected = collect(harness.socket_path(), ReloadCommand{});
  ASSERT_TRUE(collected.result.ok()) << collected.result.error().reason;
  EXPECT_EQ((*collected.result)["ok"], true);
}

// --- the socket file ---

mode_t mode_of(const std::string& path) {
  struct stat info {};
  EXPECT_EQ(::lstat(path.c_str(), &info), 0) << path;
  return info.st_mode;
}

/// Leaves a socket file nobody listens on, as a crashed daemon does.
void make_stale_socket(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
  ::close(fd);
}

TEST(ControlServerSocket, ModeIs0600AndTheDirectoryIsCreated0700) {
  ServerHarness harness;
  ControlServerOptions options;
  options.socket_path = harness.dir().file("run/ikev2d.sock");
  ASSERT_TRUE(harness.start(options).ok());
  EXPECT_TRUE(S_ISSOCK(mode_of(options.socket_path)));
  EXPECT_EQ(mode_of(options.socket_path) & 07777, 0600u);
  EXPECT_TRUE(S_ISDIR(mode_of(harness.dir().file("run"))));
  EXPECT_EQ(mode_of(harness.dir().file("run")) & 07777, 0700u);
  EXPECT_TRUE(collect(options.socket_path, ReloadCommand{}).result.ok());
}

TEST(ControlServerSocket, ModeIsConfigurable) {
  ServerHarness harness;
  ControlServerOptions options;
  options.mode = 0660;
  options.group = ::getgid();
  ASSERT_TRUE(harness.start(options).ok());
  EXPECT_EQ(mode_of(harness.socket_path()) & 07777, 0660u);
}

TEST(ControlServerSocket, StaleSocketFileIsReplaced) {
  ServerHarness harness;
  make_stale_socket(harness.socket_path());
  auto refused = ControlClient::connect(harness.socket_path());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().reason, "cannot reach ikev2d at " + harness.socket_path() +
                                        ": Connection refused (is ikev2d running?)");
  ASSERT_TRUE(harness.start().ok());
  EXPECT_TRUE(collect(harness.socket_path(), ReloadCommand{}).result.ok());
}

TEST(ControlServerSocket, SecondServerOnALiveSocketIsRefused) {
  ServerHarness first;
  ASSERT_TRUE(first.start().ok());
  ServerHarness second;
  ControlServerOptions options;
  options.socket_path = first.socket_path();
  auto status = second.start(options);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().reason,
            "ikev2d is already running: another process answers on " + first.socket_path());
  second.stop_server();  // must not remove the first server's socket
  EXPECT_TRUE(collect(first.socket_path(), ReloadCommand{}).result.ok());
  EXPECT_EQ(first.handler().commands().size(), 1u);
}

TEST(ControlServerSocket, FileThatIsNotASocketIsLeftAlone) {
  ServerHarness harness;
  std::ofstream(harness.socket_path()) << "precious\n";
  auto status = harness.start();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().reason,
            harness.socket_path() + " exists and is not a socket; not replacing it");
  std::ifstream kept(harness.socket_path());
  std::string text;
  std::getline(kept, text);
  EXPECT_EQ(text, "precious");
}

TEST(ControlServerSocket, PathTooLongForAUnixSocket) {
  ServerHarness harness;
  ControlServerOptions options;
  options.socket_path = "/tmp/" + std::string(120, 'p');
  auto status = harness.start(options);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().reason, HasSubstr("over the 107-byte limit"));
}

TEST(ControlServerSocket, StopClosesClientsAndRemovesTheSocketFile) {
  ServerHarness harness;
  ASSERT_TRUE(harness.start().ok());
  harness.handler().set_behavior([](const Command&, ReplyStreamPtr) {});  // never answers
  RawClient client(harness.socket_path());
  client.send(encode_request(UpCommand{"office", ""}) + "\n");
  ASSERT_TRUE(wait_until([&] { return harness.handler().replies().size() == 1; }));
  auto reply = harness.handler().replies()[0];
  harness.stop_server();
  harness.loop().call([&] {
    EXPECT_TRUE(reply->closed());
    reply->send({{"type", "log"}, {"message", "after stop"}});  // dropped quietly
    reply->finish_ok();
  });
  EXPECT_TRUE(client.wait_closed());
  struct stat info {};
  EXPECT_NE(::lstat(harness.socket_path().c_str(), &info), 0);
}

TEST(ControlServerSocket, RestartAfterStopOnTheSamePath) {
  ServerHarness harness;
  ASSERT_TRUE(harness.start().ok());
  harness.stop_server();
  ASSERT_TRUE(harness.start().ok());
  EXPECT_TRUE(collect(harness.socket_path(), ReloadCommand{}).result.ok());
}

}  // namespace
}  // namespace ikev2d::control
