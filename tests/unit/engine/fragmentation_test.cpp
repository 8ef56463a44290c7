// IKE_AUTH split into SKF fragments (RFC 7383) when it exceeds the
// connection's fragment_size, reassembled on both sides, also under loss.

#include <gtest/gtest.h>

#include "ike/ts/subnet_syntax.hpp"
#include "ike/wire/message.hpp"
#include "support/two_peer_harness.hpp"

namespace ike::test {
namespace {

using sa::EventKind;
using wire::ExchangeType;

constexpr std::size_t kFragmentSize = 576;
/// IPv4 + UDP headers are part of fragment_size (connection.hpp).
constexpr std::size_t kLargestIkeDatagram = kFragmentSize - 20 - 8;
constexpr int kSubnets = 40;

/// West protects 40 /24s behind it, so TSi (and east's narrowed answer)
/// do not fit in 576 bytes.
void add_many_subnets(TwoPeerHarness& h, bool fragmentation = true) {
  std::string west_nets;
  for (int i = 0; i < kSubnets; ++i)
    west_nets += (i ? "," : "") + std::string("10.78.") + std::to_string(i) + ".0/24";
  auto west = psk_connection("office", "10.77.0.2", "10.77.0.1", "west.example", "east.example",
                             west_nets.c_str(), "10.77.1.0/24");
  auto east = psk_connection("office", "10.77.0.1", "10.77.0.2", "east.example", "west.example",
                             "10.77.1.0/24", "10.78.0.0/16");
  for (auto* connection : {west.get(), east.get()}) {
    connection->fragment_size = kFragmentSize;
    connection->fragmentation = fragmentation;
  }
  h.add_connections(west, east);
  set_psk(h, "fragments-psk-0123456789");
}

std::size_t count_fragments(const std::vector<TraceEntry>& entries) {
  std::size_t n = 0;
  for (const auto& entry : entries)
    n += entry.size <= kLargestIkeDatagram;
  return n;
}

TEST(Fragmentation, LargeIkeAuthIsFragmentedAndReassembledBothWays) {
  TwoPeerHarness h;
  add_many_subnets(h);
  std::vector<Bytes> auth_datagrams;
  h.link().set_filter([&](Side, const TraceEntry& entry, ByteView bytes) {
    if (entry.header && entry.header->exchange == ExchangeType::ike_auth) {
      auth_datagrams.emplace_back(bytes.begin(), bytes.end());
    }
    return LinkAction::pass;
  });
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  h.deliver_all();
  auto requests = h.link().sent_by(Side::a, ExchangeType::ike_auth, false);
  auto responses = h.link().sent_by(Side::b, ExchangeType::ike_auth, true);
  ASSERT_GT(requests.size(), 1u) << h.dump();
  ASSERT_GT(responses.size(), 1u) << h.dump();
  EXPECT_EQ(count_fragments(requests), requests.size()) << h.dump();
  EXPECT_EQ(count_fragments(responses), responses.size()) << h.dump();
  for (const auto& bytes : auth_datagrams) {
    auto message = wire::decode_message(bytes);
    ASSERT_TRUE(message);
    EXPECT_TRUE(message->encrypted_fragment()) << "every IKE_AUTH datagram is an SKF fragment";
  }
  for (auto side : {Side::a, Side::b}) {
    ASSERT_EQ(h.peer(side).events.count(EventKind::child_up), 1u) << h.dump();
    const auto& child = h.peer(side).engine.ike_sas().front()->children.front();
    const auto& many = side == Side::a ? child.local_ts : child.remote_ts;
    EXPECT_EQ(many.size(), static_cast<std::size_t>(kSubnets));
  }
  // 3 policies (out, in, fwd) per pair of selectors.
  EXPECT_EQ(h.b().kernel.policies.size(), 3u * kSubnets);
}

TEST(Fragmentation, WithoutFragmentationTheMessageGoesWhole) {
  TwoPeerHarness h;
  add_many_subnets(h, /*fragmentation=*/false);
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  EXPECT_EQ(h.deliver_all(), 4u) << h.dump();
  auto requests = h.link().sent_by(Side::a, ExchangeType::ike_auth, false);
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_GT(requests[0].size, kLargestIkeDatagram);
  EXPECT_EQ(h.b().events.count(EventKind::child_up), 1u) << h.dump();
}

TEST(Fragmentation, ALostFragmentIsRecoveredByRetransmittingTheMessage) {
  TwoPeerHarness h;
  add_many_subnets(h);
  // Lose the second fragment of the first IKE_AUTH request only.
  int auth_fragments_seen = 0;
  h.link().set_filter([&](Side from, const TraceEntry& entry, ByteView) {
    bool auth = entry.header && entry.header->exchange == ExchangeType::ike_auth;
    if (from == Side::a && auth && ++auth_fragments_seen == 2) return LinkAction::drop;
    return LinkAction::pass;
  });
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  ASSERT_TRUE(h.run_until([&] { return h.a().events.count(EventKind::child_up) == 1; }, minutes(1)))
      << h.dump();
  EXPECT_EQ(h.elapsed(), seconds(4)) << "one retransmission after the first wait";
  EXPECT_EQ(h.b().events.count(EventKind::child_up), 1u);
}

TEST(Fragmentation, ARetransmittedFragmentedRequestIsAnsweredOncePerRetransmission) {
  TwoPeerHarness h;
  add_many_subnets(h);
  // Lose every fragment of the first IKE_AUTH response: west retransmits its
  // fragmented request, east must resend the response once (on fragment 1,
  // RFC 7383 2.6.1), not once per fragment received.
  std::size_t first_response_fragments = 0;
  bool dropping = true;
  h.link().set_filter([&](Side from, const TraceEntry& entry, ByteView) {
    bool auth = entry.header && entry.header->exchange == ExchangeType::ike_auth;
    if (from == Side::b && auth && dropping) {
      ++first_response_fragments;
      return LinkAction::drop;
    }
    return LinkAction::pass;
  });
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  h.deliver_all();
  dropping = false;
  auto request_fragments = h.link().sent_by(Side::a, ExchangeType::ike_auth, false).size();
  ASSERT_GT(request_fragments, 1u);
  ASSERT_TRUE(h.run_until([&] { return h.a().events.count(EventKind::child_up) == 1; }, minutes(1)))
      << h.dump();
  auto responses = h.link().sent_by(Side::b, ExchangeType::ike_auth, true);
  EXPECT_EQ(responses.size(), 2 * first_response_fragments) << h.dump();
  EXPECT_EQ(h.b().events.count(EventKind::child_up), 1u);
}

}  // namespace
}  // namespace ike::test
