#include "ike/proposal/selection.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ike/proposal/defaults.hpp"
#include "ike/proposal/response_check.hpp"
#include "proposal_test_util.hpp"

namespace ike::proposal {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using E = wire::EncryptionAlgorithm;
using G = wire::KeGroup;
using I = wire::IntegrityAlgorithm;
using P = wire::PrfAlgorithm;
using wire::EsnMode;
using wire::ProtocolId;
using wire::TransformType;
using namespace test;

SelectionRequest ike_init(std::optional<G> ke_group) {
  SelectionRequest request;
  request.protocol = ProtocolId::ike;
  request.spi_size = 0;
  request.initiator_ke_group = ke_group;
  return request;
}

SelectionRequest child(std::optional<G> ke_group = std::nullopt) {
  SelectionRequest request;
  request.protocol = ProtocolId::esp;
  request.spi_size = 4;
  request.initiator_ke_group = ke_group;
  return request;
}

ResponderChoice select_ok(const wire::SaPayload& offered, const std::vector<CryptoProposal>& ours,
                          const SelectionRequest& request) {
  auto result = select_proposal(offered, ours, request);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().reason);
  return result.ok() ? result.value() : ResponderChoice{};
}

std::string select_error(const wire::SaPayload& offered, const std::vector<CryptoProposal>& ours,
                         const SelectionRequest& request) {
  auto result = select_proposal(offered, ours, request);
  EXPECT_FALSE(result.ok()) << "selected " << describe(result->selected.algorithms);
  if (result.ok()) return {};
  EXPECT_EQ(result.error().code, Errc::no_proposal_chosen);
  return result.error().reason;
}

TEST(ProposalSelection, MatchOnFirstProposal) {
  auto choice = select_ok(offer({"aes256gcm16-prfsha384-x25519", "aes128-sha256-modp3072"}),
                          parsed_list({"aes256gcm16-prfsha384-x25519"}), ike_init(G::curve25519));
  EXPECT_EQ(choice.selected.number, 1);
  EXPECT_TRUE(choice.selected.peer_spi.empty());
  EXPECT_FALSE(choice.invalid_ke_group);
  const auto& algorithms = choice.selected.algorithms;
  EXPECT_EQ(algorithms.protocol, ProtocolId::ike);
  EXPECT_EQ(algorithms.encryption, (EncryptionTransform{E::aes_gcm_16, 256}));
  EXPECT_EQ(algorithms.integrity, I::none);
  EXPECT_EQ(algorithms.prf, P::hmac_sha2_384);
  EXPECT_EQ(algorithms.ke_group, G::curve25519);
  EXPECT_TRUE(algorithms.aead());
  EXPECT_EQ(describe(algorithms), "AES_GCM_16_256/PRF_HMAC_SHA2_384/CURVE_25519");
  EXPECT_THAT(choice.selected.transforms,
              ElementsAre(encr(E::aes_gcm_16, 256), prf(P::hmac_sha2_384), ke(G::curve25519)));
}

TEST(ProposalSelection, MatchOnSecondProposalCopiesItsNumberAndSpi) {
  // An IKE rekey: every proposal carries the initiator's new 8-byte SPI.
  auto offered = offer({"aes128-sha1-modp1024", "aes256gcm16-prfsha384-x25519"});
  offered.proposals[0].spi = Bytes(8, 0x11);
  offered.proposals[1].spi = Bytes(8, 0x22);
  auto request = ike_init(G::curve25519);
  request.spi_size = 8;
  auto choice = select_ok(offered, parsed_list({"aes256gcm16-prfsha384-x25519"}), request);
  EXPECT_EQ(choice.selected.number, 2);
  EXPECT_EQ(choice.selected.peer_spi, Bytes(8, 0x22));

  auto response = response_sa_payload(choice.selected, Bytes(8, 0x99));
  ASSERT_EQ(response.proposals.size(), 1u);
  EXPECT_EQ(response.proposals[0].number, 2);
  EXPECT_EQ(response.proposals[0].protocol, ProtocolId::ike);
  EXPECT_EQ(response.proposals[0].spi, Bytes(8, 0x99));
  EXPECT_EQ(response.proposals[0].transforms, choice.selected.transforms);
}

