// IKE_SA_INIT refusals and recoveries, seen from both roles (RFC 7296 1.2,
// 1.3, 2.7): NO_PROPOSAL_CHOSEN, INVALID_KE_PAYLOAD retries, and responders
// asking for a group that was never proposed.

#include <gtest/gtest.h>

#include "ike/proposal/parser.hpp"
#include "ike/wire/message.hpp"
#include "support/two_peer_harness.hpp"

namespace ike::test {
namespace {

using sa::EventKind;
using wire::ExchangeType;

std::vector<proposal::CryptoProposal> ike(std::string_view text) {
  auto parsed = proposal::parse_proposal(text, wire::ProtocolId::ike);
  EXPECT_TRUE(parsed) << text;
  return {*parsed};
}

bool any_event_mentions(const EventRecorder& recorder, std::string_view text) {
  for (const auto& event : recorder.events) {
    if (event.message.find(text) != std::string::npos) return true;
  }
  return false;
}

void expect_nothing_left(TwoPeerHarness& h) {
  for (auto side : {Side::a, Side::b}) {
    auto& peer = h.peer(side);
    EXPECT_TRUE(peer.engine.ike_sas().empty()) << "peer " << to_string(side) << "\n" << h.dump();
    EXPECT_EQ(peer.engine.half_open_count(), 0u);
    EXPECT_TRUE(peer.kernel.sas.empty());
    EXPECT_TRUE(peer.kernel.larval.empty());
    EXPECT_TRUE(peer.kernel.policies.empty());
    EXPECT_EQ(peer.events.count(EventKind::ike_up), 0u);
  }
}

/// The IKE_SA_INIT responses peer b sent, decoded.
std::vector<wire::Message> init_responses(const TwoPeerHarness& h,
                                          const std::vector<Bytes>& captured) {
  (void)h;
  std::vector<wire::Message> out;
  for (const auto& bytes : captured) {
    auto message = wire::decode_message(bytes);
    EXPECT_TRUE(message);
    if (message && message->header.exchange == ExchangeType::ike_sa_init &&
        message->header.is_response()) {
      out.push_back(*message);
    }
  }
  return out;
}

struct Capture {
  std::vector<Bytes> from_b;
  void attach(Link& link) {
    link.set_filter([this](Side from, const TraceEntry&, ByteView bytes) {
      if (from == Side::b) from_b.emplace_back(bytes.begin(), bytes.end());
      return LinkAction::pass;
    });
  }
};

TEST(IkeInitFailures, NoProposalChosenWhenIkeAlgorithmsDiffer) {
  TwoPeerHarness h;
  auto [west, east] = psk_connection_pair();
  west->ike_proposals = ike("aes128-sha256-modp3072");
  east->ike_proposals = ike("aes256gcm16-prfsha384-ecp384");
  h.add_connections(west, east);
  set_psk(h, "psk-psk-psk-psk-psk");
  Capture capture;
  capture.attach(h.link());
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  EXPECT_EQ(h.deliver_all(), 2u) << h.dump();

  auto responses = init_responses(h, capture.from_b);
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_TRUE(responses[0].find_notify(wire::NotifyType::no_proposal_chosen));
  EXPECT_EQ(responses[0].payloads.size(), 1u) << "a refusal carries only the notify";
  // Responder: refused, logged why, kept nothing.
  EXPECT_EQ(h.b().events.count(EventKind::failed), 1u) << h.dump();
  EXPECT_TRUE(any_event_mentions(h.b().events, "NO_PROPOSAL_CHOSEN")) << h.dump();
  // Initiator: gave up with the peer's reason and names its own offer.
  EXPECT_EQ(h.a().events.count(EventKind::failed), 1u) << h.dump();
  EXPECT_TRUE(any_event_mentions(h.a().events, "NO_PROPOSAL_CHOSEN")) << h.dump();
  EXPECT_TRUE(any_event_mentions(
      h.a().events, "we offered IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_3072"))
      << h.dump();
  // The responder's log says why: what was offered and what it accepts.
  EXPECT_TRUE(any_event_mentions(h.b().events, "we accept AES_GCM_16_256")) << h.dump();
  expect_nothing_left(h);
  // Nothing left to retransmit.
  EXPECT_FALSE(h.next_engine_deadline());
}

TEST(IkeInitFailures, NoConnectionForThePeerIsNoProposalChosen) {
  TwoPeerHarness h;
  auto [west, east] = psk_connection_pair();
  east->remote_address = *IpAddress::parse("192.0.2.99");
  h.add_connections(west, east);
  set_psk(h, "psk-psk-psk-psk-psk");
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  EXPECT_EQ(h.deliver_all(), 2u) << h.dump();
  EXPECT_TRUE(any_event_mentions(h.b().events, "matches no connection")) << h.dump();
  EXPECT_TRUE(any_event_mentions(h.a().events, "NO_PROPOSAL_CHOSEN")) << h.dump();
  expect_nothing_left(h);
}

TEST(IkeInitFailures, InvalidKePayloadIsRetriedOnceWithTheRequestedGroup) {
  TwoPeerHarness h;
  auto [west, east] = psk_connection_pair();
  // One proposal, x25519 preferred, ecp256 acceptable; the responder only
  // takes ecp256.
  west->ike_proposals = ike("aes128-sha256-x25519-ecp256");
  east->ike_proposals = ike("aes128-sha256-ecp256");
  h.add_connections(west, east);
  set_psk(h, "psk-psk-psk-psk-psk");
  Capture capture;
  capture.attach(h.link());
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  EXPECT_EQ(h.deliver_all(), 6u) << h.dump();

  auto requests = h.link().sent_by(Side::a, ExchangeType::ike_sa_init, false);
  ASSERT_EQ(requests.size(), 2u) << h.dump();
  // RFC 7296 2.7: the retry is a new IKE_SA_INIT with message ID 0 again.
  EXPECT_EQ(requests[1].header->message_id, 0u);
  EXPECT_EQ(requests[1].header->spi_responder, 0u);
  auto responses = init_responses(h, capture.from_b);
  ASSERT_EQ(responses.size(), 2u);
  const auto* invalid_ke = responses[0].find_notify(wire::NotifyType::invalid_ke_payload);
  ASSERT_TRUE(invalid_ke);
  EXPECT_EQ(invalid_ke->data, (Bytes{0x00, 0x13}));  // group 19, ecp256
  EXPECT_EQ(responses[0].payloads.size(), 1u) << "a refusal carries only the notify";

  ASSERT_EQ(h.a().events.count(EventKind::ike_up), 1u) << h.dump();
  ASSERT_EQ(h.b().events.count(EventKind::ike_up), 1u) << h.dump();
  EXPECT_EQ(h.a().events.count(EventKind::child_up), 1u);
  auto sas = h.a().engine.ike_sas();
  ASSERT_EQ(sas.size(), 1u);
  EXPECT_EQ(sas[0]->algorithms->ke_group, wire::KeGroup::ecp256);
  EXPECT_EQ(h.b().engine.ike_sas().size(), 1u);
  EXPECT_EQ(h.b().engine.half_open_count(), 0u);
  // Asking for another group is a normal step for the responder: logged,
  // not reported as a failed negotiation.
  EXPECT_EQ(h.b().events.count(EventKind::failed), 0u) << h.b().events.dump();
}

/// A response to peer a's first IKE_SA_INIT request carrying only
/// N(INVALID_KE_PAYLOAD) for `group`.
Bytes invalid_ke_response(const TraceEntry& request, std::uint16_t group) {
  wire::IkeHeader header = *request.header;
  header.flags = wire::IkeHeader::kFlagResponse;
  std::vector<wire::Payload> payloads{wire::make_notify(
      wire::NotifyType::invalid_ke_payload,
      Bytes{static_cast<std::uint8_t>(group >> 8), static_cast<std::uint8_t>(group)})};
  return wire::encode_message(header, payloads);
}

class InvalidKeForeignGroup : public ::testing::TestWithParam<std::uint16_t> {};

TEST_P(InvalidKeForeignGroup, InitiatorGivesUpInsteadOfRetrying) {
  TwoPeerHarness h;
  auto [west, east] = psk_connection_pair();
  west->ike_proposals = ike("aes128-sha256-x25519-ecp256");
  h.add_connections(west, east);
  h.link().set_down(Side::a, true);  // b never sees the request; we answer it
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  h.collect();
  auto requests = h.link().sent_by(Side::a, ExchangeType::ike_sa_init, false);
  ASSERT_EQ(requests.size(), 1u);
  h.a().engine.handle_datagram(sa::Datagram{sa::Endpoint{*IpAddress::parse("10.77.0.2"), 500},
                                            sa::Endpoint{*IpAddress::parse("10.77.0.1"), 500},
                                            invalid_ke_response(requests[0], GetParam())},
                               h.now());
  h.collect();
  EXPECT_EQ(h.link().sent_by(Side::a, ExchangeType::ike_sa_init, false).size(), 1u)
      << "no retry expected\n"
      << h.dump();
  EXPECT_TRUE(h.a().engine.ike_sas().empty()) << h.dump();
  EXPECT_EQ(h.a().events.count(EventKind::failed), 1u) << h.dump();
  EXPECT_FALSE(h.next_engine_deadline());
}

// 21 = ecp521 (never proposed); 31 = x25519 (the group already sent).
INSTANTIATE_TEST_SUITE_P(Groups, InvalidKeForeignGroup, ::testing::Values(21, 31));

// RFC 7296 1.3: one retry per group. A responder that, after our retry with
// its group, asks for the group we sent first would otherwise make us
// alternate between the two without end.
TEST(IkeInitFailures, InvalidKePayloadBackToAGroupAlreadySentFails) {
  TwoPeerHarness h;
  auto [west, east] = psk_connection_pair();
  west->ike_proposals = ike("aes128-sha256-x25519-ecp256");
  h.add_connections(west, east);
  h.link().set_down(Side::a, true);  // b never sees the requests; we answer them
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  auto answer_last_request = [&h](std::uint16_t group) {
    h.collect();
    auto requests = h.link().sent_by(Side::a, ExchangeType::ike_sa_init, false);
    ASSERT_FALSE(requests.empty());
    h.a().engine.handle_datagram(sa::Datagram{sa::Endpoint{*IpAddress::parse("10.77.0.2"), 500},
                                              sa::Endpoint{*IpAddress::parse("10.77.0.1"), 500},
                                              invalid_ke_response(requests.back(), group)},
                                 h.now());
    h.collect();
  };
  answer_last_request(19);  // ecp256: proposed, not sent yet -> retried
  auto requests = h.link().sent_by(Side::a, ExchangeType::ike_sa_init, false);
  ASSERT_EQ(requests.size(), 2u) << h.dump();

  answer_last_request(31);  // x25519: the group of our first KE
  EXPECT_EQ(h.link().sent_by(Side::a, ExchangeType::ike_sa_init, false).size(), 2u)
      << "no third request expected\n"
      << h.dump();
  EXPECT_TRUE(h.a().engine.ike_sas().empty()) << h.dump();
  EXPECT_EQ(h.a().events.count(EventKind::failed), 1u) << h.dump();
  EXPECT_TRUE(any_event_mentions(h.a().events, "CURVE_25519 which we already sent")) << h.dump();
  EXPECT_FALSE(h.next_engine_deadline());
}

TEST(IkeInitFailures, InvalidKePayloadWithoutGroupDataFails) {
  TwoPeerHarness h;
  auto [west, east] = psk_connection_pair();
  h.add_connections(west, east);
  h.link().set_down(Side::a, true);
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  h.collect();
  auto request = h.link().sent_by(Side::a, ExchangeType::ike_sa_init, false).at(0);
  wire::IkeHeader header = *request.header;
  header.flags = wire::IkeHeader::kFlagResponse;
  std::vector<wire::Payload> payloads{wire::make_notify(wire::NotifyType::invalid_ke_payload)};
  h.a().engine.handle_datagram(sa::Datagram{sa::Endpoint{*IpAddress::parse("10.77.0.2"), 500},
                                            sa::Endpoint{*IpAddress::parse("10.77.0.1"), 500},
                                            wire::encode_message(header, payloads)},
                               h.now());
  EXPECT_TRUE(h.a().engine.ike_sas().empty()) << h.dump();
  EXPECT_TRUE(any_event_mentions(h.a().events, "2-byte group")) << h.dump();
}

}  // namespace
}  // namespace ike::test
