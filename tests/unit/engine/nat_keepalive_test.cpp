// NAT keepalives (RFC 3948 2.3): the IKE SA whose own address is translated
// sends 0xFF from its NAT-T port when it sent the peer nothing for the
// keepalive interval; other traffic defers it, the peer (not behind a NAT)
// sends none, a zero interval disables them, and they stop with the IKE SA.

#include <gtest/gtest.h>

#include <map>

#include "support/two_peer_harness.hpp"

namespace ike::test {
namespace {

using sa::EventKind;

/// West (10.77.0.2) behind a NAT whose outside address is 198.51.100.9: its
/// port P appears as 40000 + P (a fixed mapping). East (10.77.0.1) accepts
/// any peer address. Keepalives are collected, not delivered: the daemon
/// drops them before the engine (daemon/runtime/nat_t_framing.hpp).
class KeepalivePeers {
 public:
  explicit KeepalivePeers(sa::EngineSettings settings = {})
      : west{1, 0xa0000001, settings}, east{2, 0xb0000001, settings} {
    auto [west_connection, east_connection] = psk_connection_pair();
    east_connection->remote_address = IpAddress::zero(AddressFamily::ipv4);
    // Liveness checks would be traffic of their own; these tests time the
    // keepalives alone unless they say otherwise.
    west_connection->dpd_delay = hours(10);
    east_connection->dpd_delay = hours(10);
    west.engine.add_connection(west_connection);
    east.engine.add_connection(east_connection);
    west.credentials.set_psk("keepalive-psk-0123456789");
    east.credentials.set_psk("keepalive-psk-0123456789");
  }

  HarnessPeer west;
  HarnessPeer east;
  MonoTime now = MonoTime{} + hours(1);
  const IpAddress public_address = *IpAddress::parse("198.51.100.9");
  std::vector<std::pair<MonoTime, sa::Datagram>> keepalives_from_west;
  std::vector<sa::Datagram> keepalives_from_east;

  /// Delivers until both engines are quiet.
  void pump() {
    for (bool moved = true; moved;) {
      moved = false;
      while (auto out = west.engine.poll_transmit()) {
        moved = true;
        if (out->nat_keepalive) {
          keepalives_from_west.emplace_back(now, *out);
          continue;
        }
        auto outside = static_cast<std::uint16_t>(40000 + out->local.port);
        east.engine.handle_datagram(
            sa::Datagram{out->remote, {public_address, outside}, out->bytes}, now);
      }
      while (auto out = east.engine.poll_transmit()) {
        moved = true;
        if (out->nat_keepalive) {
          keepalives_from_east.push_back(*out);
          continue;
        }
        auto inside = static_cast<std::uint16_t>(out->remote.port - 40000);
        west.engine.handle_datagram(
            sa::Datagram{{*IpAddress::parse("10.77.0.2"), inside}, out->local, out->bytes}, now);
      }
    }
  }

  /// Lets time pass in one-second steps, running both engines' timers when due.
  void advance(Duration by) {
    auto until = now + by;
    while (now < until) {
      now += seconds(1);
      if (auto due = west.engine.next_deadline(); due && *due <= now) {
        west.engine.handle_timeout(now);
      }
      if (auto due = east.engine.next_deadline(); due && *due <= now) {
        east.engine.handle_timeout(now);
      }
      pump();
    }
  }

  void establish() {
    ASSERT_TRUE(west.engine.initiate("office", "", now));
    pump();
    ASSERT_EQ(west.events.count(EventKind::child_up), 1u) << west.events.dump();
    ASSERT_EQ(east.events.count(EventKind::child_up), 1u) << east.events.dump();
    ASSERT_TRUE(west.engine.ike_sas().front()->nat_here);
    ASSERT_FALSE(east.engine.ike_sas().front()->nat_here);
  }

