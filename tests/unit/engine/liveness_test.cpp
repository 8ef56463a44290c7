// Liveness checks (RFC 7296 2.4): empty INFORMATIONAL requests after
// dpd_delay of silence, a dead peer given up on after the retransmissions,
// and each dpd_action (clear, hold, restart).

#include <gtest/gtest.h>

#include "ike/ts/subnet_syntax.hpp"
#include "support/two_peer_harness.hpp"

namespace ike::test {
namespace {

using sa::EventKind;
using sa::PeerGoneAction;
using wire::ExchangeType;

bool any_event_mentions(const EventRecorder& recorder, std::string_view text) {
  for (const auto& event : recorder.events) {
    if (event.message.find(text) != std::string::npos) return true;
  }
  return false;
}

/// Brings up "office" (dpd_delay 30 s on both sides) with the given actions.
void establish(TwoPeerHarness& h, PeerGoneAction west_action,
               PeerGoneAction east_action = PeerGoneAction::clear) {
  auto [west, east] = psk_connection_pair();
  west->children[0].dpd_action = west_action;
  west->dpd_action = west_action;
  east->children[0].dpd_action = east_action;
  h.add_connections(west, east);
  set_psk(h, "liveness-psk-0123456789");
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  ASSERT_EQ(h.deliver_all(), 4u);
  ASSERT_EQ(h.a().events.count(EventKind::child_up), 1u) << h.dump();
  ASSERT_EQ(h.b().events.count(EventKind::child_up), 1u) << h.dump();
}

std::vector<TraceEntry> liveness_requests(const TwoPeerHarness& h, Side from) {
  return h.link().sent_by(from, ExchangeType::informational, false);
}

TEST(Liveness, QuietPeersCheckEachOtherEveryDpdDelay) {
  TwoPeerHarness h;
  establish(h, PeerGoneAction::clear);
  h.run_for(seconds(100));
  auto west_checks = liveness_requests(h, Side::a);
  auto east_checks = liveness_requests(h, Side::b);
  ASSERT_FALSE(west_checks.empty()) << h.dump();
  // The first check goes out exactly dpd_delay after the handshake.
  EXPECT_EQ(west_checks[0].sent_at - (h.now() - seconds(100)), seconds(30));
  // Every check is answered; nothing is torn down.
  for (const auto& check : west_checks)
    EXPECT_EQ(check.fate, Fate::delivered);
  EXPECT_EQ(h.link().sent_by(Side::b, ExchangeType::informational, true).size(),
            west_checks.size());
  EXPECT_GE(west_checks.size() + east_checks.size(), 3u) << h.dump();
  for (auto side : {Side::a, Side::b}) {
    EXPECT_EQ(h.peer(side).engine.ike_sas().size(), 1u);
    EXPECT_EQ(h.peer(side).events.count(EventKind::ike_down), 0u) << h.dump();
    EXPECT_EQ(h.peer(side).kernel.sas.size(), 2u);
  }
}

TEST(Liveness, NoCheckWhenDisabled) {
  TwoPeerHarness h;
  auto [west, east] = psk_connection_pair();
  west->dpd_delay = Duration::zero();
  east->dpd_delay = Duration::zero();
  h.add_connections(west, east);
  set_psk(h, "liveness-psk-0123456789");
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  h.deliver_all();
  h.run_for(minutes(10));
  EXPECT_TRUE(liveness_requests(h, Side::a).empty()) << h.dump();
  EXPECT_TRUE(liveness_requests(h, Side::b).empty()) << h.dump();
}

/// Kills the link both ways and runs until peer a has no established SA.
void kill_peer_and_wait(TwoPeerHarness& h) {
  h.link().set_down(true);
  ASSERT_TRUE(h.run_until(
      [&] {
        auto sas = h.a().engine.ike_sas();
        return sas.empty() || sas.front()->state != sa::IkeState::established;
      },
      minutes(10)))
      << h.dump();
}

TEST(Liveness, DeadPeerIsDetectedAfterDpdDelayPlusTheRetransmissions) {
  TwoPeerHarness h;
  establish(h, PeerGoneAction::clear);
  auto established = h.now();
  kill_peer_and_wait(h);
  // 30 s of silence, then the check and five retransmissions, given up
  // 165.1 s after the first send (retransmission.hpp).
  EXPECT_EQ(h.now() - established, seconds(30) + give_up_after(RetransmitPolicy{}));
  // 4 + 7.2 + 12.96 + 23.328 + 41.99 + 75.583 s (each wait rounded to 1 ms).
  EXPECT_EQ(h.now() - established, milliseconds(30000 + 165061));
  auto checks = liveness_requests(h, Side::a);
  ASSERT_EQ(checks.size(), 6u) << h.dump();
  for (std::size_t i = 1; i < checks.size(); ++i) {
    EXPECT_EQ(checks[i].header->message_id, checks[0].header->message_id);
    EXPECT_EQ(checks[i].sent_at - checks[i - 1].sent_at,
              retransmit_wait(RetransmitPolicy{}, static_cast<int>(i - 1)));
  }
  EXPECT_EQ(h.a().events.count(EventKind::ike_down), 1u) << h.dump();
  EXPECT_TRUE(any_event_mentions(h.a().events, "dpd_action=clear")) << h.dump();
  EXPECT_TRUE(h.a().engine.ike_sas().empty());
  EXPECT_TRUE(h.a().kernel.sas.empty());
  EXPECT_TRUE(h.a().kernel.policies.empty());
  // clear: nothing comes back.
  h.run_for(minutes(5));
  EXPECT_TRUE(h.a().engine.ike_sas().empty()) << h.dump();
  EXPECT_EQ(h.link().sent_by(Side::a, ExchangeType::ike_sa_init, false).size(), 1u);
}

/// Brings up "office" with west's dpd_timeout set.
void establish_with_dpd_timeout(TwoPeerHarness& h, Duration dpd_timeout) {
  auto [west, east] = psk_connection_pair();
  west->dpd_timeout = dpd_timeout;
  h.add_connections(west, east);
  set_psk(h, "liveness-psk-0123456789");
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  ASSERT_EQ(h.deliver_all(), 4u);
  ASSERT_EQ(h.a().events.count(EventKind::child_up), 1u) << h.dump();
}

TEST(Liveness, DpdTimeoutGivesUpOnTheCheckThatLongAfterItsFirstSend) {
  TwoPeerHarness h;
  establish_with_dpd_timeout(h, seconds(4));
  auto established = h.now();
  kill_peer_and_wait(h);
  // 30 s of silence, then the check and its five retransmissions squeezed
  // into 4 s: the initial wait (4 s x 4/165.061 = 96.9 ms) is rounded down
  // to whole milliseconds, so the total falls short by up to 1 ms x 41.3
  // (the sum of the back-off factors).
  auto detected = h.now() - established - seconds(30);
  EXPECT_LE(detected, seconds(4));
  EXPECT_GE(detected, seconds(4) - milliseconds(42));
  auto checks = liveness_requests(h, Side::a);
  ASSERT_EQ(checks.size(), 6u) << h.dump();
  for (std::size_t i = 2; i < checks.size(); ++i) {
    // The back-off is kept: every wait longer than the one before.
    EXPECT_GT(checks[i].sent_at - checks[i - 1].sent_at,
              checks[i - 1].sent_at - checks[i - 2].sent_at);
  }
  EXPECT_EQ(h.a().events.count(EventKind::ike_down), 1u) << h.dump();
  EXPECT_TRUE(any_event_mentions(h.a().events, "dpd_action=clear")) << h.dump();
  EXPECT_TRUE(h.a().engine.ike_sas().empty());
  EXPECT_TRUE(h.a().kernel.sas.empty());
  EXPECT_TRUE(h.a().kernel.policies.empty());
}

TEST(Liveness, DpdTimeoutLongerThanTheRetransmissionsChangesNothing) {
  TwoPeerHarness h;
  establish_with_dpd_timeout(h, seconds(600));
  auto established = h.now();
  kill_peer_and_wait(h);
  EXPECT_EQ(h.now() - established, seconds(30) + give_up_after(RetransmitPolicy{}));
}

TEST(Liveness, DpdTimeoutDoesNotShortenOtherRequests) {
  TwoPeerHarness h;
  establish_with_dpd_timeout(h, seconds(4));
  // A CHILD rekey into a dead link: an ordinary request, 165 s of
  // retransmissions before the peer is given up.
  h.link().set_down(true);
  auto started = h.now();
  ASSERT_TRUE(h.a().engine.rekey("office", false, h.now()));
  ASSERT_TRUE(h.run_until([&] { return h.a().engine.ike_sas().empty(); }, minutes(10))) << h.dump();
  EXPECT_EQ(h.now() - started, give_up_after(RetransmitPolicy{}));
  EXPECT_TRUE(liveness_requests(h, Side::a).empty()) << h.dump();
}

TEST(Liveness, HoldRecordsTheTrapHookAndRemovesTheSas) {
  TwoPeerHarness h;
  establish(h, PeerGoneAction::hold);
  kill_peer_and_wait(h);
  EXPECT_TRUE(h.a().engine.ike_sas().empty());
  EXPECT_TRUE(h.a().kernel.sas.empty());
  bool hook = false;
  for (const auto& event : h.a().events.events) {
    if (event.message.rfind("dpd_action=hold", 0) == 0) {
      hook = true;
      EXPECT_NE(event.child_serial, 0u);
      EXPECT_NE(event.message.find("'office'"), std::string::npos) << event.message;
    }
  }
  EXPECT_TRUE(hook) << h.dump();
  h.run_for(minutes(5));
  EXPECT_TRUE(h.a().engine.ike_sas().empty()) << "hold does not re-initiate\n" << h.dump();
}

TEST(Liveness, RestartInitiatesTheConnectionAgainUntilThePeerIsBack) {
  TwoPeerHarness h;
  establish(h, PeerGoneAction::restart);
  auto old_serial = h.a().engine.ike_sas().front()->serial;
  kill_peer_and_wait(h);
  ASSERT_EQ(h.a().engine.ike_sas().size(), 1u) << h.dump();
  const auto* fresh = h.a().engine.ike_sas().front();
  EXPECT_NE(fresh->serial, old_serial);
  EXPECT_EQ(fresh->state, sa::IkeState::connecting);
  EXPECT_TRUE(any_event_mentions(h.a().events, "dpd_action=restart")) << h.dump();
  EXPECT_TRUE(h.a().kernel.sas.empty()) << "the dead SA's CHILD SAs are gone";

  // The peer comes back: the new IKE SA and its CHILD SA come up.
  h.link().set_down(false);
  ASSERT_TRUE(h.run_until([&] { return h.a().events.count(EventKind::child_up) == 2; }, minutes(2)))
      << h.dump();
  auto sas = h.a().engine.ike_sas();
  ASSERT_EQ(sas.size(), 1u);
  EXPECT_EQ(sas[0]->state, sa::IkeState::established);
  EXPECT_EQ(sas[0]->children.size(), 1u);
  EXPECT_EQ(h.a().kernel.sas.size(), 2u);
  EXPECT_EQ(h.a().kernel.policies.size(), 3u);
  // East found west dead as well (dpd_action=clear) and now has only the new SA.
  EXPECT_EQ(h.b().engine.ike_sas().size(), 1u) << h.dump();
  EXPECT_EQ(h.b().kernel.sas.size(), 2u);
}

TEST(Liveness, RestartBringsBackEveryRestartChildOnOneIkeSa) {
  TwoPeerHarness h;
  auto [west, east] = psk_connection_pair();
  west->children[0].dpd_action = PeerGoneAction::restart;
  auto second_west = west->children[0];
  second_west.name = "lab";
  second_west.local_ts = *ts::parse_subnet_list("10.88.2.0/24");
  second_west.remote_ts = *ts::parse_subnet_list("10.88.1.0/24");
  west->children.push_back(second_west);
  auto second_east = east->children[0];
  second_east.name = "lab";
  second_east.local_ts = *ts::parse_subnet_list("10.88.1.0/24");
  second_east.remote_ts = *ts::parse_subnet_list("10.88.2.0/24");
  east->children.push_back(second_east);
  h.add_connections(west, east);
  set_psk(h, "liveness-psk-0123456789");
  ASSERT_TRUE(h.a().engine.initiate("office", "office", h.now()));
  ASSERT_TRUE(h.a().engine.initiate("office", "lab", h.now()));
  h.run_for(seconds(1));
  ASSERT_EQ(h.a().engine.ike_sas().size(), 1u) << h.dump();
  ASSERT_EQ(h.a().engine.ike_sas().front()->children.size(), 2u) << h.dump();

  kill_peer_and_wait(h);
  h.link().set_down(false);
  ASSERT_TRUE(h.run_until([&] { return h.a().events.count(EventKind::child_up) == 4; }, minutes(2)))
      << h.dump();
  auto sas = h.a().engine.ike_sas();
  ASSERT_EQ(sas.size(), 1u) << "both CHILD SAs on one new IKE SA\n" << h.dump();
  EXPECT_EQ(sas[0]->children.size(), 2u);
  EXPECT_EQ(h.a().kernel.sas.size(), 4u);
}

TEST(Liveness, TrafficFromThePeerPostponesTheCheck) {
  TwoPeerHarness h;
  auto [west, east] = psk_connection_pair();
  east->dpd_delay = seconds(45);
  h.add_connections(west, east);
  set_psk(h, "liveness-psk-0123456789");
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  ASSERT_EQ(h.deliver_all(), 4u);
  auto established = h.now();
  h.run_for(seconds(100));
  // West checks every 30 s; each check is traffic for east, whose own 45 s
  // of silence therefore never comes.
  auto west_checks = liveness_requests(h, Side::a);
  ASSERT_EQ(west_checks.size(), 3u) << h.dump();
  for (std::size_t i = 0; i < west_checks.size(); ++i)
    EXPECT_EQ(west_checks[i].sent_at - established, seconds(30) * static_cast<int>(i + 1));
  EXPECT_TRUE(liveness_requests(h, Side::b).empty()) << h.dump();
}

}  // namespace
}  // namespace ike::test
