// The two-peer harness itself: the clock, scripted and random impairments,
// and that a plain handshake runs through it as through a direct pump.

#include "support/two_peer_harness.hpp"

#include <gtest/gtest.h>

namespace ike::test {
namespace {

using sa::EventKind;
using wire::ExchangeType;

void add_office(TwoPeerHarness& h) {
  auto [west, east] = psk_connection_pair("office");
  h.add_connections(west, east);
  set_psk(h, "harness-psk-0123456789");
}

TEST(TwoPeerHarness, HandshakeWithoutTimePassing) {
  TwoPeerHarness h;
  add_office(h);
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  EXPECT_EQ(h.deliver_all(), 4u) << h.dump();
  EXPECT_EQ(h.a().events.count(EventKind::ike_up), 1u) << h.dump();
  EXPECT_EQ(h.b().events.count(EventKind::child_up), 1u) << h.dump();
  EXPECT_EQ(h.elapsed(), Duration::zero());
  EXPECT_EQ(h.link().sent_by(Side::a, ExchangeType::ike_auth, false).size(), 1u);
  EXPECT_EQ(h.link().count(Fate::delivered), 4u);
}

TEST(TwoPeerHarness, ScriptedDropIsRetransmittedAfterTheFirstWait) {
  TwoPeerHarness h;
  add_office(h);
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  h.link().drop_next(Side::a);
  EXPECT_TRUE(h.run_until([&] { return h.b().events.count(EventKind::ike_up) == 1; }, minutes(1)))
      << h.dump();
  auto inits = h.link().sent_by(Side::a, ExchangeType::ike_sa_init, false);
  ASSERT_EQ(inits.size(), 2u) << h.dump();
  EXPECT_EQ(inits[0].fate, Fate::dropped);
  EXPECT_EQ(inits[1].sent_at - inits[0].sent_at, seconds(4));
}

TEST(TwoPeerHarness, AdvanceFiresTimersAtTheirDeadlinesWithoutDelivering) {
  TwoPeerHarness h;
  add_office(h);
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  h.link().set_down(Side::a, true);
  h.advance(seconds(12));
  auto inits = h.link().sent_by(Side::a, ExchangeType::ike_sa_init, false);
  // Original at 0, retransmissions at 4 s and 11.2 s.
  ASSERT_EQ(inits.size(), 3u) << h.dump();
  EXPECT_EQ(inits[1].sent_at - inits[0].sent_at, milliseconds(4000));
  EXPECT_EQ(inits[2].sent_at - inits[0].sent_at, milliseconds(11200));
  EXPECT_EQ(h.elapsed(), seconds(12));
}

TEST(TwoPeerHarness, DelayMovesTheClockAndDuplicatesAreMarked) {
  TwoPeerHarness h;
  add_office(h);
  h.link().impairments.delay = milliseconds(50);
  h.link().duplicate_next(Side::a);
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  EXPECT_TRUE(h.run_until([&] { return h.a().events.count(EventKind::ike_up) == 1; }, minutes(1)))
      << h.dump();
  // Four messages, 50 ms each, one after the other.
  EXPECT_EQ(h.elapsed(), milliseconds(200)) << h.dump();
  std::size_t duplicates = 0;
  for (const auto& entry : h.link().trace())
    duplicates += entry.duplicate;
  EXPECT_EQ(duplicates, 1u);
}

TEST(TwoPeerHarness, SameSeedSameTrace) {
  auto run = [] {
    TwoPeerHarness h;
    add_office(h);
    h.link().impairments.drop = 0.3;
    h.link().impairments.reorder = 0.3;
    h.link().impairments.jitter = milliseconds(300);
    (void)h.a().engine.initiate("office", "", h.now());
    h.run_for(minutes(3));
    return h.link().dump();
  };
  EXPECT_EQ(run(), run());
}

}  // namespace
}  // namespace ike::test
