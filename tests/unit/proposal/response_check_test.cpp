#include "ike/proposal/response_check.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ike/proposal/defaults.hpp"
#include "ike/proposal/selection.hpp"
#include "proposal_test_util.hpp"

namespace ike::proposal {
namespace {

using ::testing::HasSubstr;
using E = wire::EncryptionAlgorithm;
using G = wire::KeGroup;
using I = wire::IntegrityAlgorithm;
using P = wire::PrfAlgorithm;
using wire::EsnMode;
using wire::ProtocolId;
using wire::TransformType;
using namespace test;

wire::SaPayload single(wire::Proposal proposal) {
  wire::SaPayload payload;
  payload.proposals.push_back(std::move(proposal));
  return payload;
}

std::string check_error(const wire::SaPayload& sent, const wire::SaPayload& received) {
  auto result = check_response(sent, received);
  EXPECT_FALSE(result.ok()) << "accepted " << describe(received);
  if (result.ok()) return {};
  EXPECT_EQ(result.error().code, Errc::no_proposal_chosen);
  return result.error().reason;
}

// We offer "aes128-aes256-sha256-sha384-x25519-ecp256" and the defaults.
wire::SaPayload our_ike_offer() {
  std::vector<CryptoProposal> proposals = {parsed("aes128-aes256-sha256-sha384-x25519-ecp256")};
  for (auto& p : default_proposals(ProtocolId::ike, DefaultsUse::offer))
    proposals.push_back(p);
  return to_sa_payload(proposals, {});
}

wire::Proposal answer(std::uint8_t number, std::vector<wire::Transform> transforms,
                      ProtocolId protocol = ProtocolId::ike, Bytes spi = {}) {
  return wire_proposal(number, protocol, std::move(spi), std::move(transforms));
}

TEST(ProposalResponseCheck, AcceptsAProperSubset) {
  auto result = check_response(our_ike_offer(),
                               single(answer(1, {encr(E::aes_cbc, 256), integ(I::hmac_sha2_384_192),
                                                 prf(P::hmac_sha2_384), ke(G::ecp256)})));
  ASSERT_TRUE(result.ok()) << result.error().reason;
  EXPECT_EQ(result->number, 1);
  EXPECT_EQ(describe(result->algorithms),
            "AES_CBC_256/HMAC_SHA2_384_192/PRF_HMAC_SHA2_384/ECP_256");
}

TEST(ProposalResponseCheck, AcceptsWhatOurOwnResponderChooses) {
  for (auto protocol : {ProtocolId::ike, ProtocolId::esp}) {
    Bytes spi = protocol == ProtocolId::esp ? esp_spi() : Bytes{};
    auto sent = to_sa_payload(default_proposals(protocol, DefaultsUse::offer), spi);
    SelectionRequest request{protocol, spi.size(), G::curve25519, false, Preference::ours};
    auto choice = select_proposal(sent, default_proposals(protocol, DefaultsUse::accept), request);
    ASSERT_TRUE(choice.ok()) << choice.error().reason;
    Bytes responder_spi = protocol == ProtocolId::esp ? Bytes{9, 8, 7, 6} : Bytes{};
    auto result = check_response(sent, response_sa_payload(choice->selected, responder_spi));
    ASSERT_TRUE(result.ok()) << result.error().reason;
    EXPECT_EQ(result->algorithms, choice->selected.algorithms);
    EXPECT_EQ(result->peer_spi, responder_spi);
  }
}

TEST(ProposalResponseCheck, ExtraTransformOfOneType) {
  auto reason = check_error(
      our_ike_offer(),
      single(answer(1, {encr(E::aes_cbc, 128), encr(E::aes_cbc, 256), integ(I::hmac_sha2_256_128),
                        prf(P::hmac_sha2_256), ke(G::curve25519)})));
  EXPECT_EQ(reason,
            "responder's SA: two ENCR transforms (ENCR AES_CBC_128 and ENCR AES_CBC_256); exactly "
            "one per type is allowed");
}

TEST(ProposalResponseCheck, TransformWeDidNotOffer) {
  EXPECT_EQ(check_error(our_ike_offer(),
                        single(answer(1, {encr(E::aes_cbc, 192), integ(I::hmac_sha2_256_128),
                                          prf(P::hmac_sha2_256), ke(G::curve25519)}))),
            "responder's SA: transform ENCR AES_CBC_192 was not offered in proposal 1");
  // Offered in proposal 2 (AEAD defaults), but the answer claims proposal 1.
  EXPECT_THAT(
      check_error(our_ike_offer(), single(answer(1, {encr(E::aes_gcm_16, 256),
                                                     prf(P::hmac_sha2_256), ke(G::curve25519)}))),
      HasSubstr("ENCR AES_GCM_16_256 was not offered in proposal 1"));
  // modp2048 is accepted by our defaults but never offered.
  EXPECT_THAT(
      check_error(our_ike_offer(), single(answer(2, {encr(E::aes_gcm_16, 256),
                                                     prf(P::hmac_sha2_256), ke(G::modp2048)}))),
      HasSubstr("KE MODP_2048 was not offered in proposal 2"));
}

TEST(ProposalResponseCheck, MissingType) {
  EXPECT_EQ(check_error(our_ike_offer(),
                        single(answer(1, {encr(E::aes_cbc, 128), integ(I::hmac_sha2_256_128),
                                          ke(G::curve25519)}))),
            "responder's SA: no PRF transform, but proposal 1 offered one");
}

TEST(ProposalResponseCheck, ExactlyOneProposal) {
  auto proposal = answer(1, {encr(E::aes_cbc, 128), integ(I::hmac_sha2_256_128),
                             prf(P::hmac_sha2_256), ke(G::curve25519)});
  wire::SaPayload two;
  two.proposals = {proposal, proposal};
  EXPECT_THAT(check_error(our_ike_offer(), two), HasSubstr("carries 2 proposals"));
  EXPECT_THAT(check_error(our_ike_offer(), wire::SaPayload{}), HasSubstr("carries 0 proposals"));
}

TEST(ProposalResponseCheck, NumberProtocolAndSpiMustFit) {
  auto transforms = std::vector{encr(E::aes_cbc, 128), integ(I::hmac_sha2_256_128),
                                prf(P::hmac_sha2_256), ke(G::curve25519)};
  EXPECT_EQ(check_error(our_ike_offer(), single(answer(9, transforms))),
            "responder's SA: proposal number 9 was never offered");
  EXPECT_THAT(check_error(our_ike_offer(), single(answer(1, transforms, ProtocolId::esp))),
              HasSubstr("protocol ESP, but proposal 1 was IKE"));
  EXPECT_THAT(
      check_error(our_ike_offer(), single(answer(1, transforms, ProtocolId::ike, Bytes(8, 1)))),
      HasSubstr("SPI size 8, expected 0"));
}

TEST(ProposalResponseCheck, UnknownTransformTypeIsRejected) {
  EXPECT_THAT(check_error(our_ike_offer(),
                          single(answer(1, {encr(E::aes_cbc, 128), integ(I::hmac_sha2_256_128),
                                            prf(P::hmac_sha2_256), ke(G::curve25519),
                                            transform(static_cast<TransformType>(7), 1)}))),
              HasSubstr("unknown transform type 7"));
}

TEST(ProposalResponseCheck, ToleratesNoneWhereTheRfcIsAmbiguous) {
  // AEAD answer carrying INTEG NONE although we sent no integrity transform.
  auto sent = to_sa_payload(parsed_list({"aes128gcm16"}, ProtocolId::esp), esp_spi());
  auto with_none = check_response(
      sent, single(answer(1, {encr(E::aes_gcm_16, 128), integ(I::none), esn(EsnMode::no_esn)},
                          ProtocolId::esp, esp_spi())));
  ASSERT_TRUE(with_none.ok()) << with_none.error().reason;
  EXPECT_EQ(with_none->algorithms.integrity, I::none);

  // We offered optional PFS (ecp256 or NONE); the answer leaves KE out.
  wire::SaPayload optional_pfs =
      single(answer(1, {encr(E::aes_gcm_16, 128), ke(G::ecp256), ke(G::none), esn(EsnMode::no_esn)},
                    ProtocolId::esp, esp_spi()));
  auto without_ke = check_response(
      optional_pfs, single(answer(1, {encr(E::aes_gcm_16, 128), esn(EsnMode::no_esn)},
                                  ProtocolId::esp, esp_spi())));
  ASSERT_TRUE(without_ke.ok()) << without_ke.error().reason;
  EXPECT_EQ(without_ke->algorithms.ke_group, G::none);
}

TEST(ProposalResponseCheck, RealIntegrityWithAeadIsRejected) {
  wire::SaPayload sent = single(answer(
      1,
      {encr(E::aes_gcm_16, 128), integ(I::none), integ(I::hmac_sha2_256_128), esn(EsnMode::no_esn)},
      ProtocolId::esp, esp_spi()));
  EXPECT_THAT(check_error(sent, single(answer(1,
                                              {encr(E::aes_gcm_16, 128),
                                               integ(I::hmac_sha2_256_128), esn(EsnMode::no_esn)},
                                              ProtocolId::esp, esp_spi()))),
              HasSubstr("integrity transform together with AEAD encryption"));
}

TEST(ProposalResponseCheck, EspWithPfsAndEsn) {
  auto sent =
      to_sa_payload(parsed_list({"aes256-sha256-ecp256-esn-noesn"}, ProtocolId::esp), esp_spi());
  auto result = check_response(
      sent,
      single(answer(
          1, {encr(E::aes_cbc, 256), integ(I::hmac_sha2_256_128), ke(G::ecp256), esn(EsnMode::esn)},
          ProtocolId::esp, Bytes{1, 2, 3, 4})));
  ASSERT_TRUE(result.ok()) << result.error().reason;
  EXPECT_TRUE(result->algorithms.extended_sequence_numbers);
  EXPECT_EQ(result->algorithms.ke_group, G::ecp256);
  EXPECT_EQ(result->peer_spi, (Bytes{1, 2, 3, 4}));
  EXPECT_EQ(describe(result->algorithms), "AES_CBC_256/HMAC_SHA2_256_128/ECP_256/EXT_SEQ");
  EXPECT_THAT(
      check_error(sent, single(answer(
                            1, {encr(E::aes_cbc, 256), integ(I::hmac_sha2_256_128), ke(G::ecp256)},
                            ProtocolId::esp, Bytes{1, 2, 3, 4}))),
      HasSubstr("no ESN transform"));
}

}  // namespace
}  // namespace ike::proposal