TEST(ProposalSelection, OurTransformOrderWinsByDefault) {
  auto offered = offer({"aes256-aes128-sha256-sha1"}, ProtocolId::esp, esp_spi());
  auto ours = parsed_list({"aes128-aes256-sha1-sha256"}, ProtocolId::esp);
  auto choice = select_ok(offered, ours, child());
  EXPECT_EQ(describe(choice.selected.algorithms), "AES_CBC_128/HMAC_SHA1_96/NO_EXT_SEQ");
  EXPECT_EQ(choice.selected.peer_spi, esp_spi());

  auto request = child();
  request.preference = Preference::peer;
  auto theirs = select_ok(offered, ours, request);
  EXPECT_EQ(describe(theirs.selected.algorithms), "AES_CBC_256/HMAC_SHA2_256_128/NO_EXT_SEQ");
}

TEST(ProposalSelection, OurProposalOrderWinsByDefault) {
  auto offered = offer({"aes128-sha256-ecp256", "aes256gcm16-prfsha256-ecp256"});
  auto ours = parsed_list({"aes256gcm16-prfsha256-ecp256", "aes128-sha256-ecp256"});
  EXPECT_EQ(select_ok(offered, ours, ike_init(G::ecp256)).selected.number, 2);
  auto request = ike_init(G::ecp256);
  request.preference = Preference::peer;
  EXPECT_EQ(select_ok(offered, ours, request).selected.number, 1);
}

TEST(ProposalSelection, NoMatchNamesWhatDiffered) {
  auto reason = select_error(offer({"aes128-sha1-modp1024"}),
                             parsed_list({"aes128-sha1-x25519-ecp256"}), ike_init(G::modp1024));
  EXPECT_EQ(reason,
            "no acceptable proposal: #1 IKE:AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024: no "
            "common key exchange group (offered MODP_1024; we accept CURVE_25519/ECP_256)");
}

TEST(ProposalSelection, ReasonUsesTheClosestOfOurProposals) {
  auto reason = select_error(offer({"aes128-sha256-modp2048", "aes256gcm16-prfsha256-modp2048"}),
                             parsed_list({"aes256gcm16-prfsha512-x25519", "aes128-sha256-x25519"}),
                             ike_init(G::modp2048));
  EXPECT_THAT(reason, HasSubstr("#1 IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/"
                                "MODP_2048: no common key exchange group"));
  EXPECT_THAT(reason, HasSubstr("#2 IKE:AES_GCM_16_256/PRF_HMAC_SHA2_256/MODP_2048: no common PRF "
                                "(offered PRF_HMAC_SHA2_256; we accept PRF_HMAC_SHA2_512)"));
}

TEST(ProposalSelection, KeyLengthsMustMatch) {
  auto reason = select_error(offer({"aes128-sha256-modp3072"}),
                             parsed_list({"aes256-sha256-modp3072"}), ike_init(G::modp3072));
  EXPECT_THAT(reason, HasSubstr("no common encryption algorithm (offered AES_CBC_128; we accept "
                                "AES_CBC_256)"));
}

TEST(ProposalSelection, DifferentKeGroupAsksForInvalidKe) {
  auto choice =
      select_ok(offer({"aes256gcm16-prfsha384-ecp256-ecp384"}),
                parsed_list({"aes256gcm16-prfsha384-ecp384-x25519"}), ike_init(G::ecp256));
  EXPECT_EQ(choice.selected.algorithms.ke_group, G::ecp384);
  EXPECT_EQ(choice.invalid_ke_group, G::ecp384);
}

