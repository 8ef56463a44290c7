#include "ike/proposal/defaults.hpp"

#include <gtest/gtest.h>

#include "ike/proposal/catalogue.hpp"
#include "ike/proposal/selection.hpp"
#include "proposal_test_util.hpp"

namespace ike::proposal {
namespace {

using wire::ProtocolId;
using wire::TransformType;

TEST(ProposalDefaults, IkeOfferIsAeadThenClassic) {
  auto proposals = default_proposals(ProtocolId::ike, DefaultsUse::offer);
  ASSERT_EQ(proposals.size(), 2u);
  EXPECT_EQ(describe(proposals[0]),
            "IKE:AES_GCM_16_256/AES_GCM_16_128/CHACHA20_POLY1305/PRF_HMAC_SHA2_256/"
            "PRF_HMAC_SHA2_384/PRF_HMAC_SHA2_512/CURVE_25519/ECP_256/ECP_384/ECP_521/CURVE_448/"
            "MODP_3072/MODP_4096");
  EXPECT_EQ(describe(proposals[1]),
            "IKE:AES_CBC_256/AES_CBC_128/HMAC_SHA2_256_128/HMAC_SHA2_384_192/HMAC_SHA2_512_256/"
            "PRF_HMAC_SHA2_256/PRF_HMAC_SHA2_384/PRF_HMAC_SHA2_512/CURVE_25519/ECP_256/ECP_384/"
            "ECP_521/CURVE_448/MODP_3072/MODP_4096");
}

TEST(ProposalDefaults, IkeAcceptAddsModp2048Last) {
  auto offer = default_proposals(ProtocolId::ike, DefaultsUse::offer);
  auto accept = default_proposals(ProtocolId::ike, DefaultsUse::accept);
  ASSERT_EQ(accept.size(), offer.size());
  for (std::size_t i = 0; i < accept.size(); ++i) {
    EXPECT_EQ(accept[i].ke_groups.back(), wire::KeGroup::modp2048);
    auto without = accept[i];
    without.ke_groups.pop_back();
    EXPECT_EQ(without, offer[i]);
  }
}

TEST(ProposalDefaults, EspIsAeadThenClassicWithoutPfs) {
  auto proposals = default_proposals(ProtocolId::esp, DefaultsUse::offer);
  ASSERT_EQ(proposals.size(), 2u);
  EXPECT_EQ(describe(proposals[0]),
            "ESP:AES_GCM_16_256/AES_GCM_16_128/CHACHA20_POLY1305/NO_EXT_SEQ");
  EXPECT_EQ(describe(proposals[1]),
            "ESP:AES_CBC_256/AES_CBC_128/HMAC_SHA2_256_128/HMAC_SHA2_384_192/HMAC_SHA2_512_256/"
            "NO_EXT_SEQ");
  EXPECT_EQ(default_proposals(ProtocolId::esp, DefaultsUse::accept), proposals);
}

// DESIGN.md "Security defaults": nothing legacy, nothing below the grades it names.
TEST(ProposalDefaults, OnlyStrongAlgorithms) {
  for (auto protocol : {ProtocolId::ike, ProtocolId::esp}) {
    for (auto use : {DefaultsUse::offer, DefaultsUse::accept}) {
      auto proposals = default_proposals(protocol, use);
      auto payload = to_sa_payload(proposals, {});
      for (const auto& proposal : payload.proposals) {
        for (const auto& transform : proposal.transforms) {
          auto key_bits = key_length_of(transform).bits.value_or(0);
          const auto* info = find_algorithm(transform.type, transform.id, key_bits);
          ASSERT_NE(info, nullptr);
          EXPECT_FALSE(info->legacy()) << info->keyword;
          EXPECT_NE(info->keyword, "aes192") << "RFC 8247: 192-bit keys stay MAY";
          if (transform.type == TransformType::encryption) {
            EXPECT_TRUE(info->id == 20 || info->id == 12 || info->id == 28) << info->keyword;
          }
        }
      }
    }
  }
}

TEST(ProposalDefaults, DefaultsObeyTheParsersRules) {
  for (auto protocol : {ProtocolId::ike, ProtocolId::esp}) {
    for (const auto& proposal : default_proposals(protocol, DefaultsUse::accept)) {
      auto reparsed = parse_proposal(to_string(proposal), protocol);
      ASSERT_TRUE(reparsed.ok()) << to_string(proposal);
      EXPECT_EQ(reparsed.value(), proposal);
    }
  }
}

TEST(ProposalDefaults, NothingConfiguredMeansDefaults) {
  ProposalConfig none{ProtocolId::esp, {}, false, {}};
  EXPECT_EQ(proposals_for(none, DefaultsUse::offer),
            default_proposals(ProtocolId::esp, DefaultsUse::offer));
}

TEST(ProposalDefaults, NonStrictListGetsDefaultsAppended) {
  auto config = parse_proposals("aes128-sha256-modp3072", ProtocolId::ike).value();
  auto offered = proposals_for(config, DefaultsUse::offer);
  ASSERT_EQ(offered.size(), 3u);
  EXPECT_EQ(offered[0], config.proposals[0]);
  EXPECT_EQ(offered[1], default_proposals(ProtocolId::ike, DefaultsUse::offer)[0]);
  auto accepted = proposals_for(config, DefaultsUse::accept);
  EXPECT_EQ(accepted[2], default_proposals(ProtocolId::ike, DefaultsUse::accept)[1]);
}

TEST(ProposalDefaults, StrictListStaysAlone) {
  auto config = parse_proposals("aes256-sha256-ecp384-modp3072!", ProtocolId::ike).value();
  EXPECT_EQ(proposals_for(config, DefaultsUse::accept), config.proposals);
}

TEST(ProposalDefaults, DefaultAlreadyConfiguredIsNotRepeated) {
  ProposalConfig config{
      ProtocolId::esp, default_proposals(ProtocolId::esp, DefaultsUse::offer), false, {}};
  EXPECT_EQ(proposals_for(config, DefaultsUse::offer).size(), 2u);
}

TEST(ProposalDefaults, TwoIkev2dPeersAgreeOnTheFirstChoices) {
  auto offered = to_sa_payload(default_proposals(ProtocolId::ike, DefaultsUse::offer), {});
  auto accepted = default_proposals(ProtocolId::ike, DefaultsUse::accept);
  SelectionRequest request;
  request.initiator_ke_group =
      preferred_ke_group(default_proposals(ProtocolId::ike, DefaultsUse::offer));
  auto choice = select_proposal(offered, accepted, request);
  ASSERT_TRUE(choice.ok());
  EXPECT_EQ(describe(choice->selected.algorithms), "AES_GCM_16_256/PRF_HMAC_SHA2_256/CURVE_25519");
  EXPECT_FALSE(choice->invalid_ke_group);

  auto esp = select_proposal(
      to_sa_payload(default_proposals(ProtocolId::esp, DefaultsUse::offer), test::esp_spi()),
      default_proposals(ProtocolId::esp, DefaultsUse::accept),
      SelectionRequest{ProtocolId::esp, 4, std::nullopt, true, Preference::ours});
  ASSERT_TRUE(esp.ok());
  EXPECT_EQ(describe(esp->selected.algorithms), "AES_GCM_16_256/NO_EXT_SEQ");
}

}  // namespace
}  // namespace ike::proposal
