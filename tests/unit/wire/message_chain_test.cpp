// The payload chain and the message frame: generic header checks, SK/SKF
// placement, unknown payloads, header Length, and the answer to a failure.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ike/wire/message.hpp"
#include "sample_payloads.hpp"
#include "support/test_random.hpp"

namespace ike::wire {
namespace {

using ike::test::hex;
using ::testing::HasSubstr;

const Bytes kNonce = Bytes(16, 0xab);

/// A generic payload header + body.
Bytes payload(std::uint8_t next, std::uint8_t flags, const Bytes& body,
              std::optional<std::uint16_t> length = std::nullopt) {
  auto total = length.value_or(static_cast<std::uint16_t>(body.size() + 4));
  return concat(
      {Bytes{next, flags, static_cast<std::uint8_t>(total >> 8), static_cast<std::uint8_t>(total)},
       body});
}

/// A header for `chain` with the right Length unless told otherwise.
Bytes message(std::uint8_t first, const Bytes& chain, std::optional<std::uint32_t> length = {},
              std::uint8_t version = 0x20) {
  std::uint32_t total = length.value_or(static_cast<std::uint32_t>(28 + chain.size()));
  Bytes header = hex("0102030405060708 0000000000000000");
  header.insert(header.end(), {first, version, 34, 0x08, 0, 0, 0, 0});
  for (int shift = 24; shift >= 0; shift -= 8)
    header.push_back(static_cast<std::uint8_t>(total >> shift));
  return concat({header, chain});
}

void expect_chain_refused(std::uint8_t first, const Bytes& chain, const std::string& reason) {
  auto decoded = decode_message(message(first, chain));
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().code, Errc::invalid_syntax);
  EXPECT_THAT(decoded.error().reason, HasSubstr(reason));
}

TEST(PayloadChain, DecodesAndSkipsNothingOfAValidChain) {
  Bytes chain = concat({payload(41, 0, kNonce), payload(0, 0, hex("00004006 aabb"))});
  auto decoded = decode_message(message(40, chain));
  ASSERT_TRUE(decoded) << decoded.error().reason;
  ASSERT_EQ(decoded->payloads.size(), 2u);
  EXPECT_EQ(decoded->first_body<NoncePayload>(PayloadType::nonce)->data, kNonce);
  ASSERT_TRUE(decoded->find_notify(NotifyType::cookie));
  EXPECT_EQ(decoded->find_notify(NotifyType::cookie)->data, hex("aabb"));
  EXPECT_FALSE(decoded->find_notify(NotifyType::invalid_syntax));
  EXPECT_FALSE(decoded->first(PayloadType::key_exchange));
}

TEST(PayloadChain, PayloadOverrunsTheMessage) {
  expect_chain_refused(40, payload(0, 0, kNonce, 21),
                       "payload 1 (N(once)): Payload Length 21 overruns the 20 bytes left");
  Bytes chain = concat({payload(41, 0, kNonce), payload(0, 0, hex("00004006"), 9)});
  expect_chain_refused(40, chain, "payload 2 (N): Payload Length 9 overruns the 8 bytes left");
}

TEST(PayloadChain, PayloadLengthBelowGenericHeader) {
  expect_chain_refused(40, payload(0, 0, {}, 3),
                       "payload 1 (N(once)): Payload Length 3 is below the 4-byte generic header");
  expect_chain_refused(43, payload(0, 0, {}, 0), "Payload Length 0 is below");
}

TEST(PayloadChain, ChainEndsBeforeTheAnnouncedPayload) {
  // The nonce announces a KE payload that is not there.
  expect_chain_refused(
      40, payload(34, 0, kNonce),
      "payload 2 (KE): 0 bytes left, shorter than the 4-byte generic payload header");
  expect_chain_refused(40, concat({payload(34, 0, kNonce), hex("2200")}),
                       "payload 2 (KE): 2 bytes left");
}

TEST(PayloadChain, TrailingBytesAfterTheLastPayload) {
  expect_chain_refused(40, concat({payload(0, 0, kNonce), hex("000000")}),
                       "3 bytes of trailing data after the last payload (N(once))");
  expect_chain_refused(0, hex("00"), "1 byte of trailing data after the last payload");
}

TEST(PayloadChain, PayloadLengthSmallerThanItsBodyNeeds) {
  // The Nonce's Length leaves 15 bytes: the body check fails, naming the payload.
  Bytes chain = concat({payload(0, 0, Bytes(15, 1)), Bytes{}});
  auto decoded = decode_message(message(40, chain));
  ASSERT_FALSE(decoded);
  EXPECT_THAT(
      decoded.error().reason,
      HasSubstr(
          "Nonce payload: nonce of 15 bytes is outside 16..256 bytes (at payload 1, N(once))"));
}

TEST(PayloadChain, UnknownCriticalPayloadIsRefusedWithItsType) {
  Bytes chain = concat({payload(99, 0, kNonce), payload(0, 0x80, hex("0102"))});
  auto decoded = decode_message(message(40, chain));
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().code, Errc::unsupported_critical_payload);
  EXPECT_EQ(decoded.error().payload_type, 99);
  EXPECT_THAT(
      decoded.error().reason,
      HasSubstr("payload 2 (PayloadType(99)): unknown payload type 99 has the critical bit set"));
  auto notify = notify_for_error(decoded.error());
  EXPECT_EQ(notify.type, NotifyType::unsupported_critical_payload);
  EXPECT_EQ(notify.data, Bytes{99});
}

