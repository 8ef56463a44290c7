// INVALID_IKE_SPI (RFC 7296 1.5, 2.21.4): a protected request for an IKE SA
// we do not have is answered with an unprotected response carrying the
// notify, rate-limited per source and in all; responses and unprotected
// messages are never answered; and an unprotected INVALID_IKE_SPI that
// reaches us is only logged, never acted on, except as the answer from the
// peer's address to the Delete of an IKE SA we are deleting anyway: then the
// IKE SA ends at once instead of after every retransmission (165 s).

#include <gtest/gtest.h>

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

/// West and east with "office" up; `forgetful` is east after a restart: the
/// same configuration, no IKE SAs.
struct RestartedResponder {
  RestartedResponder() {
    auto [west, east] = psk_connection_pair();
    h.add_connections(west, east);
    set_psk(h, "spi-psk-0123456789");
    forgetful.engine.add_connection(east);
    EXPECT_TRUE(h.a().engine.initiate("office", "", h.now()));
    h.deliver_all();
    EXPECT_EQ(h.a().events.count(EventKind::child_up), 1u) << h.dump();
  }

  /// West's next protected request: its liveness check after dpd_delay.
  sa::Datagram west_request() {
    later = h.now() + seconds(30);
    h.a().engine.handle_timeout(later);
    auto request = h.a().engine.poll_transmit();
    EXPECT_TRUE(request);
    return *request;
  }

  /// Hands `datagram` (as west sent it) to the restarted east, `from` the
  /// given source address; returns what east answers.
  std::vector<sa::Datagram> to_forgetful(const sa::Datagram& datagram, MonoTime at,
                                         std::optional<IpAddress> from = {}) {
    sa::Endpoint source = datagram.local;
    if (from) source.address = *from;
    forgetful.engine.handle_datagram(sa::Datagram{datagram.remote, source, datagram.bytes}, at);
    std::vector<sa::Datagram> answers;
    while (auto out = forgetful.engine.poll_transmit())
      answers.push_back(std::move(*out));
    return answers;
  }

  TwoPeerHarness h;
  HarnessPeer forgetful{9, 0xc0000001, {}};
  MonoTime later{};
};

TEST(InvalidIkeSpi, ProtectedRequestForAnUnknownIkeSaIsAnsweredInClear) {
  RestartedResponder peers;
  auto request = peers.west_request();
  auto sent = wire::decode_message(request.bytes);
  ASSERT_TRUE(sent);
  ASSERT_EQ(sent->header.exchange, ExchangeType::informational);

  auto answers = peers.to_forgetful(request, peers.later);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].remote, request.local) << "back where it came from";
  EXPECT_EQ(answers[0].local, request.remote);
  auto answer = wire::decode_message(answers[0].bytes);
  ASSERT_TRUE(answer);
  const auto& header = answer->header;
  EXPECT_TRUE(header.is_response());
  EXPECT_FALSE(header.from_initiator()) << "west is the original initiator, so east is not";
  EXPECT_EQ(header.spi_initiator, sent->header.spi_initiator);
  EXPECT_EQ(header.spi_responder, sent->header.spi_responder);
  EXPECT_EQ(header.message_id, sent->header.message_id);
  EXPECT_EQ(header.exchange, sent->header.exchange);
  ASSERT_EQ(answer->payloads.size(), 1u);
  EXPECT_FALSE(answer->encrypted());
  EXPECT_TRUE(answer->find_notify(wire::NotifyType::invalid_ike_spi));
  EXPECT_TRUE(peers.forgetful.engine.ike_sas().empty()) << "no state kept";
}

TEST(InvalidIkeSpi, AnswersAreLimitedToOnePerSourcePerSecond) {
  RestartedResponder peers;
  auto request = peers.west_request();
  EXPECT_EQ(peers.to_forgetful(request, peers.later).size(), 1u);
  EXPECT_EQ(peers.to_forgetful(request, peers.later + milliseconds(500)).size(), 0u);
  EXPECT_EQ(peers.to_forgetful(request, peers.later + milliseconds(999)).size(), 0u);
  // Another source is not held back by the first one.
  EXPECT_EQ(
      peers.to_forgetful(request, peers.later + milliseconds(999), *IpAddress::parse("10.77.0.3"))
          .size(),
      1u);
  EXPECT_EQ(peers.to_forgetful(request, peers.later + seconds(1)).size(), 1u);
}

TEST(InvalidIkeSpi, AFloodOfSourcesGetsNoMoreThanTheBudgetPerInterval) {
  RestartedResponder peers;
  auto request = peers.west_request();
  sa::EngineSettings defaults;
  std::size_t answered = 0;
  for (unsigned i = 0; i < 1000; ++i) {
    auto from = IpAddress::v4(203, 0, static_cast<std::uint8_t>(i / 250),
                              static_cast<std::uint8_t>(i % 250 + 1));
    answered += peers.to_forgetful(request, peers.later, from).size();
  }
  EXPECT_EQ(answered, defaults.invalid_spi_answers);
  // The next interval has a new budget.
  EXPECT_EQ(peers.to_forgetful(request, peers.later + seconds(1)).size(), 1u);
}

