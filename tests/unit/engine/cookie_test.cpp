// Stateless cookies (RFC 7296 2.6) above the half-open threshold, the
// initiator's retry with the cookie, secret rotation, and the half-open
// timeout that frees responder state when IKE_AUTH never comes.

#include <gtest/gtest.h>

#include "ike/wire/message.hpp"
#include "support/two_peer_harness.hpp"

namespace ike::test {
namespace {

using sa::EventKind;
using wire::ExchangeType;

HarnessOptions with_threshold(std::size_t threshold) {
  HarnessOptions options;
  options.settings_b.cookie_threshold = threshold;
  return options;
}

void add_office(TwoPeerHarness& h) {
  auto [west, east] = psk_connection_pair();
  h.add_connections(west, east);
  set_psk(h, "cookie-psk-0123456789");
}

/// Everything peer b sends, kept for decoding.
struct Capture {
  std::vector<Bytes> from_b;
  void attach(Link& link) {
    link.set_filter([this](Side from, const TraceEntry&, ByteView bytes) {
      if (from == Side::b) from_b.emplace_back(bytes.begin(), bytes.end());
      return LinkAction::pass;
    });
  }
};

wire::Message decode(ByteView bytes) {
  auto message = wire::decode_message(bytes);
  EXPECT_TRUE(message) << (message ? "" : message.error().reason);
  return message ? *message : wire::Message{};
}

sa::Datagram from_west(Bytes bytes, std::uint16_t port = 500) {
  return sa::Datagram{sa::Endpoint{*IpAddress::parse("10.77.0.1"), 500},
                      sa::Endpoint{*IpAddress::parse("10.77.0.2"), port}, std::move(bytes)};
}

/// `request` with its initiator SPI replaced and, if given, N(COOKIE) put first.
Bytes variant(ByteView request, std::uint64_t spi_i, const Bytes& cookie = {}) {
  auto message = decode(request);
  message.header.spi_initiator = spi_i;
  if (!cookie.empty()) {
    message.payloads.insert(message.payloads.begin(),
                            wire::make_notify(wire::NotifyType::cookie, cookie));
  }
  return wire::encode_message(message.header, message.payloads);
}

/// Sends `request` to peer b directly; returns b's one answer, decoded.
wire::Message ask_b(TwoPeerHarness& h, Bytes request, std::uint16_t port = 500) {
  h.b().engine.handle_datagram(from_west(std::move(request), port), h.now());
  auto answer = h.b().engine.poll_transmit();
  EXPECT_TRUE(answer);
  EXPECT_FALSE(h.b().engine.poll_transmit()) << "one answer expected";
  return answer ? decode(answer->bytes) : wire::Message{};
}

/// Peer a's first IKE_SA_INIT request, taken off the link.
Bytes west_request(TwoPeerHarness& h) {
  h.link().set_down(Side::a, true);
  EXPECT_TRUE(h.a().engine.initiate("office", "", h.now()));
  auto datagram = h.a().engine.poll_transmit();
  EXPECT_TRUE(datagram);
  h.link().set_down(Side::a, false);
  return datagram ? datagram->bytes : Bytes{};
}

TEST(Cookies, ThresholdZeroMeansEveryInitiatorProvesItsAddressFirst) {
  TwoPeerHarness h(with_threshold(0));
  add_office(h);
  Capture capture;
  capture.attach(h.link());
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  ASSERT_TRUE(h.step());  // IKE_SA_INIT to b
  // The COOKIE answer leaves no state behind.
  EXPECT_TRUE(h.b().engine.ike_sas().empty());
  EXPECT_EQ(h.b().engine.half_open_count(), 0u);
  EXPECT_FALSE(h.b().engine.next_deadline());
  EXPECT_EQ(h.deliver_all(), 5u) << h.dump();

  ASSERT_GE(capture.from_b.size(), 1u);
  auto cookie_answer = decode(capture.from_b[0]);
  EXPECT_TRUE(cookie_answer.header.is_response());
  EXPECT_EQ(cookie_answer.header.spi_responder, 0u);
  ASSERT_EQ(cookie_answer.payloads.size(), 1u);
  const auto* cookie = cookie_answer.find_notify(wire::NotifyType::cookie);
  ASSERT_TRUE(cookie);
  EXPECT_EQ(cookie->data.size(), 36u);  // 4-byte secret version + SHA-256

  auto requests = h.link().sent_by(Side::a, ExchangeType::ike_sa_init, false);
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].header->message_id, 0u);
  EXPECT_EQ(requests[1].header->spi_initiator, requests[0].header->spi_initiator);
  for (auto side : {Side::a, Side::b}) {
    EXPECT_EQ(h.peer(side).events.count(EventKind::ike_up), 1u) << h.dump();
    EXPECT_EQ(h.peer(side).events.count(EventKind::child_up), 1u) << h.dump();
  }
}

