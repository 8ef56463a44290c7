// IKE_AUTH refusals (RFC 7296 2.21.2): AUTHENTICATION_FAILED both ways, and
// a first CHILD SA refused with TS_UNACCEPTABLE or NO_PROPOSAL_CHOSEN while
// the IKE SA stays up; transport mode (USE_TRANSPORT_MODE, 1.3.1).

#include <gtest/gtest.h>

#include "ike/proposal/parser.hpp"
#include "ike/ts/subnet_syntax.hpp"
#include "ike/wire/message.hpp"
#include "support/two_peer_harness.hpp"

namespace ike::test {
namespace {

using sa::EventKind;
using wire::ExchangeType;

bool any_event_mentions(const EventRecorder& recorder, std::string_view text) {
  for (const auto& event : recorder.events) {
    if (event.message.find(text) != std::string::npos) return true;
  }
  return false;
}

void expect_no_kernel_state(const HarnessPeer& peer) {
  EXPECT_TRUE(peer.kernel.sas.empty());
  EXPECT_TRUE(peer.kernel.larval.empty());
  EXPECT_TRUE(peer.kernel.policies.empty());
}

TEST(IkeAuthFailures, WrongPskIsRefusedByTheResponderAndNothingStays) {
  TwoPeerHarness h;
  auto [west, east] = psk_connection_pair();
  h.add_connections(west, east);
  h.a().credentials.set_psk("the initiator's key");
  h.b().credentials.set_psk("the responder's key");
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  EXPECT_EQ(h.deliver_all(), 4u) << h.dump();
  for (auto side : {Side::a, Side::b}) {
    EXPECT_TRUE(h.peer(side).engine.ike_sas().empty()) << h.dump();
    EXPECT_EQ(h.peer(side).events.count(EventKind::ike_up), 0u);
    EXPECT_EQ(h.peer(side).events.count(EventKind::failed), 1u) << h.dump();
    expect_no_kernel_state(h.peer(side));
  }
  EXPECT_EQ(h.b().engine.half_open_count(), 0u);
  EXPECT_TRUE(any_event_mentions(h.a().events, "AUTHENTICATION_FAILED")) << h.dump();
  EXPECT_TRUE(any_event_mentions(h.b().events, "authentication failed")) << h.dump();
  EXPECT_FALSE(h.next_engine_deadline());
}

TEST(IkeAuthFailures, InitiatorIdentityNotTheExpectedOneIsRefusedByTheResponder) {
  TwoPeerHarness h;
  auto [west, east] = psk_connection_pair();
  east->remote_id = *pki::Identity::parse("someone-else.example");
  h.add_connections(west, east);
  set_psk(h, "a shared key for both");
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  h.deliver_all();
  for (auto side : {Side::a, Side::b}) {
    EXPECT_TRUE(h.peer(side).engine.ike_sas().empty()) << h.dump();
    EXPECT_EQ(h.peer(side).events.count(EventKind::ike_up), 0u) << h.dump();
    expect_no_kernel_state(h.peer(side));
  }
  EXPECT_TRUE(any_event_mentions(h.a().events, "AUTHENTICATION_FAILED")) << h.dump();
}

TEST(IkeAuthFailures, ResponderIdentityNotTheExpectedOneIsRefusedByTheInitiator) {
  TwoPeerHarness h;
  auto [west, east] = psk_connection_pair();
  // West insists on talking to east.example; the responder says it is
  // impostor.example (and accepts west, so the failure is on west's side).
  east->local_id = *pki::Identity::parse("impostor.example");
  h.add_connections(west, east);
  set_psk(h, "a shared key for both");
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  h.run_for(seconds(5));
  EXPECT_TRUE(h.a().engine.ike_sas().empty()) << h.dump();
  EXPECT_EQ(h.a().events.count(EventKind::ike_up), 0u) << h.dump();
  EXPECT_EQ(h.a().events.count(EventKind::failed), 1u) << h.dump();
  EXPECT_TRUE(any_event_mentions(h.a().events, "impostor.example")) << h.dump();
  expect_no_kernel_state(h.a());
  // RFC 7296 2.21.2: the initiator tells the responder in an INFORMATIONAL
  // exchange, and the responder tears its side down too.
  EXPECT_TRUE(h.b().engine.ike_sas().empty()) << h.dump();
  expect_no_kernel_state(h.b());
}

TEST(IkeAuthFailures, TsUnacceptableKeepsTheIkeSaWithoutChild) {
  TwoPeerHarness h;
  auto [west, east] = psk_connection_pair();
  east->children[0].local_ts = *ts::parse_subnet_list("10.99.1.0/24");
  east->children[0].remote_ts = *ts::parse_subnet_list("10.99.2.0/24");
  h.add_connections(west, east);
  set_psk(h, "a shared key for both");
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  EXPECT_EQ(h.deliver_all(), 4u) << h.dump();
  for (auto side : {Side::a, Side::b}) {
    EXPECT_EQ(h.peer(side).events.count(EventKind::ike_up), 1u) << h.dump();
    EXPECT_EQ(h.peer(side).events.count(EventKind::child_up), 0u) << h.dump();
    ASSERT_EQ(h.peer(side).engine.ike_sas().size(), 1u);
    EXPECT_EQ(h.peer(side).engine.ike_sas()[0]->state, sa::IkeState::established);
    EXPECT_TRUE(h.peer(side).engine.ike_sas()[0]->children.empty());
    expect_no_kernel_state(h.peer(side));
  }
  EXPECT_TRUE(any_event_mentions(h.a().events, "TS_UNACCEPTABLE")) << h.dump();
  EXPECT_EQ(h.a().events.count(EventKind::failed), 1u) << h.dump();
  EXPECT_EQ(h.b().engine.half_open_count(), 0u);
}

TEST(IkeAuthFailures, EspNoProposalChosenKeepsTheIkeSaWithoutChild) {
  TwoPeerHarness h;
  auto [west, east] = psk_connection_pair();
  west->children[0].esp_proposals = {
      *proposal::parse_proposal("aes128gcm16", wire::ProtocolId::esp)};
  east->children[0].esp_proposals = {
      *proposal::parse_proposal("aes256-sha512", wire::ProtocolId::esp)};
  h.add_connections(west, east);
  set_psk(h, "a shared key for both");
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  EXPECT_EQ(h.deliver_all(), 4u) << h.dump();
  for (auto side : {Side::a, Side::b}) {
    EXPECT_EQ(h.peer(side).events.count(EventKind::ike_up), 1u) << h.dump();
    EXPECT_EQ(h.peer(side).events.count(EventKind::child_up), 0u) << h.dump();
    ASSERT_EQ(h.peer(side).engine.ike_sas().size(), 1u);
    EXPECT_TRUE(h.peer(side).engine.ike_sas()[0]->children.empty());
    expect_no_kernel_state(h.peer(side));
  }
  EXPECT_TRUE(any_event_mentions(h.a().events, "NO_PROPOSAL_CHOSEN")) << h.dump();
  // The initiator names its offer: the refusal does not say what the peer takes.
  EXPECT_TRUE(any_event_mentions(h.a().events, "we offered ESP:AES_GCM_16_128/NO_EXT_SEQ"))
      << h.dump();
  EXPECT_TRUE(any_event_mentions(h.b().events, "ESP proposals")) << h.dump();
}

TEST(IkeAuthFailures, TransportModeOnBothSidesInstallsTransportSas) {
  TwoPeerHarness h;
  auto [west, east] = psk_connection_pair();
  west->children[0].mode = sa::IpsecMode::transport;
  east->children[0].mode = sa::IpsecMode::transport;
  // Transport mode protects the hosts' own traffic.
  for (auto* connection : {west.get(), east.get()}) {
    connection->children[0].local_ts.clear();
    connection->children[0].remote_ts.clear();
  }
  h.add_connections(west, east);
  set_psk(h, "a shared key for both");
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  EXPECT_EQ(h.deliver_all(), 4u) << h.dump();
  for (auto side : {Side::a, Side::b}) {
    auto& peer = h.peer(side);
    ASSERT_EQ(peer.events.count(EventKind::child_up), 1u) << h.dump();
    EXPECT_EQ(peer.engine.ike_sas()[0]->children[0].mode, sa::IpsecMode::transport);
    ASSERT_EQ(peer.kernel.sas.size(), 2u);
    for (const auto& [spi, installed] : peer.kernel.sas)
      EXPECT_EQ(installed.request.mode, sa::IpsecMode::transport);
    // out and in, no fwd policy in transport mode.
    EXPECT_EQ(peer.kernel.policies.size(), 2u);
  }
}

TEST(IkeAuthFailures, TransportModeRefusedByATunnelOnlyResponderLeavesNoChildAnywhere) {
  TwoPeerHarness h;
  auto [west, east] = psk_connection_pair();
  west->children[0].mode = sa::IpsecMode::transport;
  h.add_connections(west, east);
  set_psk(h, "a shared key for both");
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  h.run_for(seconds(5));
  for (auto side : {Side::a, Side::b}) {
    auto& peer = h.peer(side);
    ASSERT_EQ(peer.engine.ike_sas().size(), 1u) << h.dump();
    EXPECT_EQ(peer.engine.ike_sas()[0]->state, sa::IkeState::established);
    EXPECT_TRUE(peer.engine.ike_sas()[0]->children.empty()) << "peer " << to_string(side) << "\n"
                                                            << h.dump();
    expect_no_kernel_state(peer);
  }
  EXPECT_TRUE(any_event_mentions(h.a().events, "tunnel mode")) << h.dump();
}

TEST(IkeAuthFailures, TransportModeResponderRefusesATunnelRequest) {
  TwoPeerHarness h;
  auto [west, east] = psk_connection_pair();
  east->children[0].mode = sa::IpsecMode::transport;
  h.add_connections(west, east);
  set_psk(h, "a shared key for both");
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  EXPECT_EQ(h.deliver_all(), 4u) << h.dump();
  for (auto side : {Side::a, Side::b}) {
    EXPECT_EQ(h.peer(side).events.count(EventKind::ike_up), 1u) << h.dump();
    EXPECT_EQ(h.peer(side).events.count(EventKind::child_up), 0u) << h.dump();
    expect_no_kernel_state(h.peer(side));
  }
  EXPECT_TRUE(any_event_mentions(h.a().events, "NO_PROPOSAL_CHOSEN")) << h.dump();
}

}  // namespace
}  // namespace ike::test