TEST(InvalidIkeSpi, ResponsesAndUnprotectedMessagesAreNeverAnswered) {
  RestartedResponder peers;
  // East (which has the SA) answers west's request: that response, sent to
  // the restarted east, is not answered.
  auto request = peers.west_request();
  peers.h.b().engine.handle_datagram(sa::Datagram{request.remote, request.local, request.bytes},
                                     peers.later);
  auto response = peers.h.b().engine.poll_transmit();
  ASSERT_TRUE(response);
  EXPECT_TRUE(peers
                  .to_forgetful(sa::Datagram{response->remote, response->local, response->bytes},
                                peers.later)
                  .empty());

  // An unprotected INFORMATIONAL request with made-up SPIs is not answered.
  wire::IkeHeader header;
  header.spi_initiator = 0x1111222233334444;
  header.spi_responder = 0x5555666677778888;
  header.exchange = ExchangeType::informational;
  header.flags = wire::IkeHeader::kFlagInitiator;
  header.message_id = 7;
  auto bytes = wire::encode_message(header, {wire::make_notify(wire::NotifyType::invalid_ike_spi)});
  EXPECT_TRUE(
      peers.to_forgetful(sa::Datagram{request.local, request.remote, bytes}, peers.later).empty());
}

TEST(InvalidIkeSpi, ReceivedInvalidIkeSpiIsOnlyLogged) {
  RestartedResponder peers;
  auto request = peers.west_request();
  auto answers = peers.to_forgetful(request, peers.later);
  ASSERT_EQ(answers.size(), 1u);
  auto& west = peers.h.a();
  auto kernel_requests = west.kernel.request_count();
  auto events = west.events.events.size();

  west.engine.handle_datagram(sa::Datagram{answers[0].remote, answers[0].local, answers[0].bytes},
                              peers.later);
  EXPECT_TRUE(any_event_mentions(west.events, "INVALID_IKE_SPI")) << west.events.dump();
  EXPECT_EQ(west.events.events.size(), events + 1) << "one log line, nothing else";
  EXPECT_EQ(west.events.events.back().kind, EventKind::log);
  ASSERT_EQ(west.engine.ike_sas().size(), 1u);
  EXPECT_EQ(west.engine.ike_sas().front()->state, sa::IkeState::established);
  EXPECT_EQ(west.kernel.request_count(), kernel_requests);
  EXPECT_EQ(west.kernel.sas.size(), 2u);
  EXPECT_FALSE(west.engine.poll_transmit()) << "never answered";
  // The liveness check is still waiting for its real answer.
  EXPECT_TRUE(west.engine.ike_sas().front()->requests.in_flight_id());
}

/// West deletes "office" (D(IKE) in flight) and the restarted east answers it
/// INVALID_IKE_SPI; returns east's answer as west receives it.
sa::Datagram delete_answered_by_forgetful(RestartedResponder& peers) {
  auto& west = peers.h.a();
  EXPECT_TRUE(west.engine.terminate("office", peers.h.now()));
  auto request = west.engine.poll_transmit();
  EXPECT_TRUE(request);
  EXPECT_EQ(west.engine.ike_sas().front()->state, sa::IkeState::deleting);
  auto answers = peers.to_forgetful(*request, peers.h.now());
  EXPECT_EQ(answers.size(), 1u);
  return sa::Datagram{answers.at(0).remote, answers.at(0).local, answers.at(0).bytes};
}

TEST(InvalidIkeSpi, AnswerToOurDeleteFromThePeerEndsTheDeletingIkeSaAtOnce) {
  RestartedResponder peers;
  auto& west = peers.h.a();
  auto answer = delete_answered_by_forgetful(peers);
  west.engine.handle_datagram(answer, peers.h.now());
  EXPECT_TRUE(west.engine.ike_sas().empty()) << west.events.dump();
  EXPECT_TRUE(west.kernel.sas.empty());
  EXPECT_TRUE(west.kernel.policies.empty());
  EXPECT_EQ(west.events.count(EventKind::ike_down), 1u) << west.events.dump();
  EXPECT_TRUE(any_event_mentions(west.events, "the peer has forgotten the IKE SA"));
  EXPECT_FALSE(west.engine.poll_transmit()) << "never answered";
}

TEST(InvalidIkeSpi, WhileDeletingAnAnswerFromAnotherAddressIsOnlyLogged) {
  RestartedResponder peers;
  auto& west = peers.h.a();
  auto answer = delete_answered_by_forgetful(peers);
  answer.remote.address = *IpAddress::parse("10.77.0.3");
  west.engine.handle_datagram(answer, peers.h.now());
  ASSERT_EQ(west.engine.ike_sas().size(), 1u);
  EXPECT_EQ(west.engine.ike_sas().front()->state, sa::IkeState::deleting);
  EXPECT_EQ(west.events.count(EventKind::ike_down), 0u);
  EXPECT_TRUE(west.engine.ike_sas().front()->requests.in_flight_id()) << "the delete goes on";
}

TEST(InvalidIkeSpi, WhileDeletingAnAnswerWithAnotherMessageIdIsOnlyLogged) {
  RestartedResponder peers;
  auto& west = peers.h.a();
  auto answer = delete_answered_by_forgetful(peers);
  auto message = wire::decode_message(answer.bytes);
  ASSERT_TRUE(message);
  auto header = message->header;
  header.message_id += 1;
  answer.bytes =
      wire::encode_message(header, {wire::make_notify(wire::NotifyType::invalid_ike_spi)});
  west.engine.handle_datagram(answer, peers.h.now());
  ASSERT_EQ(west.engine.ike_sas().size(), 1u);
  EXPECT_EQ(west.engine.ike_sas().front()->state, sa::IkeState::deleting);
}

}  // namespace
}  // namespace ike::test
