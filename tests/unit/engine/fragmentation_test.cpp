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

TEST(Fragmentation, AcceptOnlyAnnouncesAndReassemblesButSendsWholeMessages) {
  // fragmentation=accept (strongSwan's meaning) at west: east is told that
  // west takes fragments and sends them; west's own request goes whole.
  TwoPeerHarness h;
  add_many_subnets(h);
  auto west = std::make_shared<sa::Connection>(*h.a().engine.find_connection("office"));
  west->send_fragments = false;
  h.a().engine.add_connection(west);
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  h.deliver_all();
  auto requests = h.link().sent_by(Side::a, ExchangeType::ike_auth, false);
  auto responses = h.link().sent_by(Side::b, ExchangeType::ike_auth, true);
  ASSERT_EQ(requests.size(), 1u) << h.dump();
  EXPECT_GT(requests[0].size, kLargestIkeDatagram);
  ASSERT_GT(responses.size(), 1u) << h.dump();
  EXPECT_EQ(count_fragments(responses), responses.size()) << h.dump();
  EXPECT_EQ(h.a().events.count(EventKind::child_up), 1u) << h.dump();
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

TEST(Fragmentation, TheResponderAnnouncesFragmentationOnlyInAnswerToTheInitiator) {
  // RFC 7383 2.3: the responder's IKEV2_FRAGMENTATION_SUPPORTED answers the
  // initiator's; it is not sent to an initiator that did not announce it.
  for (bool initiator_announces : {true, false}) {
    SCOPED_TRACE(initiator_announces ? "initiator announces" : "initiator does not announce");
    TwoPeerHarness h;
    auto [west, east] = psk_connection_pair();
    west->fragmentation = initiator_announces;
    h.add_connections(west, east);
    set_psk(h, "fragments-psk-0123456789");
    std::optional<wire::Message> init_response;
    h.link().set_filter([&](Side from, const TraceEntry& entry, ByteView bytes) {
      if (from == Side::b && entry.header && entry.header->exchange == ExchangeType::ike_sa_init) {
        auto decoded = wire::decode_message(bytes);
        if (decoded) init_response = std::move(*decoded);
      }
      return LinkAction::pass;
    });
    ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
    h.deliver_all();
    ASSERT_TRUE(init_response) << h.dump();
    EXPECT_EQ(
        init_response->find_notify(wire::NotifyType::ikev2_fragmentation_supported) != nullptr,
        initiator_announces);
    ASSERT_EQ(h.a().events.count(EventKind::child_up), 1u) << h.dump();
    EXPECT_EQ(h.a().engine.ike_sas().front()->peer_supports_fragmentation, initiator_announces);
    EXPECT_EQ(h.b().engine.ike_sas().front()->peer_supports_fragmentation, initiator_announces);
  }
}

/// Everything `peer` wants to send, taken from it instead of the link.
std::vector<sa::Datagram> take_output(HarnessPeer& peer) {
  std::vector<sa::Datagram> out;
  while (auto datagram = peer.engine.poll_transmit())
    out.push_back(std::move(*datagram));
  return out;
}

/// Hands a datagram taken with take_output() to the other peer.
void hand_over(HarnessPeer& to, const sa::Datagram& sent, MonoTime now) {
  to.engine.handle_datagram(sa::Datagram{sent.remote, sent.local, sent.bytes}, now);
}

/// A second CHILD config on each side whose traffic selectors (40 /24s at
/// its initiator) need fragments at 576 bytes, in request and response.
void add_large_child(sa::Connection& initiator, sa::Connection& responder, const char* name,
                     const char* prefix) {
  std::string nets;
  for (int i = 0; i < kSubnets; ++i)
    nets += (i ? "," : "") + std::string(prefix) + std::to_string(i) + ".0/24";
  sa::ChildConfig mine = initiator.children.front();
  mine.name = name;
  mine.local_ts = *ts::parse_subnet_list(nets);
  initiator.children.push_back(mine);
  sa::ChildConfig theirs = responder.children.front();
  theirs.name = name;
  theirs.remote_ts = *ts::parse_subnet_list(std::string(prefix) + "0.0/16");
  responder.children.push_back(theirs);
}

TEST(Fragmentation, RequestAndResponseFragmentsInterleavedAreReassembledApart) {
  // Both peers start a CREATE_CHILD_SA at once; east's request (Message ID
  // 0 of east's requests) and east's response to west (Message ID 2 of
  // west's requests) reach west fragment by fragment, alternating. The two
  // Message ID spaces are separate (RFC 7296 2.2), so are the reassemblies.
  TwoPeerHarness h;
  auto [west, east] = psk_connection_pair();
  add_large_child(*west, *east, "west-many", "10.78.");
  add_large_child(*east, *west, "east-many", "10.79.");
  for (auto* connection : {west.get(), east.get()})
    connection->fragment_size = kFragmentSize;
  h.add_connections(west, east);
  set_psk(h, "fragments-psk-0123456789");
  ASSERT_TRUE(h.a().engine.initiate("office", "office", h.now()));
  h.deliver_all();
  ASSERT_EQ(h.a().events.count(EventKind::child_up), 1u) << h.dump();

  ASSERT_TRUE(h.a().engine.initiate("office", "west-many", h.now()));
  ASSERT_TRUE(h.b().engine.initiate("office", "east-many", h.now()));
  auto west_request = take_output(h.a());
  auto east_request = take_output(h.b());
  ASSERT_GT(west_request.size(), 1u);
  ASSERT_GT(east_request.size(), 1u);
  for (const auto& datagram : west_request)
    hand_over(h.b(), datagram, h.now());
  auto east_response = take_output(h.b());
  ASSERT_GT(east_response.size(), 1u) << "east answered west's request in fragments";
  for (std::size_t i = 0; i < std::max(east_request.size(), east_response.size()); ++i) {
    if (i < east_request.size()) hand_over(h.a(), east_request[i], h.now());
    if (i < east_response.size()) hand_over(h.a(), east_response[i], h.now());
  }
  // west-many from east's response, east-many as west answers east's request.
  EXPECT_EQ(h.a().events.count(EventKind::child_up), 3u) << h.dump();
  auto west_response = take_output(h.a());
  ASSERT_GT(west_response.size(), 1u) << "west answered east's request in fragments";
  for (const auto& datagram : west_response)
    hand_over(h.b(), datagram, h.now());
  h.deliver_all();
  EXPECT_EQ(h.a().events.count(EventKind::child_up), 3u) << h.dump();
  EXPECT_EQ(h.b().events.count(EventKind::child_up), 3u) << h.dump();
}

TEST(Fragmentation, FragmentsAreRefusedWhenFragmentationWasNotNegotiated) {
  // East has fragmentation=no, so it does not announce support and must not
  // take SKF fragments (RFC 7383 2.3; ikev2d.conf(5)); west is made to
  // fragment anyway, as a peer that ignores the negotiation would.
  TwoPeerHarness h;
  auto [west, east] = psk_connection_pair();
  add_large_child(*west, *east, "west-many", "10.78.");
  west->fragment_size = kFragmentSize;
  east->fragmentation = false;
  h.add_connections(west, east);
  set_psk(h, "fragments-psk-0123456789");
  ASSERT_TRUE(h.a().engine.initiate("office", "office", h.now()));
  h.deliver_all();
  ASSERT_EQ(h.b().events.count(EventKind::child_up), 1u) << h.dump();
  auto* west_sa = const_cast<sa::IkeSa*>(h.a().engine.ike_sas().front());
  ASSERT_FALSE(west_sa->peer_supports_fragmentation) << "east did not announce support";
  west_sa->peer_supports_fragmentation = true;

  ASSERT_TRUE(h.a().engine.initiate("office", "west-many", h.now()));
  auto west_request = take_output(h.a());
  ASSERT_GT(west_request.size(), 1u);
  for (const auto& datagram : west_request) {
    ASSERT_TRUE(wire::decode_message(datagram.bytes)->encrypted_fragment());
    hand_over(h.b(), datagram, h.now());
  }
  EXPECT_TRUE(take_output(h.b()).empty()) << "east drops every fragment and answers nothing";
  EXPECT_EQ(h.b().events.count(EventKind::child_up), 1u);
  EXPECT_EQ(h.b().engine.ike_sas().front()->responses.expected_id(), 2u)
      << "the CREATE_CHILD_SA request was never taken";
}

}  // namespace
}  // namespace ike::test
