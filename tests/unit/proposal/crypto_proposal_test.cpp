#include "ike/proposal/crypto_proposal.hpp"

#include <gtest/gtest.h>

#include "ike/proposal/response_check.hpp"
#include "ike/proposal/selection.hpp"
#include "proposal_test_util.hpp"

namespace ike::proposal {
namespace {

using E = wire::EncryptionAlgorithm;
using G = wire::KeGroup;
using wire::ProtocolId;
using namespace test;

TEST(CryptoProposal, AeadClassification) {
  for (auto id : {E::aes_gcm_8, E::aes_gcm_12, E::aes_gcm_16, E::aes_ccm_8, E::aes_ccm_16,
                  E::chacha20_poly1305, E::null_auth_aes_gmac})
    EXPECT_TRUE(is_aead(id)) << wire::name(id);
  for (auto id : {E::aes_cbc, E::aes_ctr, E::des3, E::null})
    EXPECT_FALSE(is_aead(id)) << wire::name(id);
  EXPECT_TRUE(parsed("aes128gcm16-prfsha256-x25519").aead());
  EXPECT_FALSE(parsed("aes128-sha256-x25519").aead());
  EXPECT_FALSE(CryptoProposal{}.aead()) << "no encryption at all is not AEAD";
}

TEST(CryptoProposal, PreferredKeGroupIsTheFirstOfTheFirstProposalWithOne) {
  auto esp = parsed_list({"aes128gcm16", "aes256gcm16-ecp384-x25519"}, ProtocolId::esp);
  EXPECT_EQ(preferred_ke_group(esp), G::ecp384);
  EXPECT_FALSE(preferred_ke_group(parsed_list({"aes128gcm16"}, ProtocolId::esp)));
  EXPECT_EQ(preferred_ke_group(parsed_list({"aes128-sha256-modp3072-ecp256"})), G::modp3072);
}

TEST(CryptoProposal, PromoteKeGroupAfterInvalidKe) {
  auto proposals = parsed_list({"aes128-sha256-modp3072-ecp256", "aes256gcm16-prfsha384-x25519",
                                "aes256-sha384-ecp384-ecp256"});
  ASSERT_TRUE(promote_ke_group(proposals, G::ecp256));
  EXPECT_EQ(describe(proposals),
            "IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/ECP_256/MODP_3072, "
            "IKE:AES_CBC_256/HMAC_SHA2_384_192/PRF_HMAC_SHA2_384/ECP_256/ECP_384, "
            "IKE:AES_GCM_16_256/PRF_HMAC_SHA2_384/CURVE_25519");
  EXPECT_EQ(preferred_ke_group(proposals), G::ecp256);

  auto unchanged = proposals;
  EXPECT_FALSE(promote_ke_group(proposals, G::modp2048));
  EXPECT_EQ(proposals, unchanged);
}

TEST(CryptoProposal, DescribeNegotiated) {
  NegotiatedAlgorithms esp;
  esp.protocol = ProtocolId::esp;
  esp.encryption = {E::aes_cbc, 128};
  esp.integrity = wire::IntegrityAlgorithm::hmac_sha2_256_128;
  EXPECT_EQ(describe(esp), "AES_CBC_128/HMAC_SHA2_256_128/NO_EXT_SEQ");
  esp.ke_group = G::curve25519;
  esp.extended_sequence_numbers = true;
  EXPECT_EQ(describe(esp), "AES_CBC_128/HMAC_SHA2_256_128/CURVE_25519/EXT_SEQ");
}

// The first Child SA: the initiator leaves KE transforms out of SAi2, the
// responder ignores any, and the initiator accepts the answer.
TEST(CryptoProposal, IkeAuthChildFlow) {
  auto ours = parsed_list({"aes256gcm16-ecp256", "aes128-sha256-ecp256"}, ProtocolId::esp);
  auto sent = to_sa_payload(ours, esp_spi(), KeTransforms::omit);
  for (const auto& proposal : sent.proposals) {
    for (const auto& transform : proposal.transforms)
      EXPECT_NE(transform.type, wire::TransformType::key_exchange);
  }
  SelectionRequest request{ProtocolId::esp, 4, std::nullopt, true, Preference::ours};
  auto choice = select_proposal(sent, ours, request);
  ASSERT_TRUE(choice.ok()) << choice.error().reason;
  EXPECT_FALSE(choice->invalid_ke_group);
  auto checked = check_response(sent, response_sa_payload(choice->selected, Bytes{5, 6, 7, 8}));
  ASSERT_TRUE(checked.ok()) << checked.error().reason;
  EXPECT_EQ(describe(checked->algorithms), "AES_GCM_16_256/NO_EXT_SEQ");
  EXPECT_EQ(checked->peer_spi, (Bytes{5, 6, 7, 8}));
  EXPECT_EQ(choice->selected.peer_spi, esp_spi());
}

}  // namespace
}  // namespace ike::proposal