TEST(ProposalSelection, InitiatorsKeGroupIsUsedWhenAcceptable) {
  auto offered = offer({"aes256gcm16-prfsha384-x25519-ecp384"});
  auto ours = parsed_list({"aes256gcm16-prfsha384-ecp384-x25519"});
  auto choice = select_ok(offered, ours, ike_init(G::curve25519));
  EXPECT_EQ(choice.selected.algorithms.ke_group, G::curve25519);
  EXPECT_FALSE(choice.invalid_ke_group);

  auto without_ke = select_ok(offered, ours, ike_init(std::nullopt));
  EXPECT_EQ(without_ke.selected.algorithms.ke_group, G::ecp384) << "our order otherwise";
  EXPECT_EQ(without_ke.invalid_ke_group, G::ecp384);
}

TEST(ProposalSelection, PrefersTheInitiatorProposalThatAllowsItsKeGroup) {
  auto offered = offer({"aes256gcm16-prfsha384-ecp384", "aes256gcm16-prfsha384-x25519"});
  auto choice = select_ok(offered, parsed_list({"aes256gcm16-prfsha384-ecp384-x25519"}),
                          ike_init(G::curve25519));
  EXPECT_EQ(choice.selected.number, 2);
  EXPECT_EQ(choice.selected.algorithms.ke_group, G::curve25519);
  EXPECT_FALSE(choice.invalid_ke_group);
}

TEST(ProposalSelection, OurProposalOrderIsNotSacrificedForTheKeGroup) {
  auto offered = offer({"aes256gcm16-prfsha384-ecp384", "aes128-sha256-modp2048"});
  auto ours = parsed_list({"aes256gcm16-prfsha384-ecp384", "aes128-sha256-modp2048"});
  auto choice = select_ok(offered, ours, ike_init(G::modp2048));
  EXPECT_EQ(choice.selected.number, 1);
  EXPECT_EQ(choice.invalid_ke_group, G::ecp384);
}

TEST(ProposalSelection, UnknownTransformsAreSkipped) {
  auto odd = encr(E::aes_cbc, 128);
  odd.attributes.push_back({99, true, 5, {}});
  wire::SaPayload offered;
  offered.proposals.push_back(wire_proposal(
      1, ProtocolId::ike, {},
      {encr(E::aes_ctr, 256), odd, encr(E::aes_cbc, 256), transform(TransformType::prf, 200),
       prf(P::hmac_sha2_256), integ(I::hmac_sha2_256_128), ke(G::modp1536), ke(G::modp3072)}));
  auto choice =
      select_ok(offered, parsed_list({"aes128-aes256-sha256-modp3072"}), ike_init(G::modp3072));
  EXPECT_EQ(describe(choice.selected.algorithms),
            "AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_3072");
}

TEST(ProposalSelection, ProposalWithUnknownTypeIsSkipped) {
  auto offered = offer({"aes128-sha256-modp3072", "aes128-sha256-modp3072"});
  offered.proposals[0].transforms.push_back(transform(static_cast<TransformType>(6), 35));
  auto ours = parsed_list({"aes128-sha256-modp3072"});
  EXPECT_EQ(select_ok(offered, ours, ike_init(G::modp3072)).selected.number, 2);

  offered.proposals.pop_back();
  EXPECT_THAT(select_error(offered, ours, ike_init(G::modp3072)),
              HasSubstr("unknown transform type 6"));
}

TEST(ProposalSelection, IgnoredTransformsAppearInTheReason) {
  wire::SaPayload offered;
  offered.proposals.push_back(wire_proposal(
      1, ProtocolId::ike, {},
      {encr(E::aes_ctr, 128), prf(P::hmac_sha2_256), integ(I::hmac_sha2_256_128), ke(G::ecp256)}));
  auto reason = select_error(offered, parsed_list({"aes128-sha256-ecp256"}), ike_init(G::ecp256));
  EXPECT_THAT(reason, HasSubstr("no common encryption algorithm (the peer offered only "
                                "unsupported ENCR transforms; we accept AES_CBC_128) [ignored: "
                                "ENCR AES_CTR_128: not supported]"));
}

