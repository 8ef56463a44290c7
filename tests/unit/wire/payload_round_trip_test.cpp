// decode(encode(x)) == x for every payload body, and known encodings from
// strongSwan's IKE_SA_INIT (tests/vectors/psk-full-chain-*, frame 1).

#include <gtest/gtest.h>

#include "ike/wire/message.hpp"
#include "sample_payloads.hpp"
#include "support/test_random.hpp"

namespace ike::wire {
namespace {

using ike::test::hex;

template <class Body>
Bytes encode_body(const Body& body) {
  Bytes out;
  Writer writer(out);
  body.encode(writer);
  return out;
}

// Decodes with the matching codec; SK and SKF carry their first_inner.
template <class Body>
Result<Body> decode_body(ByteView bytes, const Body& like) {
  if constexpr (std::is_same_v<Body, EncryptedPayload> ||
                std::is_same_v<Body, EncryptedFragmentPayload>) {
    return Body::decode(bytes, like.first_inner);
  } else {
    return Body::decode(bytes);
  }
}

TEST(PayloadRoundTrip, EveryBodyDecodesToItself) {
  auto payloads = sample::all_payloads();
  payloads.push_back({PayloadType::encrypted_fragment, false,
                      EncryptedFragmentPayload{PayloadType::none, 2, 3, Bytes(17, 1)}});
  for (const auto& payload : payloads) {
    std::visit(
        [&](const auto& body) {
          using Body = std::decay_t<decltype(body)>;
          if constexpr (!std::is_same_v<Body, UnknownPayload>) {
            Bytes bytes = encode_body(body);
            auto decoded = decode_body(bytes, body);
            ASSERT_TRUE(decoded) << to_string(payload.type) << ": " << decoded.error().reason;
            EXPECT_EQ(*decoded, body) << to_string(payload.type);
          }
        },
        payload.body);
  }
}

TEST(PayloadRoundTrip, WholeChainDecodesToItself) {
  auto payloads = sample::all_payloads();
  ASSERT_TRUE(check_encodable(payloads)) << check_encodable(payloads).error().reason;
  payloads.pop_back();  // SK is not allowed in an inner chain
  Bytes chain = encode_payload_chain(payloads);
  auto decoded = decode_payload_chain(payloads.front().type, chain);
  ASSERT_TRUE(decoded) << decoded.error().reason;
  EXPECT_EQ(*decoded, payloads);
}

TEST(PayloadRoundTrip, MessageWithEveryPayloadDecodesToItself) {
  IkeHeader header;
  header.spi_initiator = 0x0102030405060708;
  header.spi_responder = 0x1112131415161718;
  header.exchange = ExchangeType::ike_auth;
  header.flags = IkeHeader::kFlagInitiator;
  header.message_id = 1;
  auto payloads = sample::all_payloads();
  Bytes bytes = encode_message(header, payloads);
  auto message = decode_message(bytes);
  ASSERT_TRUE(message) << message.error().reason;
  EXPECT_EQ(message->payloads, payloads);
  EXPECT_EQ(message->header.length, bytes.size());
  EXPECT_EQ(message->header.next_payload, PayloadType::security_association);
  EXPECT_EQ(encode_message(message->header, message->payloads), bytes);
}

TEST(SaPayloadCodec, DecodesStrongSwanProposal) {
  // The SA body of frame 1: one IKE proposal, three transforms.
  Bytes body =
      hex("00000024 01010003"
          "0300000c 01000014 800e0100"
          "03000008 02000006"
          "00000008 0400001f");
  auto sa = SaPayload::decode(body);
  ASSERT_TRUE(sa) << sa.error().reason;
  ASSERT_EQ(sa->proposals.size(), 1u);
  const Proposal& proposal = sa->proposals[0];
  EXPECT_EQ(proposal.number, 1);
  EXPECT_EQ(proposal.protocol, ProtocolId::ike);
  EXPECT_TRUE(proposal.spi.empty());
  ASSERT_EQ(proposal.transforms.size(), 3u);
  EXPECT_EQ(proposal.transforms[0].type, TransformType::encryption);
  EXPECT_EQ(proposal.transforms[0].id, static_cast<std::uint16_t>(EncryptionAlgorithm::aes_gcm_16));
  EXPECT_EQ(proposal.transforms[0].key_length(), 256);
  EXPECT_EQ(proposal.transforms[1].id, static_cast<std::uint16_t>(PrfAlgorithm::hmac_sha2_384));
  EXPECT_FALSE(proposal.transforms[1].key_length());
  EXPECT_EQ(proposal.transforms[2].type, TransformType::key_exchange);
  EXPECT_EQ(proposal.transforms[2].id, static_cast<std::uint16_t>(KeGroup::curve25519));
  EXPECT_EQ(encode_body(*sa), body);
}

TEST(SaPayloadCodec, IgnoresReservedFieldsAndWritesThemAsZero) {
  Bytes body = hex("00ff0010 01010001 0077000802ff0006");
  auto sa = SaPayload::decode(body);
  ASSERT_TRUE(sa) << sa.error().reason;
  EXPECT_EQ(encode_body(*sa), hex("00000010 01010001 0000000802000006"));
}

TEST(TsPayloadCodec, EncodesSelectorsAsRfc7296Lays) {
  TsPayload ts{{TrafficSelector{
      TsType::ipv4_addr_range, 0, 0, 65535, hex("0a4d0200"), hex("0a4d02ff"), {}}}};
  EXPECT_EQ(encode_body(ts), hex("01000000 07000010 0000ffff 0a4d0200 0a4d02ff"));
}

TEST(TsPayloadCodec, KeepsUnknownSelectorTypesOpaque) {
  // TS_SECLABEL (10, RFC 9478): type, reserved, length, then the label.
  auto ts = TsPayload::decode(hex("01000000 0a000008 73797374"));
  ASSERT_TRUE(ts) << ts.error().reason;
  ASSERT_EQ(ts->selectors.size(), 1u);
  EXPECT_EQ(ts->selectors[0].type, static_cast<TsType>(10));
  EXPECT_EQ(ts->selectors[0].opaque, hex("73797374"));
  EXPECT_EQ(encode_body(*ts), hex("01000000 0a000008 73797374"));
}

TEST(NotifyPayloadCodec, EncodesSpiSizeFromTheSpi) {
  NotifyPayload notify{ProtocolId::esp, hex("cafebabe"), NotifyType::rekey_sa, {}};
  EXPECT_EQ(encode_body(notify), hex("0304 4009 cafebabe"));
  NotifyPayload cookie{ProtocolId::none, {}, NotifyType::cookie, hex("00112233")};
  EXPECT_EQ(encode_body(cookie), hex("0000 4006 00112233"));
}

TEST(ConfigPayloadCodec, IgnoresTheReservedBitOfAttributeTypes) {
  auto cp = ConfigPayload::decode(hex("01000000 80010000 00030000"));
  ASSERT_TRUE(cp) << cp.error().reason;
  ASSERT_EQ(cp->attributes.size(), 2u);
  EXPECT_EQ(cp->attributes[0].type, 1);
  EXPECT_EQ(encode_body(*cp), hex("01000000 00010000 00030000"));
}

TEST(CertReqPayloadCodec, SplitsSha1Authorities) {
  CertReqPayload request{CertEncoding::x509_signature, Bytes(40, 0xab)};
  auto hashes = request.sha1_authorities();
  ASSERT_TRUE(hashes);
  ASSERT_EQ(hashes->size(), 2u);
  EXPECT_EQ((*hashes)[1].size(), 20u);
  request.authorities.push_back(1);
  EXPECT_FALSE(request.sha1_authorities());
  request.authorities.clear();
  ASSERT_TRUE(request.sha1_authorities());
  EXPECT_TRUE(request.sha1_authorities()->empty());
}

TEST(EncryptedFragmentCodec, CarriesNumbersAndFirstInner) {
  auto fragment =
      EncryptedFragmentPayload::decode(hex("0001 0002 aabb"), PayloadType::id_initiator);
  ASSERT_TRUE(fragment) << fragment.error().reason;
  EXPECT_EQ(fragment->number, 1);
  EXPECT_EQ(fragment->total, 2);
  EXPECT_EQ(fragment->first_inner, PayloadType::id_initiator);
  EXPECT_EQ(fragment->body, hex("aabb"));
  EXPECT_EQ(encode_body(*fragment), hex("0001 0002 aabb"));
}

}  // namespace
}  // namespace ike::wire