TEST(PayloadChain, UnknownNonCriticalPayloadIsKeptAndSkipped) {
  Bytes chain = concat(
      {payload(99, 0, kNonce), payload(41, 0x7f, hex("0102")), payload(0, 0, hex("00004006"))});
  auto decoded = decode_message(message(40, chain));
  ASSERT_TRUE(decoded) << decoded.error().reason;
  ASSERT_EQ(decoded->payloads.size(), 3u);
  const Payload& unknown = decoded->payloads[1];
  EXPECT_EQ(static_cast<unsigned>(unknown.type), 99u);
  EXPECT_FALSE(unknown.critical);
  ASSERT_TRUE(body_as<UnknownPayload>(unknown));
  EXPECT_EQ(body_as<UnknownPayload>(unknown)->raw_type, 99);
  EXPECT_EQ(body_as<UnknownPayload>(unknown)->body, hex("0102"));
  EXPECT_TRUE(body_matches_type(unknown));
  // Reserved bits are not carried over: re-encoding writes zeros there.
  Bytes again = encode_message(decoded->header, decoded->payloads);
  Bytes expected = message(40, concat({payload(99, 0, kNonce), payload(41, 0, hex("0102")),
                                       payload(0, 0, hex("00004006"))}));
  EXPECT_EQ(again, expected);
}

TEST(PayloadChain, CriticalBitOnAKnownPayloadIsKept) {
  auto decoded = decode_message(message(40, payload(0, 0x80, kNonce)));
  ASSERT_TRUE(decoded) << decoded.error().reason;
  EXPECT_TRUE(decoded->payloads[0].critical);
  EXPECT_EQ(encode_message(decoded->header, decoded->payloads),
            message(40, payload(0, 0x80, kNonce)));
}

TEST(PayloadChain, EncryptedPayloadIsLastAndNamesTheFirstInner) {
  Bytes chain = concat({payload(46, 0, kNonce), payload(35, 0, Bytes(40, 9))});
  auto decoded = decode_message(message(40, chain));
  ASSERT_TRUE(decoded) << decoded.error().reason;
  ASSERT_TRUE(decoded->encrypted());
  EXPECT_EQ(decoded->encrypted()->first_inner, PayloadType::id_initiator);
  EXPECT_EQ(decoded->encrypted()->body, Bytes(40, 9));
  EXPECT_EQ(encode_message(decoded->header, decoded->payloads), message(40, chain));
}