TEST(Cookies, TheRetriedRequestCarriesTheCookieFirstAndUnchanged) {
  TwoPeerHarness h(with_threshold(0));
  add_office(h);
  Bytes retried;
  h.link().set_filter([&](Side from, const TraceEntry& entry, ByteView bytes) {
    if (from == Side::a && entry.header->exchange == ExchangeType::ike_sa_init) {
      retried.assign(bytes.begin(), bytes.end());
    }
    return LinkAction::pass;
  });
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  h.deliver_all();
  auto message = decode(retried);
  ASSERT_FALSE(message.payloads.empty());
  EXPECT_EQ(message.payloads.front().type, wire::PayloadType::notify);
  EXPECT_EQ(std::get<wire::NotifyPayload>(message.payloads.front().body).type,
            wire::NotifyType::cookie);
}

TEST(Cookies, FloodOfHalfOpenSasIsCappedAndARealInitiatorStillGetsThrough) {
  constexpr std::size_t kThreshold = 5;
  TwoPeerHarness h(with_threshold(kThreshold));
  add_office(h);
  auto request = west_request(h);
  ASSERT_TRUE(h.a().engine.terminate("office", h.now()));
  h.collect();
  h.link().clear();

  // 40 spoofed IKE_SA_INITs from as many source ports and SPIs.
  std::size_t cookies_sent = 0, sas_answered = 0;
  for (std::uint16_t i = 0; i < 40; ++i) {
    auto answer = ask_b(h, variant(request, 0x1000 + i), static_cast<std::uint16_t>(20000 + i));
    if (answer.find_notify(wire::NotifyType::cookie)) {
      ++cookies_sent;
      EXPECT_EQ(answer.header.spi_responder, 0u);
    } else {
      ++sas_answered;
    }
  }
  EXPECT_EQ(sas_answered, kThreshold);
  EXPECT_EQ(cookies_sent, 40 - kThreshold);
  EXPECT_EQ(h.b().engine.half_open_count(), kThreshold);
  EXPECT_EQ(h.b().engine.ike_sas().size(), kThreshold);

  // A real initiator answers the cookie and is let in.
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  h.deliver_all();
  EXPECT_EQ(h.a().events.count(EventKind::ike_up), 1u) << h.dump();
  EXPECT_EQ(h.b().events.count(EventKind::ike_up), 1u) << h.dump();
  EXPECT_EQ(h.b().engine.half_open_count(), kThreshold);

  // The spoofed SAs time out; then no cookie is needed any more.
  h.advance(seconds(31));
  EXPECT_EQ(h.b().engine.half_open_count(), 0u);
  EXPECT_EQ(h.b().engine.ike_sas().size(), 1u);
  auto answer = ask_b(h, variant(request, 0x9999), 30000);
  EXPECT_FALSE(answer.find_notify(wire::NotifyType::cookie));
}

TEST(Cookies, WrongCookiesAreAnsweredWithAFreshOneAndNoState) {
  TwoPeerHarness h(with_threshold(0));
  add_office(h);
  auto request = west_request(h);
  auto first = ask_b(h, variant(request, 0x42));
  const auto* notify = first.find_notify(wire::NotifyType::cookie);
  ASSERT_TRUE(notify);
  Bytes cookie = notify->data;

  auto tampered = cookie;
  tampered.back() ^= 0x01;
  Bytes unknown_version = cookie;
  unknown_version[0] ^= 0x80;
  Bytes truncated(cookie.begin(), cookie.end() - 1);
  for (const auto& bad : {tampered, unknown_version, truncated}) {
    auto answer = ask_b(h, variant(request, 0x42, bad));
    EXPECT_TRUE(answer.find_notify(wire::NotifyType::cookie));
  }
  // Bound to SPIi and to the source address.
  EXPECT_TRUE(ask_b(h, variant(request, 0x43, cookie)).find_notify(wire::NotifyType::cookie));
  h.b().engine.handle_datagram(sa::Datagram{sa::Endpoint{*IpAddress::parse("10.77.0.1"), 500},
                                            sa::Endpoint{*IpAddress::parse("10.77.0.9"), 500},
                                            variant(request, 0x42, cookie)},
                               h.now());
  auto elsewhere = h.b().engine.poll_transmit();
  ASSERT_TRUE(elsewhere);
  EXPECT_TRUE(decode(elsewhere->bytes).find_notify(wire::NotifyType::cookie));
  EXPECT_TRUE(h.b().engine.ike_sas().empty());

  // The right one opens the door.
  auto accepted = ask_b(h, variant(request, 0x42, cookie));
  EXPECT_FALSE(accepted.find_notify(wire::NotifyType::cookie));
  EXPECT_NE(accepted.header.spi_responder, 0u);
  EXPECT_EQ(h.b().engine.ike_sas().size(), 1u);
}

