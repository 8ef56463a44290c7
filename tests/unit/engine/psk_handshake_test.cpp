#include <gtest/gtest.h>

#include "ike/proposal/parser.hpp"
#include "ike/sa/engine.hpp"
#include "ike/ts/subnet_syntax.hpp"
#include "support/engine_fixtures.hpp"
#include "support/fake_kernel.hpp"
#include "support/test_random.hpp"

namespace ike::sa {
namespace {

struct Peer {
  Peer(std::uint64_t seed, std::uint32_t first_spi)
      : random(seed), kernel(first_spi), engine({}, random, kernel, events, credentials) {}
  test::SeededRandom random;
  test::FakeKernel kernel;
  test::EventRecorder events;
  test::MemoryCredentials credentials;
  Engine engine;
};

std::shared_ptr<Connection> psk_connection(const char* name, const char* local, const char* remote,
                                           const char* local_id, const char* remote_id,
                                           const char* local_net, const char* remote_net) {
  auto connection = std::make_shared<Connection>();
  connection->name = name;
  connection->local_address = *IpAddress::parse(local);
  connection->remote_address = *IpAddress::parse(remote);
  connection->local_id = *pki::Identity::parse(local_id);
  connection->remote_id = *pki::Identity::parse(remote_id);
  ChildConfig child;
  child.name = name;
  child.local_ts = *ts::parse_subnet_list(local_net);
  child.remote_ts = *ts::parse_subnet_list(remote_net);
  connection->children.push_back(child);
  return connection;
}

/// Delivers everything both engines want to send until both are quiet.
int pump(Peer& a, Peer& b, MonoTime now) {
  int delivered = 0;
  for (bool progress = true; progress;) {
    progress = false;
    while (auto out = a.engine.poll_transmit()) {
      b.engine.handle_datagram(Datagram{out->remote, out->local, out->bytes}, now);
      ++delivered;
      progress = true;
    }
    while (auto out = b.engine.poll_transmit()) {
      a.engine.handle_datagram(Datagram{out->remote, out->local, out->bytes}, now);
      ++delivered;
      progress = true;
    }
  }
  return delivered;
}

TEST(PskHandshake, EstablishesIkeAndChildSaAndInstallsBothSides) {
  Peer west(1, 0xa0000001), east(2, 0xb0000001);
  west.credentials.set_psk("interop-psk-0123456789");
  east.credentials.set_psk("interop-psk-0123456789");
  west.engine.add_connection(psk_connection("office", "10.77.0.2", "10.77.0.1", "west.example",
                                            "east.example", "10.77.2.0/24", "10.77.1.0/24"));
  east.engine.add_connection(psk_connection("office", "10.77.0.1", "10.77.0.2", "east.example",
                                            "west.example", "10.77.1.0/24", "10.77.2.0/24"));
  MonoTime now{};
  auto serial = west.engine.initiate("office", "", now);
  ASSERT_TRUE(serial) << serial.error().reason;
  EXPECT_EQ(pump(west, east, now), 4);
  ASSERT_EQ(west.events.count(EventKind::ike_up), 1u) << west.events.dump() << east.events.dump();
  ASSERT_EQ(east.events.count(EventKind::ike_up), 1u) << east.events.dump();
  EXPECT_EQ(west.events.count(EventKind::child_up), 1u) << west.events.dump();
  EXPECT_EQ(east.events.count(EventKind::child_up), 1u) << east.events.dump();
  // Each side: inbound + outbound SA, out/in/fwd policies.
  EXPECT_EQ(west.kernel.sas.size(), 2u);
  EXPECT_EQ(east.kernel.sas.size(), 2u);
  EXPECT_EQ(west.kernel.policies.size(), 3u);
  EXPECT_EQ(east.kernel.policies.size(), 3u);
  EXPECT_TRUE(west.kernel.larval.empty());
  // West's outbound SA is east's inbound one, with the same key.
  const auto* west_sa = west.engine.ike_sas().front();
  const auto& west_child = west_sa->children.front();
  ASSERT_TRUE(east.kernel.sas.contains(west_child.spi_out));
  ASSERT_TRUE(west.kernel.sas.contains(west_child.spi_out));
  EXPECT_EQ(west.kernel.sas[west_child.spi_out].request.encryption_key,
            east.kernel.sas[west_child.spi_out].request.encryption_key);
  EXPECT_FALSE(east.kernel.sas[west_child.spi_out].request.encryption_key.empty());

  // Delete from the initiator: everything goes away on both sides.
  ASSERT_TRUE(west.engine.terminate("office", now));
  pump(west, east, now);
  EXPECT_TRUE(west.engine.ike_sas().empty());
  EXPECT_TRUE(east.engine.ike_sas().empty());
  EXPECT_TRUE(west.kernel.sas.empty());
  EXPECT_TRUE(east.kernel.sas.empty());
  EXPECT_TRUE(west.kernel.policies.empty());
  EXPECT_TRUE(east.kernel.policies.empty());
}

TEST(PskHandshake, WrongKeyFailsWithAuthenticationFailedAndLeavesNothing) {
  Peer west(1, 0xa0000001), east(2, 0xb0000001);
  west.credentials.set_psk("one key");
  east.credentials.set_psk("another key");
  west.engine.add_connection(psk_connection("office", "10.77.0.2", "10.77.0.1", "west.example",
                                            "east.example", "10.77.2.0/24", "10.77.1.0/24"));
  east.engine.add_connection(psk_connection("office", "10.77.0.1", "10.77.0.2", "east.example",
                                            "west.example", "10.77.1.0/24", "10.77.2.0/24"));
  MonoTime now{};
  ASSERT_TRUE(west.engine.initiate("office", "", now));
  pump(west, east, now);
  EXPECT_EQ(west.events.count(EventKind::ike_up), 0u);
  EXPECT_EQ(east.events.count(EventKind::ike_up), 0u);
  EXPECT_TRUE(west.engine.ike_sas().empty()) << west.events.dump();
  EXPECT_TRUE(east.engine.ike_sas().empty()) << east.events.dump();
  EXPECT_TRUE(west.kernel.sas.empty() && west.kernel.larval.empty());
  EXPECT_TRUE(east.kernel.sas.empty() && east.kernel.larval.empty());
  bool saw_reason = false;
  for (const auto& event : west.events.events) {
    saw_reason |= event.message.find("AUTHENTICATION_FAILED") != std::string::npos;
  }
  EXPECT_TRUE(saw_reason) << west.events.dump();
}

}  // namespace
}  // namespace ike::sa