TEST(ProposalSelection, EsnNegotiation) {
  auto both = parsed_list({"aes128gcm16-esn-noesn"}, ProtocolId::esp);
  auto choice = select_ok(offer({"aes128gcm16-esn"}, ProtocolId::esp, esp_spi()), both, child());
  EXPECT_TRUE(choice.selected.algorithms.extended_sequence_numbers);
  EXPECT_EQ(describe(choice.selected.algorithms), "AES_GCM_16_128/EXT_SEQ");

  auto peer_both =
      select_ok(offer({"aes128gcm16-noesn-esn"}, ProtocolId::esp, esp_spi()), both, child());
  EXPECT_TRUE(peer_both.selected.algorithms.extended_sequence_numbers) << "our order: esn first";

  auto reason = select_error(offer({"aes128gcm16-esn"}, ProtocolId::esp, esp_spi()),
                             parsed_list({"aes128gcm16-noesn"}, ProtocolId::esp), child());
  EXPECT_THAT(reason, HasSubstr("no common ESN mode (offered EXT_SEQ; we accept NO_EXT_SEQ)"));

  wire::SaPayload no_esn;
  no_esn.proposals.push_back(
      wire_proposal(1, ProtocolId::esp, esp_spi(), {encr(E::aes_gcm_16, 128)}));
  EXPECT_THAT(select_error(no_esn, both, child()), HasSubstr("offered no ESN transform"));
}

TEST(ProposalSelection, EspPfs) {
  auto pfs = parsed_list({"aes128gcm16-ecp256"}, ProtocolId::esp);
  auto plain = parsed_list({"aes128gcm16"}, ProtocolId::esp);
  auto offered_pfs = offer({"aes128gcm16-ecp256"}, ProtocolId::esp, esp_spi());
  auto offered_plain = offer({"aes128gcm16"}, ProtocolId::esp, esp_spi());

  auto choice = select_ok(offered_pfs, pfs, child(G::ecp256));
  EXPECT_EQ(choice.selected.algorithms.ke_group, G::ecp256);
  EXPECT_FALSE(choice.invalid_ke_group);
  auto no_ke_payload = select_ok(offered_pfs, pfs, child());
  EXPECT_EQ(no_ke_payload.invalid_ke_group, G::ecp256);

  EXPECT_THAT(select_error(offered_plain, pfs, child()),
              HasSubstr("we require PFS (ECP_256) but the peer offered no KE transform"));
  EXPECT_THAT(select_error(offered_pfs, plain, child(G::ecp256)),
              HasSubstr("the peer requires PFS (offered ECP_256) but our proposal has no PFS "
                        "group"));
  EXPECT_FALSE(select_ok(offered_plain, plain, child()).invalid_ke_group);
}

TEST(ProposalSelection, OptionalPfsOfferedWithNoneIsEchoed) {
  wire::SaPayload offered;
  offered.proposals.push_back(
      wire_proposal(1, ProtocolId::esp, esp_spi(),
                    {encr(E::aes_gcm_16, 128), ke(G::ecp256), ke(G::none), esn(EsnMode::no_esn)}));
  auto choice = select_ok(offered, parsed_list({"aes128gcm16"}, ProtocolId::esp), child(G::ecp256));
  EXPECT_EQ(choice.selected.algorithms.ke_group, G::none);
  EXPECT_FALSE(choice.invalid_ke_group);
  EXPECT_THAT(choice.selected.transforms,
              ElementsAre(encr(E::aes_gcm_16, 128), ke(G::none), esn(EsnMode::no_esn)));
}