TEST(Cookies, UnderPressureARequestIsAnsweredBeforeItIsDecoded) {
  // A flood costs a hash per request: the gate reads the header and the
  // Nonce only, so even a request the decoder would refuse gets a COOKIE.
  TwoPeerHarness h(with_threshold(0));
  add_office(h);
  auto request = west_request(h);
  auto corrupt_sa = [](Bytes bytes) {
    auto sa = wire::peek_payload_body(bytes, wire::PayloadType::security_association);
    EXPECT_TRUE(sa);
    auto offset = static_cast<std::size_t>(sa->data() - bytes.data());
    bytes[offset + 2] = 0xff;  // the first proposal's length
    bytes[offset + 3] = 0xff;
    EXPECT_FALSE(wire::decode_message(bytes));
    return bytes;
  };
  auto first = ask_b(h, corrupt_sa(variant(request, 0x51)));
  const auto* notify = first.find_notify(wire::NotifyType::cookie);
  ASSERT_TRUE(notify);
  // With a valid cookie the request is decoded, refused, and leaves no state.
  h.b().engine.handle_datagram(from_west(corrupt_sa(variant(request, 0x51, notify->data))),
                               h.now());
  while (auto answer = h.b().engine.poll_transmit()) {
    auto decoded = wire::decode_message(answer->bytes);
    ASSERT_TRUE(decoded);
    EXPECT_FALSE(decoded->find_notify(wire::NotifyType::cookie));
  }
  EXPECT_TRUE(h.b().engine.ike_sas().empty());
  // And a well-formed one with that cookie gets in.
  EXPECT_EQ(ask_b(h, variant(request, 0x51, notify->data)).header.spi_responder != 0, true);
  EXPECT_EQ(h.b().engine.ike_sas().size(), 1u);
}

TEST(Cookies, ACookieOutlivesOneSecretRotationButNotTwo) {
  auto options = with_threshold(0);
  options.settings_b.cookie_secret_lifetime = minutes(2);
  TwoPeerHarness h(options);
  add_office(h);
  auto request = west_request(h);
  auto cookie = ask_b(h, variant(request, 0x77)).find_notify(wire::NotifyType::cookie)->data;

  // After one rotation the previous secret still verifies.
  h.advance(minutes(2) + seconds(1));
  auto later = ask_b(h, variant(request, 0x78));  // makes b rotate now
  auto newer = later.find_notify(wire::NotifyType::cookie)->data;
  EXPECT_NE(Bytes(newer.begin(), newer.begin() + 4), Bytes(cookie.begin(), cookie.begin() + 4))
      << "a new secret has a new version";
  EXPECT_FALSE(ask_b(h, variant(request, 0x77, cookie)).find_notify(wire::NotifyType::cookie));

  // After the second rotation it is gone, while the one made after the first
  // rotation still works.
  h.advance(minutes(2) + seconds(1));
  EXPECT_TRUE(ask_b(h, variant(request, 0x77, cookie)).find_notify(wire::NotifyType::cookie));
  EXPECT_FALSE(ask_b(h, variant(request, 0x78, newer)).find_notify(wire::NotifyType::cookie));
}

TEST(Cookies, HalfOpenResponderSaTimesOut) {
  TwoPeerHarness h;
  add_office(h);
  // West's IKE_AUTH never arrives.
  h.link().set_filter([](Side from, const TraceEntry& entry, ByteView) {
    bool auth = entry.header && entry.header->exchange == ExchangeType::ike_auth;
    return from == Side::a && auth ? LinkAction::drop : LinkAction::pass;
  });
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  h.deliver_all();
  EXPECT_EQ(h.b().engine.half_open_count(), 1u);
  auto start = h.now();
  ASSERT_TRUE(h.run_until([&] { return h.b().engine.half_open_count() == 0; }, minutes(2)))
      << h.dump();
  EXPECT_EQ(h.now() - start, seconds(30));
  EXPECT_TRUE(h.b().engine.ike_sas().empty());
  EXPECT_EQ(h.b().events.count(EventKind::failed), 1u) << h.dump();
  bool reason = false;
  for (const auto& event : h.b().events.events)
    reason |= event.message.find("half-open") != std::string::npos;
  EXPECT_TRUE(reason) << h.dump();
  // The initiator keeps trying until its own give-up and then has nothing.
  h.run_for(minutes(3));
  EXPECT_TRUE(h.a().engine.ike_sas().empty()) << h.dump();
}

}  // namespace
}  // namespace ike::test
