// INITIAL_CONTACT (RFC 7296 2.4): an initiator's first IKE SA with a peer
// carries the notify, and a responder that receives it drops the IKE SAs it
// still holds between the same identities (with their kernel state) — the
// peer restarted and will never use them again.

#include <gtest/gtest.h>

#include "support/two_peer_harness.hpp"

namespace ike::test {
namespace {

using sa::EventKind;

/// Hands every datagram between `from` and `to` back and forth until both
/// are quiet (no loss, no time passing).
void exchange(HarnessPeer& from, HarnessPeer& to, MonoTime now) {
  for (int round = 0; round < 20; ++round) {
    bool moved = false;
    while (auto out = from.engine.poll_transmit()) {
      to.engine.handle_datagram(sa::Datagram{out->remote, out->local, out->bytes}, now);
      moved = true;
    }
    while (auto out = to.engine.poll_transmit()) {
      from.engine.handle_datagram(sa::Datagram{out->remote, out->local, out->bytes}, now);
      moved = true;
    }
    if (!moved) return;
  }
}

struct RestartedInitiator : ::testing::Test {
  void SetUp() override {
    auto [west_conn, east_conn] = psk_connection_pair();
    west_connection = west_conn;
    h.add_connections(west_conn, east_conn);
    set_psk(h, "contact-psk-0123456789");
    restarted.engine.add_connection(west_conn);
    restarted.credentials.set_psk("contact-psk-0123456789");
    EXPECT_TRUE(h.a().engine.initiate("office", "", h.now()));
    h.deliver_all();
    EXPECT_EQ(h.b().events.count(EventKind::child_up), 1u) << h.dump();
  }
  TwoPeerHarness h;
  std::shared_ptr<sa::Connection> west_connection;
  /// West after a restart: the same configuration, none of its SAs.
  HarnessPeer restarted{7, 0xd0000001, {}};
};

TEST_F(RestartedInitiator, ItsInitialContactDropsTheStaleIkeSaAtTheResponder) {
  auto& east = h.b();
  ASSERT_EQ(east.engine.ike_sas().size(), 1u);
  const auto stale_serial = east.engine.ike_sas().front()->serial;

  auto later = h.now() + seconds(5);
  ASSERT_TRUE(restarted.engine.initiate("office", "", later));
  exchange(restarted, east, later);

  ASSERT_EQ(east.engine.ike_sas().size(), 1u) << east.events.dump();
  EXPECT_NE(east.engine.ike_sas().front()->serial, stale_serial);
  EXPECT_EQ(east.engine.ike_sas().front()->state, sa::IkeState::established);
  EXPECT_EQ(east.events.count(EventKind::child_up), 2u);
  EXPECT_EQ(east.events.count(EventKind::ike_down), 1u) << "the stale IKE SA went";
  // Only the new CHILD SA's two SAs and three policies are left.
  EXPECT_EQ(east.kernel.sas.size(), 2u);
  EXPECT_EQ(east.kernel.policies.size(), 3u);
  EXPECT_EQ(restarted.kernel.sas.size(), 2u);
  // The stale SA went without a Delete: nothing reached the restarted peer.
  EXPECT_FALSE(restarted.engine.poll_transmit());
}

TEST_F(RestartedInitiator, WithoutInitialContactTheResponderKeepsTheOlderIkeSa) {
  auto& east = h.b();
  // A second engine as west (ikev2d-load --threads): same identity, none
  // of the first engine's SAs.
  auto quiet = std::make_shared<sa::Connection>(*west_connection);
  quiet->initial_contact = false;
  HarnessPeer second_engine{8, 0xe0000001, {}};
  second_engine.engine.add_connection(quiet);
  second_engine.credentials.set_psk("contact-psk-0123456789");
  auto later = h.now() + seconds(5);
  ASSERT_TRUE(second_engine.engine.initiate("office", "", later));
  exchange(second_engine, east, later);
  EXPECT_EQ(east.engine.ike_sas().size(), 2u) << east.events.dump();
  EXPECT_EQ(east.events.count(EventKind::ike_down), 0u);
}

TEST_F(RestartedInitiator, NoInitialContactWhileAnotherIkeSaToThePeerLives) {
  auto& west = h.a();
  auto& east = h.b();
  // A second connection between the same peers and identities, initiated by
  // west, which still has its first IKE SA: east must keep that one.
  auto second_west = psk_connection("second", "10.77.0.2", "10.77.0.1", "west.example",
                                    "east.example", "10.7.0.0/24", "10.77.1.0/24");
  auto second_east = psk_connection("second", "10.77.0.1", "10.77.0.2", "east.example",
                                    "west.example", "10.77.1.0/24", "10.7.0.0/24");
  west.engine.add_connection(second_west);
  east.engine.add_connection(second_east);
  ASSERT_TRUE(west.engine.initiate("second", "", h.now()));
  h.deliver_all();
  EXPECT_EQ(east.engine.ike_sas().size(), 2u) << east.events.dump();
  EXPECT_EQ(west.engine.ike_sas().size(), 2u);
  EXPECT_EQ(east.events.count(EventKind::ike_down), 0u);
}

TEST_F(RestartedInitiator, BothEndsInitiatingAtOnceKeepBothIkeSas) {
  // Neither IKE SA was up before the other began: neither is stale.
  auto [west_conn, east_conn] = psk_connection_pair("simultaneous");
  TwoPeerHarness fresh;
  fresh.add_connections(west_conn, east_conn);
  set_psk(fresh, "contact-psk-0123456789");
  ASSERT_TRUE(fresh.a().engine.initiate("simultaneous", "", fresh.now()));
  ASSERT_TRUE(fresh.b().engine.initiate("simultaneous", "", fresh.now()));
  fresh.deliver_all();
  EXPECT_EQ(fresh.a().events.count(EventKind::ike_down), 0u) << fresh.dump();
  EXPECT_EQ(fresh.b().events.count(EventKind::ike_down), 0u);
  EXPECT_EQ(fresh.a().engine.ike_sas().size(), fresh.b().engine.ike_sas().size());
}

}  // namespace
}  // namespace ike::test
