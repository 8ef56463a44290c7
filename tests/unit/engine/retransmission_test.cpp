// Loss, duplication and replays (RFC 7296 2.1-2.3): exponential back-off
// timed against retransmit_wait(), responses answered from the cache without
// processing twice, out-of-window requests dropped, and the give-up after
// the documented 165 s; plus seeded random impairments.

#include <gtest/gtest.h>

#include "support/two_peer_harness.hpp"

namespace ike::test {
namespace {

using sa::EventKind;
using wire::ExchangeType;

void add_office(TwoPeerHarness& h, sa::PeerGoneAction dpd_action = sa::PeerGoneAction::clear) {
  auto [west, east] = psk_connection_pair();
  west->children[0].dpd_action = dpd_action;
  h.add_connections(west, east);
  set_psk(h, "retransmit-psk-0123456789");
}

/// The time of send number `n` (0 = original) since the original.
Duration sent_after(int n) {
  Duration total = Duration::zero();
  for (int i = 0; i < n; ++i)
    total += retransmit_wait(RetransmitPolicy{}, i);
  return total;
}

TEST(Retransmission, BackOffFollowsRetransmitWaitUnderLoss) {
  TwoPeerHarness h;
  add_office(h);
  h.link().drop_next(Side::a, 3);
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  ASSERT_TRUE(h.run_until([&] { return h.a().events.count(EventKind::child_up) == 1; }, minutes(2)))
      << h.dump();
  auto inits = h.link().sent_by(Side::a, ExchangeType::ike_sa_init, false);
  ASSERT_EQ(inits.size(), 4u) << h.dump();
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(inits[i].sent_at - inits[0].sent_at, sent_after(i)) << i;
    EXPECT_EQ(inits[i].header->message_id, 0u);
  }
  // 4 + 7.2 + 12.96 s
  EXPECT_EQ(h.elapsed(), milliseconds(24160));
  EXPECT_EQ(h.a().events.count(EventKind::child_up), 1u);
}

TEST(Retransmission, LostResponseIsResentFromTheCacheWithoutProcessingAgain) {
  TwoPeerHarness h;
  add_office(h);
  std::vector<Bytes> responses;
  bool drop_first = true;
  h.link().set_filter([&](Side from, const TraceEntry& entry, ByteView bytes) {
    if (from != Side::b || entry.header->exchange != ExchangeType::ike_auth) {
      return LinkAction::pass;
    }
    responses.emplace_back(bytes.begin(), bytes.end());
    if (drop_first) {
      drop_first = false;
      return LinkAction::drop;
    }
    return LinkAction::pass;
  });
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  h.deliver_all();
  auto kernel_requests = h.b().kernel.request_count();
  ASSERT_EQ(h.b().events.count(EventKind::child_up), 1u);
  ASSERT_TRUE(h.run_until([&] { return h.a().events.count(EventKind::child_up) == 1; }, minutes(1)))
      << h.dump();
  EXPECT_EQ(h.elapsed(), seconds(4));
  ASSERT_EQ(responses.size(), 2u);
  EXPECT_EQ(responses[0], responses[1]) << "the cached response, byte for byte";
  EXPECT_EQ(h.b().kernel.request_count(), kernel_requests) << "processed once";
  EXPECT_EQ(h.b().events.count(EventKind::child_up), 1u);
  EXPECT_EQ(h.b().events.count(EventKind::ike_up), 1u);
}

TEST(Retransmission, DuplicatedRequestsAreAnsweredTwiceButProcessedOnce) {
  TwoPeerHarness clean;
  add_office(clean);
  ASSERT_TRUE(clean.a().engine.initiate("office", "", clean.now()));
  clean.deliver_all();

  TwoPeerHarness h;
  add_office(h);
  h.link().set_filter([](Side from, const TraceEntry&, ByteView) {
    return from == Side::a ? LinkAction::duplicate : LinkAction::pass;
  });
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  h.deliver_all();
  // Both IKE_SA_INIT and IKE_AUTH arrived twice and were answered twice.
  EXPECT_EQ(h.link().sent_by(Side::b, ExchangeType::ike_sa_init, true).size(), 2u) << h.dump();
  EXPECT_EQ(h.link().sent_by(Side::b, ExchangeType::ike_auth, true).size(), 2u) << h.dump();
  EXPECT_EQ(h.b().engine.ike_sas().size(), 1u) << "one responder SA for SPIi";
  EXPECT_EQ(h.b().kernel.request_count(), clean.b().kernel.request_count());
  EXPECT_EQ(h.a().kernel.request_count(), clean.a().kernel.request_count());
  for (auto side : {Side::a, Side::b}) {
    EXPECT_EQ(h.peer(side).events.count(EventKind::ike_up), 1u) << h.dump();
    EXPECT_EQ(h.peer(side).events.count(EventKind::child_up), 1u) << h.dump();
  }
}

TEST(Retransmission, ReplayedOldRequestsAreDroppedAndTheLastOneAnsweredFromCache) {
  TwoPeerHarness h;
  add_office(h);
  std::vector<std::pair<wire::IkeHeader, Bytes>> from_west;
  h.link().set_filter([&](Side from, const TraceEntry& entry, ByteView bytes) {
    if (from == Side::a && entry.header && !entry.header->is_response()) {
      from_west.emplace_back(*entry.header, Bytes(bytes.begin(), bytes.end()));
    }
    return LinkAction::pass;
  });
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  h.deliver_all();
  h.run_for(seconds(31));  // one liveness check: message ID 2
  ASSERT_EQ(from_west.size(), 3u) << h.dump();
  ASSERT_EQ(from_west[2].first.message_id, 2u);
  auto kernel_requests = h.b().kernel.request_count();
  auto replay = [&](const Bytes& bytes) {
    h.b().engine.handle_datagram(
        sa::Datagram{sa::Endpoint{*IpAddress::parse("10.77.0.1"), 500},
                     sa::Endpoint{*IpAddress::parse("10.77.0.2"), 500}, bytes},
        h.now());
    std::vector<sa::Datagram> out;
    while (auto datagram = h.b().engine.poll_transmit())
      out.push_back(*datagram);
    return out;
  };
  // IKE_AUTH (ID 1) is outside the window of one: dropped, not processed.
  EXPECT_TRUE(replay(from_west[1].second).empty());
  // IKE_SA_INIT (ID 0) of an SA that exists is a stale retransmission too.
  EXPECT_TRUE(replay(from_west[0].second).empty());
  // The last request (ID 2) gets the cached response again.
  auto again = replay(from_west[2].second);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(h.b().kernel.request_count(), kernel_requests);
  EXPECT_EQ(h.b().events.count(EventKind::child_up), 1u);
  EXPECT_EQ(h.b().engine.ike_sas().size(), 1u);
}

TEST(Retransmission, UnansweredIkeSaInitIsGivenUpAfter165Seconds) {
  TwoPeerHarness h;
  add_office(h);
  h.link().set_down(true);
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  ASSERT_TRUE(h.run_until([&] { return h.a().engine.ike_sas().empty(); }, minutes(10))) << h.dump();
  EXPECT_EQ(h.elapsed(), give_up_after(RetransmitPolicy{}));
  EXPECT_EQ(h.elapsed(), milliseconds(165061));
  EXPECT_EQ(h.link().sent_by(Side::a, ExchangeType::ike_sa_init, false).size(), 6u);
  EXPECT_EQ(h.a().events.count(EventKind::failed), 1u) << h.dump();
  EXPECT_FALSE(h.a().engine.next_deadline());
}

TEST(Retransmission, UnansweredDeleteIsGivenUpWithoutDpdAction) {
  TwoPeerHarness h;
  add_office(h, sa::PeerGoneAction::restart);
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  h.deliver_all();
  h.link().set_down(true);
  auto start = h.now();
  ASSERT_TRUE(h.a().engine.terminate("office", h.now()));
  ASSERT_TRUE(h.run_until([&] { return h.a().engine.ike_sas().empty(); }, minutes(10))) << h.dump();
  EXPECT_EQ(h.now() - start, give_up_after(RetransmitPolicy{}));
  EXPECT_TRUE(h.a().kernel.sas.empty());
  EXPECT_TRUE(h.a().kernel.policies.empty());
  h.run_for(minutes(5));
  EXPECT_TRUE(h.a().engine.ike_sas().empty()) << "an operator's delete is not restarted\n"
                                              << h.dump();
}

std::string kernel_log(TwoPeerHarness& h, Side side) {
  std::string out = "--- kernel of peer " + std::string(to_string(side)) + "\n";
  for (const auto& line : h.peer(side).kernel.log())
    out += line + "\n";
  return out;
}

/// Both sides agree: either one IKE SA each with one CHILD SA whose SPIs
/// mirror each other and are in both kernels, or nothing anywhere.
void expect_consistent(TwoPeerHarness& h, const std::string& context) {
  auto a = h.a().engine.ike_sas();
  auto b = h.b().engine.ike_sas();
  ASSERT_EQ(a.size(), b.size()) << context << h.dump();
  if (a.empty()) {
    for (auto side : {Side::a, Side::b}) {
      EXPECT_TRUE(h.peer(side).kernel.sas.empty()) << context;
      EXPECT_TRUE(h.peer(side).kernel.larval.empty()) << context << h.dump() << kernel_log(h, side);
    }
    return;
  }
  ASSERT_EQ(a.size(), 1u) << context << h.dump();
  ASSERT_EQ(a[0]->children.size(), b[0]->children.size()) << context << h.dump();
  EXPECT_EQ(a[0]->spi_i, b[0]->spi_i) << context;
  EXPECT_EQ(a[0]->spi_r, b[0]->spi_r) << context;
  if (!a[0]->children.empty()) {
    EXPECT_EQ(a[0]->children[0].spi_in, b[0]->children[0].spi_out) << context;
    EXPECT_EQ(a[0]->children[0].spi_out, b[0]->children[0].spi_in) << context;
    EXPECT_EQ(h.a().kernel.sas.size(), 2u) << context;
    EXPECT_EQ(h.b().kernel.sas.size(), 2u) << context;
  }
}

class RandomImpairments : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(RandomImpairments, LossDuplicatesReorderAndDelayStillEstablish) {
  HarnessOptions options;
  options.link_seed = GetParam();
  TwoPeerHarness h(options);
  add_office(h);
  auto& impairments = h.link().impairments;
  impairments.drop = 0.25;
  impairments.duplicate = 0.2;
  impairments.reorder = 0.3;
  impairments.delay = milliseconds(20);
  impairments.jitter = milliseconds(500);
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  ASSERT_TRUE(h.run_until(
      [&] {
        return h.a().events.count(EventKind::child_up) == 1 &&
               h.b().events.count(EventKind::child_up) == 1;
      },
      minutes(3)))
      << "seed " << GetParam() << "\n"
      << h.dump();
  h.run_for(minutes(5));  // liveness checks under the same conditions
  expect_consistent(h, "seed " + std::to_string(GetParam()) + "\n");
  EXPECT_EQ(h.a().engine.ike_sas().size(), 1u) << h.dump();
}

TEST_P(RandomImpairments, CorruptionNeverLeavesTheSidesDisagreeing) {
  HarnessOptions options;
  options.link_seed = GetParam();
  TwoPeerHarness h(options);
  add_office(h);
  auto& impairments = h.link().impairments;
  impairments.drop = 0.1;
  impairments.corrupt = 0.2;
  impairments.duplicate = 0.1;
  impairments.jitter = milliseconds(200);
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  // Corrupting unauthenticated IKE_SA_INIT bytes can make the keys differ
  // and IKE_AUTH fail; a side can give up on a peer whose answers keep
  // getting lost while the peer still hears it. Whatever happens, once the
  // link heals both sides end up in the same state within the liveness
  // time (30 s + 165 s).
  h.run_for(minutes(10));
  h.link().impairments = LinkImpairments{};
  h.run_for(minutes(4));
  expect_consistent(h, "seed " + std::to_string(GetParam()) + "\n");
}

INSTANTIATE_TEST_SUITE_P(Seeds, RandomImpairments, ::testing::Range<std::uint64_t>(1, 21));

}  // namespace
}  // namespace ike::test
