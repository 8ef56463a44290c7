#include "ike/proposal/wire_conversion.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "ike/proposal/defaults.hpp"
#include "proposal_test_util.hpp"

namespace ike::proposal {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAreArray;
using E = wire::EncryptionAlgorithm;
using G = wire::KeGroup;
using I = wire::IntegrityAlgorithm;
using P = wire::PrfAlgorithm;
using wire::EsnMode;
using wire::ProtocolId;
using wire::TransformType;
using namespace test;

// strongSwan 5.9.8's IKE_SA_INIT proposal for "aes128-sha256-prfsha256-ecp256",
// transcribed from tests/vectors/psk-aes128-sha256-ecp256/exchange.txt (frame 1).
wire::Proposal strongswan_ike_proposal() {
  return wire_proposal(
      1, ProtocolId::ike, {},
      {encr(E::aes_cbc, 128), integ(I::hmac_sha2_256_128), prf(P::hmac_sha2_256), ke(G::ecp256)});
}

TEST(ProposalWire, SameTransformsAsStrongSwanForTheSameConfig) {
  auto payload = to_sa_payload(std::vector{parsed("aes128-sha256-prfsha256-ecp256")}, {});
  ASSERT_EQ(payload.proposals.size(), 1u);
  const auto& ours = payload.proposals[0];
  auto theirs = strongswan_ike_proposal();
  EXPECT_EQ(ours.number, 1);
  EXPECT_EQ(ours.protocol, ProtocolId::ike);
  EXPECT_TRUE(ours.spi.empty());
  EXPECT_THAT(ours.transforms, UnorderedElementsAreArray(theirs.transforms));
  EXPECT_EQ(describe(ours), describe(theirs));
  EXPECT_EQ(describe(theirs), "IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/ECP_256");
}

TEST(ProposalWire, TransformsGroupedByTypeInPreferenceOrder) {
  auto proposal = parsed("x25519-aes256-sha384-aes128-sha256-ecp256");
  auto out = to_wire(proposal, 1, {});
  EXPECT_THAT(out.transforms,
              ElementsAre(encr(E::aes_cbc, 256), encr(E::aes_cbc, 128), prf(P::hmac_sha2_384),
                          prf(P::hmac_sha2_256), integ(I::hmac_sha2_384_192),
                          integ(I::hmac_sha2_256_128), ke(G::curve25519), ke(G::ecp256)));
  ASSERT_EQ(out.transforms[0].attributes.size(), 1u);
  EXPECT_TRUE(out.transforms[0].attributes[0].tv);
  EXPECT_EQ(out.transforms[0].attributes[0].type, 14);
  EXPECT_EQ(out.transforms[0].attributes[0].value, 256);
}

TEST(ProposalWire, ChaChaHasNoKeyLengthAttribute) {
  auto out = to_wire(parsed("chacha20poly1305-prfsha256-x25519"), 1, {});
  EXPECT_EQ(out.transforms[0], encr(E::chacha20_poly1305));
  EXPECT_TRUE(out.transforms[0].attributes.empty());
}

TEST(ProposalWire, NumbersFromOneAndTheSameSpiEverywhere) {
  auto proposals = parsed_list({"aes128gcm16", "aes256-sha256-esn"}, ProtocolId::esp);
  auto payload = to_sa_payload(proposals, esp_spi());
  ASSERT_EQ(payload.proposals.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(payload.proposals[i].number, i + 1);
    EXPECT_EQ(payload.proposals[i].protocol, ProtocolId::esp);
    EXPECT_EQ(payload.proposals[i].spi, esp_spi());
  }
  EXPECT_EQ(payload.proposals[0].transforms.back(), esn(EsnMode::no_esn));
  EXPECT_EQ(payload.proposals[1].transforms.back(), esn(EsnMode::esn));
}

TEST(ProposalWire, EspWithoutEsnGetsNoEsn) {
  CryptoProposal bare{ProtocolId::esp, {{E::aes_gcm_16, 128}}, {}, {}, {}, {}};
  EXPECT_THAT(to_wire(bare, 1, {}).transforms,
              ElementsAre(encr(E::aes_gcm_16, 128), esn(EsnMode::no_esn)));
}

TEST(ProposalWire, KeTransformsCanBeOmittedForIkeAuth) {
  auto proposal = parsed("aes128gcm16-ecp256-x25519", ProtocolId::esp);
  auto out = to_wire(proposal, 1, esp_spi(), KeTransforms::omit);
  EXPECT_THAT(out.transforms, ElementsAre(encr(E::aes_gcm_16, 128), esn(EsnMode::no_esn)));
}

TEST(ProposalWire, RoundTripThroughTheWire) {
  std::vector<CryptoProposal> all = default_proposals(ProtocolId::ike, DefaultsUse::accept);
  for (auto& p : default_proposals(ProtocolId::esp, DefaultsUse::accept))
    all.push_back(p);
  all.push_back(parsed("aes256-sha256-ecp384-modp3072"));
  all.push_back(parsed("aes128-sha1-prfsha1-modp1024"));
  all.push_back(parsed("aes192gcm8-aes256gcm12-ecp521-esn-noesn", ProtocolId::esp));
  for (const auto& proposal : all) {
    auto received = from_wire(to_wire(proposal, 7, {}));
    EXPECT_EQ(received.number, 7);
    EXPECT_TRUE(received.unacceptable.empty()) << received.unacceptable;
    EXPECT_TRUE(received.ignored.empty());
    EXPECT_EQ(received.supported, proposal) << describe(proposal);
  }
}

TEST(ProposalWire, UnsupportedTransformsAreIgnoredOthersKept) {
  auto bad_attribute = encr(E::aes_cbc, 256);
  bad_attribute.attributes.push_back({7, true, 1, {}});
  auto tlv_length = encr(E::aes_cbc, 192);
  tlv_length.attributes[0].tv = false;
  auto repeated_length = encr(E::aes_cbc, 128);
  repeated_length.attributes.push_back(repeated_length.attributes[0]);
  auto proposal =
      wire_proposal(1, ProtocolId::ike, {},
                    {encr(E::aes_ctr, 128), encr(E::aes_cbc), encr(E::aes_cbc, 64), bad_attribute,
                     tlv_length, repeated_length, encr(E::chacha20_poly1305, 256),
                     encr(E::aes_cbc, 128), integ(I::hmac_md5_96), integ(I::hmac_sha2_256_128),
                     prf(P::hmac_sha2_256), ke(G::modp1536), ke(G::ecp256)});
  auto received = from_wire(proposal);
  EXPECT_TRUE(received.unacceptable.empty());
  EXPECT_EQ(received.supported, parsed("aes128-sha256-ecp256"));
  EXPECT_THAT(
      received.ignored,
      ElementsAre("ENCR AES_CTR_128: not supported", "ENCR AES_CBC: Key Length attribute missing",
                  "ENCR AES_CBC_64: not supported", "ENCR AES_CBC: unknown attribute type 7",
                  "ENCR AES_CBC: Key Length attribute in TLV form (must be TV)",
                  "ENCR AES_CBC: Key Length attribute repeated",
                  "ENCR CHACHA20_POLY1305: Key Length attribute not allowed for this "
                  "transform",
                  "INTEG HMAC_MD5_96: not supported", "KE MODP_1536: not supported"));
}

TEST(ProposalWire, KeyLengthOfZeroOnAFixedKeyCipherIsRefused) {
  // Found by fuzz_proposal_select: accepted, it made an answer without the
  // attribute, which check_response then refused as not offered.
  auto chacha_with_zero_length = encr(E::chacha20_poly1305);
  chacha_with_zero_length.attributes.push_back({wire::kKeyLengthAttribute, true, 0, {}});
  auto received = from_wire(wire_proposal(
      1, ProtocolId::ike, {}, {chacha_with_zero_length, prf(P::hmac_sha2_256), ke(G::curve25519)}));
  EXPECT_TRUE(received.supported.encryption.empty());
  EXPECT_THAT(received.ignored,
              ElementsAre("ENCR CHACHA20_POLY1305: Key Length attribute not allowed for this "
                          "transform"));
}

TEST(ProposalWire, TypeOfferedButAllIgnoredIsStillOffered) {
  auto received = from_wire(wire_proposal(
      1, ProtocolId::ike, {},
      {encr(E::aes_ctr, 128), prf(P::hmac_sha2_256), integ(I::hmac_sha2_256_128), ke(G::ecp256)}));
  EXPECT_TRUE(received.supported.encryption.empty());
  EXPECT_TRUE(received.offers(TransformType::encryption));
  EXPECT_TRUE(received.offers(TransformType::key_exchange));
  EXPECT_FALSE(received.offers(TransformType::esn));
}

TEST(ProposalWire, NoneIsAValidOfferForIntegrityAndKe) {
  auto received = from_wire(wire_proposal(1, ProtocolId::esp, esp_spi(),
                                          {encr(E::aes_gcm_16, 256), integ(I::none), ke(G::ecp256),
                                           ke(G::none), esn(EsnMode::no_esn)}));
  EXPECT_TRUE(received.ignored.empty());
  EXPECT_EQ(received.supported.integrity, std::vector<I>{I::none});
  EXPECT_EQ(received.supported.ke_groups, (std::vector<G>{G::ecp256, G::none}));
  EXPECT_EQ(describe(received.supported), "ESP:AES_GCM_16_256/NONE/ECP_256/NONE/NO_EXT_SEQ");
}

TEST(ProposalWire, UnknownTransformTypeMakesTheProposalUnacceptable) {
  auto proposal = strongswan_ike_proposal();
  proposal.transforms.push_back(transform(static_cast<TransformType>(6), 35));
  auto received = from_wire(proposal);
  EXPECT_EQ(received.unacceptable, "unknown transform type 6 (RFC 7296 3.3.6)");
  EXPECT_EQ(describe(proposal),
            "IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/ECP_256/UNKNOWN_6_35");
}

TEST(ProposalWire, TypesNotAllowedForTheProtocol) {
  auto ike = strongswan_ike_proposal();
  ike.transforms.push_back(esn(EsnMode::no_esn));
  EXPECT_THAT(from_wire(ike).unacceptable, HasSubstr("ESN transform not allowed in IKE"));
  auto esp = wire_proposal(1, ProtocolId::esp, esp_spi(),
                           {encr(E::aes_gcm_16, 128), prf(P::hmac_sha2_256), esn(EsnMode::no_esn)});
  EXPECT_THAT(from_wire(esp).unacceptable, HasSubstr("PRF transform not allowed in ESP"));
  auto ah = wire_proposal(1, ProtocolId::ah, esp_spi(), {integ(I::hmac_sha2_256_128)});
  EXPECT_EQ(from_wire(ah).unacceptable, "protocol AH is not supported");
}

TEST(ProposalWire, KeyLengthOf) {
  EXPECT_EQ(key_length_of(encr(E::aes_cbc, 192)).bits, 192);
  EXPECT_FALSE(key_length_of(prf(P::hmac_sha2_256)).bits);
  EXPECT_TRUE(key_length_of(prf(P::hmac_sha2_256)).problem.empty());
  auto tlv = encr(E::aes_cbc, 128);
  tlv.attributes[0].tv = false;
  EXPECT_FALSE(key_length_of(tlv).problem.empty());
}

TEST(ProposalWire, DescribePayload) {
  auto payload = offer({"aes256gcm16-prfsha384-x25519", "aes128-sha256-modp3072"});
  EXPECT_EQ(describe(payload),
            "IKE:AES_GCM_16_256/PRF_HMAC_SHA2_384/CURVE_25519, "
            "IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_3072");
}

}  // namespace
}  // namespace ike::proposal