TEST(PayloadChain, NothingMayFollowSkOrSkf) {
  Bytes sk_first = concat({payload(35, 0, Bytes(8, 1)), payload(0, 0, kNonce)});
  expect_chain_refused(46, sk_first,
                       "payload 1 (SK): must be the last payload but 20 bytes follow");
  Bytes skf_first = concat({payload(0, 0, hex("00010001 aa")), hex("00000004")});
  expect_chain_refused(53, skf_first,
                       "payload 1 (SKF): must be the last payload but 4 bytes follow");
}

TEST(PayloadChain, SkfIsDecodedWithItsFirstInner) {
  auto decoded = decode_message(message(53, payload(35, 0, hex("00010002 aabbcc"))));
  ASSERT_TRUE(decoded) << decoded.error().reason;
  ASSERT_TRUE(decoded->encrypted_fragment());
  EXPECT_EQ(decoded->encrypted_fragment()->first_inner, PayloadType::id_initiator);
  EXPECT_EQ(decoded->encrypted_fragment()->total, 2);
  expect_chain_refused(53, payload(0, 0, hex("00030002 aa")),
                       "SKF payload: Fragment Number 3 is outside 1..2 (at payload 1, SKF)");
}

TEST(PayloadChain, InnerChainMayNotHoldSkOrSkf) {
  auto inner = decode_payload_chain(PayloadType::nonce,
                                    concat({payload(46, 0, kNonce), payload(0, 0, Bytes(8, 1))}));
  ASSERT_FALSE(inner);
  EXPECT_THAT(inner.error().reason,
              HasSubstr("payload 2 (SK): not allowed inside an encrypted payload"));
  auto fragment =
      decode_payload_chain(PayloadType::encrypted_fragment, payload(0, 0, hex("00010001")));
  ASSERT_FALSE(fragment);
  EXPECT_THAT(fragment.error().reason, HasSubstr("payload 1 (SKF): not allowed inside"));
}

TEST(PayloadChain, EmptyInnerChain) {
  auto inner = decode_payload_chain(PayloadType::none, {});
  ASSERT_TRUE(inner);
  EXPECT_TRUE(inner->empty());
  EXPECT_FALSE(decode_payload_chain(PayloadType::none, hex("00")));
  EXPECT_TRUE(encode_payload_chain({}).empty());
}

TEST(MessageFrame, HeaderLengthMustEqualTheDatagram) {
  Bytes chain = payload(0, 0, kNonce);
  for (std::uint32_t length : {47u, 49u, 28u, 0u, 0xffffffffu}) {
    auto decoded = decode_message(message(40, chain, length));
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error().code, Errc::invalid_syntax);
    EXPECT_THAT(decoded.error().reason, HasSubstr("IKE header: Length " + std::to_string(length) +
                                                  " does not match the datagram of 48 bytes"));
  }
}

TEST(MessageFrame, ShortDatagram) {
  auto decoded = decode_message(hex("0102030405060708"));
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().code, Errc::invalid_syntax);
  EXPECT_FALSE(peek_header(hex("0102030405060708")));
}

TEST(MessageFrame, MajorVersionThree) {
  Bytes datagram = message(40, payload(0, 0, kNonce), std::nullopt, 0x30);
  auto decoded = decode_message(datagram);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().code, Errc::invalid_major_version);
  EXPECT_EQ(notify_for_error(decoded.error()).type, NotifyType::invalid_major_version);
  EXPECT_TRUE(notify_for_error(decoded.error()).data.empty());
  // The responder still learns what to answer to.
  auto header = peek_header(datagram);
  ASSERT_TRUE(header);
  EXPECT_EQ(header->major_version, 3);
  EXPECT_EQ(header->spi_initiator, 0x0102030405060708u);
  EXPECT_EQ(header->exchange, ExchangeType::ike_sa_init);
}

