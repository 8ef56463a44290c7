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

}  // namespace
}  // namespace ikev2d::control