TEST(ProposalSelection, AeadIntegrityNoneIsEchoed) {
  wire::SaPayload offered;
  offered.proposals.push_back(
      wire_proposal(1, ProtocolId::esp, esp_spi(),
                    {encr(E::aes_gcm_16, 256), integ(I::none), esn(EsnMode::no_esn)}));
  auto choice =
      select_ok(offered, default_proposals(ProtocolId::esp, DefaultsUse::accept), child());
  EXPECT_EQ(choice.selected.algorithms.integrity, I::none);
  EXPECT_THAT(choice.selected.transforms,
              ElementsAre(encr(E::aes_gcm_16, 256), integ(I::none), esn(EsnMode::no_esn)));
}

TEST(ProposalSelection, IkeAuthIgnoresKeTransforms) {
  auto request = child(std::nullopt);
  request.ignore_ke_transforms = true;
  auto choice = select_ok(offer({"aes128gcm16-modp2048"}, ProtocolId::esp, esp_spi()),
                          parsed_list({"aes128gcm16-ecp256"}, ProtocolId::esp), request);
  EXPECT_EQ(choice.selected.algorithms.ke_group, G::none);
  EXPECT_FALSE(choice.invalid_ke_group);
  EXPECT_THAT(choice.selected.transforms,
              ElementsAre(encr(E::aes_gcm_16, 128), esn(EsnMode::no_esn)));
}

TEST(ProposalSelection, ContextChecks) {
  auto ours = parsed_list({"aes128gcm16"}, ProtocolId::esp);
  EXPECT_THAT(select_error(offer({"aes128gcm16"}, ProtocolId::esp, {1, 2, 3}), ours, child()),
              HasSubstr("SPI size 3, expected 4"));
  EXPECT_THAT(select_error(offer({"aes128gcm16-prfsha256-x25519"}), ours, child()),
              HasSubstr("protocol IKE, expected ESP"));
  EXPECT_EQ(select_error(wire::SaPayload{}, ours, child()), "the SA payload carries no proposal");
  EXPECT_EQ(select_error(offer({"aes128gcm16"}, ProtocolId::esp, esp_spi()),
                         parsed_list({"aes128-sha256-x25519"}), child()),
            "no ESP proposals configured");
}

TEST(ProposalSelection, LongReasonsAreBounded) {
  std::vector<std::string> texts(10, "aes128-sha1-modp1024");
  auto reason = select_error(offer(texts), parsed_list({"aes256gcm16-prfsha384-x25519"}),
                             ike_init(G::modp1024));
  EXPECT_THAT(reason, HasSubstr("#4 "));
  EXPECT_THAT(reason, ::testing::Not(HasSubstr("#5 ")));
  EXPECT_THAT(reason, HasSubstr("; and 6 more"));
}

// The exchange captured in tests/vectors/psk-aes128-sha256-ecp256: strongSwan
// offered one proposal and answered with it; we choose the same transforms and
// accept strongSwan's answer as initiator.
TEST(ProposalSelection, StrongSwanVectorExchange) {
  wire::SaPayload strongswan_request;
  strongswan_request.proposals.push_back(wire_proposal(
      1, ProtocolId::ike, {},
      {encr(E::aes_cbc, 128), integ(I::hmac_sha2_256_128), prf(P::hmac_sha2_256), ke(G::ecp256)}));
  auto strongswan_response = strongswan_request;  // frame 2 repeats the four transforms

  auto choice = select_ok(strongswan_request, parsed_list({"aes128-sha256-prfsha256-ecp256"}),
                          ike_init(G::ecp256));
  EXPECT_THAT(choice.selected.transforms,
              ::testing::UnorderedElementsAreArray(strongswan_response.proposals[0].transforms));
  auto checked = check_response(strongswan_request, strongswan_response);
  ASSERT_TRUE(checked.ok()) << checked.error().reason;
  EXPECT_EQ(checked->algorithms, choice.selected.algorithms);
  EXPECT_EQ(describe(checked->algorithms),
            "AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/ECP_256");
}

}  // namespace
}  // namespace ike::proposal