TEST(MessageFrame, EveryOtherFailureAnswersInvalidSyntax) {
  auto decoded = decode_message(message(40, payload(0, 0, Bytes(15, 1))));
  ASSERT_FALSE(decoded);
  auto notify = notify_for_error(decoded.error());
  EXPECT_EQ(notify.type, NotifyType::invalid_syntax);
  EXPECT_EQ(notify.protocol, ProtocolId::none);
  EXPECT_TRUE(notify.spi.empty());
  EXPECT_TRUE(notify.data.empty());
}

TEST(MessageFrame, EncodeFillsNextPayloadAndLength) {
  IkeHeader header;
  header.next_payload = PayloadType::eap;  // overwritten
  header.length = 1;                       // overwritten
  std::vector<Payload> payloads{{PayloadType::nonce, false, NoncePayload{kNonce}}};
  Bytes bytes = encode_message(header, payloads);
  EXPECT_EQ(bytes.size(), 48u);
  EXPECT_EQ(bytes[16], 40);
  EXPECT_EQ(bytes[27], 48);
  EXPECT_EQ(encode_message(header, {}).size(), 28u);
  EXPECT_EQ(encode_message(header, {})[16], 0);
}

TEST(Lookups, FindByTypeAndNotify) {
  auto payloads = sample::all_payloads();
  EXPECT_EQ(count_payloads(payloads, PayloadType::notify), 2u);
  EXPECT_EQ(count_payloads(payloads, PayloadType::delete_), 2u);
  EXPECT_EQ(find_body<IdPayload>(payloads, PayloadType::id_responder)->id_type, IdType::ipv4_addr);
  EXPECT_EQ(find_body<KePayload>(payloads, PayloadType::id_responder), nullptr);
  EXPECT_EQ(find_all_bodies<DeletePayload>(payloads, PayloadType::delete_).size(), 2u);
  ASSERT_TRUE(find_notify(payloads, NotifyType::nat_detection_source_ip));
  EXPECT_FALSE(find_error_notify(payloads));
  payloads.push_back(make_notify(NotifyType::ts_unacceptable));
  ASSERT_TRUE(find_error_notify(payloads));
  EXPECT_EQ(find_error_notify(payloads)->type, NotifyType::ts_unacceptable);
}

TEST(CheckEncodable, AcceptsWellFormedChains) {
  EXPECT_TRUE(check_encodable(sample::all_payloads()));
  EXPECT_TRUE(check_encodable({}));
}

TEST(CheckEncodable, RefusesWhatTheWireCannotCarry) {
  auto refused = [](std::vector<Payload> payloads, const std::string& reason) {
    auto status = check_encodable(payloads);
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().code, Errc::invalid_argument);
    EXPECT_THAT(status.error().reason, HasSubstr(reason));
  };
  refused({{PayloadType::nonce, false, KePayload{KeGroup::curve25519, Bytes(32, 1)}}},
          "payload 1 (N(once)): body does not match the payload type");
  refused({{PayloadType::encrypted, false, EncryptedPayload{}},
           {PayloadType::nonce, false, NoncePayload{kNonce}}},
          "payload 1 (SK): SK/SKF must be the last payload");
  refused({{PayloadType::certificate, false,
            CertPayload{CertEncoding::x509_signature, Bytes(70000, 1)}}},
          "payload 1 (CERT): body of 70001 bytes exceeds the 65531-byte maximum");
  refused({{PayloadType::nonce, false, NoncePayload{Bytes(8, 1)}}},
          "would not decode: Nonce payload");
  SaPayload sa = sample::sa();
  sa.proposals[0].spi = Bytes(300, 1);
  refused({{PayloadType::security_association, false, sa}}, "would ");
  refused({{static_cast<PayloadType>(99), true, UnknownPayload{99, {}}}}, "would not decode");
  TsPayload ts = sample::ts();
  ts.selectors[0].start_address = Bytes(16, 0);  // an IPv6 address in an IPv4 selector
  refused({{PayloadType::ts_initiator, false, ts}}, "would ");
}

}  // namespace
}  // namespace ike::wire