  std::vector<MonoTime> keepalive_times() const {
    std::vector<MonoTime> times;
    for (const auto& [when, datagram] : keepalives_from_west)
      times.push_back(when);
    return times;
  }
};

TEST(NatKeepalive, TheEndBehindTheNatSendsOneOctetFromItsNatPortAtTheInterval) {
  KeepalivePeers peers;
  peers.establish();
  auto established = peers.now;
  // The next thing west has to do is the keepalive, 20 s after IKE_AUTH.
  EXPECT_EQ(peers.west.engine.next_deadline(), established + seconds(20));

  peers.advance(seconds(65));
  EXPECT_EQ(peers.keepalive_times(),
            (std::vector<MonoTime>{established + seconds(20), established + seconds(40),
                                   established + seconds(60)}));
  const auto& keepalive = peers.keepalives_from_west.front().second;
  EXPECT_EQ(keepalive.bytes, Bytes{0xff});
  EXPECT_EQ(keepalive.local, (sa::Endpoint{*IpAddress::parse("10.77.0.2"), 4500}));
  EXPECT_EQ(keepalive.remote, (sa::Endpoint{*IpAddress::parse("10.77.0.1"), 4500}));
  EXPECT_TRUE(peers.keepalives_from_east.empty()) << "east's address is not translated";
}

TEST(NatKeepalive, TheConfiguredIntervalIsUsedAndZeroDisablesThem) {
  sa::EngineSettings every_five;
  every_five.nat_keepalive_interval = seconds(5);
  KeepalivePeers peers(every_five);
  peers.establish();
  auto established = peers.now;
  peers.advance(seconds(12));
  EXPECT_EQ(peers.keepalive_times(),
            (std::vector<MonoTime>{established + seconds(5), established + seconds(10)}));

  peers.west.engine.set_nat_keepalive_interval(Duration::zero());
  auto next = peers.west.engine.next_deadline();
  EXPECT_TRUE(!next || *next > peers.now + minutes(30)) << "only rekeys are due, much later";
  peers.advance(seconds(30));
  EXPECT_EQ(peers.keepalives_from_west.size(), 2u);
}

TEST(NatKeepalive, OtherTrafficToThePeerDefersTheKeepalive) {
  KeepalivePeers peers;
  peers.establish();
  auto established = peers.now;
  peers.advance(seconds(15));
  // West sends a CHILD rekey request at +15 s: the mapping is fresh again.
  ASSERT_TRUE(peers.west.engine.rekey("office", /*ike=*/false, peers.now));
  peers.pump();
  ASSERT_EQ(peers.west.events.count(EventKind::child_rekeyed), 1u) << peers.west.events.dump();
  EXPECT_EQ(peers.west.engine.next_deadline(), established + seconds(35));
  peers.advance(seconds(25));
  EXPECT_EQ(peers.keepalive_times(), (std::vector<MonoTime>{established + seconds(35)}));
}

TEST(NatKeepalive, AnswersToThePeersRequestsDeferTheKeepaliveToo) {
  KeepalivePeers peers;
  peers.establish();
  auto established = peers.now;
  peers.advance(seconds(10));
  // East's request at +10 s: west's answer travels out through the NAT.
  ASSERT_TRUE(peers.east.engine.rekey("office", /*ike=*/false, peers.now));
  peers.pump();
  peers.advance(seconds(25));
  EXPECT_EQ(peers.keepalive_times(), (std::vector<MonoTime>{established + seconds(30)}));
}

TEST(NatKeepalive, AnIkeSaFromARekeyKeepsTheIntervalWithoutAnEarlyKeepalive) {
  KeepalivePeers peers;
  peers.establish();
  auto established = peers.now;
  peers.advance(seconds(10));
  ASSERT_TRUE(peers.west.engine.rekey("office", /*ike=*/true, peers.now));
  peers.pump();
  ASSERT_EQ(peers.west.events.count(EventKind::ike_rekeyed), 1u) << peers.west.events.dump();
  ASSERT_EQ(peers.west.engine.ike_sas().size(), 1u);
  EXPECT_TRUE(peers.west.engine.ike_sas().front()->nat_here) << "the new IKE SA is behind it too";
  peers.advance(seconds(25));
  EXPECT_EQ(peers.keepalive_times(), (std::vector<MonoTime>{established + seconds(30)}));
}

TEST(NatKeepalive, KeepalivesStopWhenTheIkeSaGoes) {
  KeepalivePeers peers;
  peers.establish();
  peers.advance(seconds(21));
  ASSERT_EQ(peers.keepalives_from_west.size(), 1u);
  ASSERT_TRUE(peers.west.engine.terminate("office", peers.now));
  peers.pump();
  ASSERT_TRUE(peers.west.engine.ike_sas().empty());
  EXPECT_FALSE(peers.west.engine.next_deadline());
  peers.advance(seconds(60));
  EXPECT_EQ(peers.keepalives_from_west.size(), 1u);
}

TEST(NatKeepalive, NoKeepalivesWithoutANat) {
  TwoPeerHarness h;
  auto [west, east] = psk_connection_pair();
  west->dpd_delay = hours(10);
  east->dpd_delay = hours(10);
  h.add_connections(west, east);
  set_psk(h, "keepalive-psk-0123456789");
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  h.deliver_all();
  ASSERT_EQ(h.a().events.count(EventKind::child_up), 1u);
  auto later = h.now() + seconds(300);
  EXPECT_TRUE(!h.a().engine.next_deadline() || *h.a().engine.next_deadline() > later);
  h.a().engine.handle_timeout(later);
  EXPECT_FALSE(h.a().engine.poll_transmit());
}

}  // namespace
}  // namespace ike::test