namespace ike::wire {
namespace {

// peek_payload_body: the cookie gate's look at a request without decoding it.
constexpr std::uint8_t kNotifyType = 41, kNonceType = 40, kSaType = 33, kSkType = 46;

TEST(PeekPayloadBody, FindsABodyByFollowingGenericHeadersOnly) {
  // The SA body is garbage a decoder refuses; the walk does not look inside.
  Bytes chain = concat({payload(kNonceType, 0, Bytes(8, 0xee)), payload(0, 0, kNonce)});
  Bytes datagram = message(kSaType, chain);
  ASSERT_FALSE(decode_message(datagram));
  auto nonce = peek_payload_body(datagram, PayloadType::nonce);
  ASSERT_TRUE(nonce);
  EXPECT_EQ(Bytes(nonce->begin(), nonce->end()), kNonce);
  auto sa = peek_payload_body(datagram, PayloadType::security_association);
  ASSERT_TRUE(sa);
  EXPECT_EQ(sa->size(), 8u);
  EXPECT_FALSE(peek_payload_body(datagram, PayloadType::key_exchange));
}

TEST(PeekPayloadBody, FirstOnlyLooksAtTheFirstPayload) {
  Bytes cookie_notify = hex("00 00 4006 c0c0c0c0");  // protocol, SPI size, COOKIE, data
  Bytes datagram =
      message(kNotifyType, concat({payload(kNonceType, 0, cookie_notify), payload(0, 0, kNonce)}));
  auto first = peek_payload_body(datagram, PayloadType::notify, true);
  ASSERT_TRUE(first);
  EXPECT_EQ(Bytes(first->begin(), first->end()), cookie_notify);
  EXPECT_FALSE(peek_payload_body(datagram, PayloadType::nonce, true));
  EXPECT_TRUE(peek_payload_body(datagram, PayloadType::nonce));
}

TEST(PeekPayloadBody, LengthsThatDoNotFitFindNothing) {
  // A payload longer than what is left, and one shorter than its header.
  EXPECT_FALSE(
      peek_payload_body(message(kNonceType, payload(0, 0, kNonce, 200)), PayloadType::nonce));
  EXPECT_FALSE(
      peek_payload_body(message(kNonceType, payload(0, 0, kNonce, 3)), PayloadType::nonce));
  // The chain ends at the header's Length, even if the datagram goes on.
  Bytes chain = concat({payload(kNonceType, 0, Bytes(4, 1)), payload(0, 0, kNonce)});
  EXPECT_FALSE(peek_payload_body(message(kSaType, chain, 28 + 8), PayloadType::nonce));
  // A header Length beyond the datagram, or below the header, finds nothing.
  EXPECT_FALSE(
      peek_payload_body(message(kNonceType, payload(0, 0, kNonce), 1000), PayloadType::nonce));
  EXPECT_FALSE(
      peek_payload_body(message(kNonceType, payload(0, 0, kNonce), 20), PayloadType::nonce));
  EXPECT_FALSE(peek_payload_body(hex("0102"), PayloadType::nonce));
  // A truncated generic header at the end.
  Bytes datagram = message(kNonceType, concat({payload(kSaType, 0, kNonce), hex("2100")}));
  EXPECT_TRUE(peek_payload_body(datagram, PayloadType::nonce));
  EXPECT_FALSE(peek_payload_body(datagram, PayloadType::security_association));
}

TEST(PeekPayloadBody, NothingInClearFollowsSk) {
  Bytes datagram =
      message(kSkType, concat({payload(kNonceType, 0, Bytes(20, 9)), payload(0, 0, kNonce)}));
  EXPECT_TRUE(peek_payload_body(datagram, PayloadType::encrypted));
  EXPECT_FALSE(peek_payload_body(datagram, PayloadType::nonce));
}

}  // namespace
}  // namespace ike::wire
