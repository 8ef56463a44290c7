#include "ike/proposal/parser.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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

ProposalConfig parse_ok(std::string_view text, ProtocolId protocol = ProtocolId::ike) {
  auto result = parse_proposals(text, protocol);
  EXPECT_TRUE(result.ok()) << text << ": " << (result.ok() ? "" : result.error().reason);
  return result.ok() ? result.value() : ProposalConfig{};
}

std::string parse_error(std::string_view text, ProtocolId protocol = ProtocolId::ike) {
  auto result = parse_proposals(text, protocol);
  EXPECT_FALSE(result.ok()) << text << " parsed";
  if (result.ok()) return {};
  EXPECT_EQ(result.error().code, Errc::proposal_syntax);
  return result.error().reason;
}

TEST(ProposalParser, AeadIkeProposalWithExplicitPrf) {
  auto config = parse_ok("aes256gcm16-prfsha384-x25519");
  ASSERT_EQ(config.proposals.size(), 1u);
  const auto& p = config.proposals[0];
  EXPECT_EQ(p.protocol, ProtocolId::ike);
  EXPECT_EQ(p.encryption, (std::vector<EncryptionTransform>{{E::aes_gcm_16, 256}}));
  EXPECT_EQ(p.prf, std::vector<P>{P::hmac_sha2_384});
  EXPECT_TRUE(p.integrity.empty());
  EXPECT_EQ(p.ke_groups, std::vector<G>{G::curve25519});
  EXPECT_TRUE(p.esn.empty());
  EXPECT_FALSE(config.strict);
  EXPECT_TRUE(config.warnings.empty());
  EXPECT_EQ(describe(p), "IKE:AES_GCM_16_256/PRF_HMAC_SHA2_384/CURVE_25519");
  EXPECT_EQ(to_string(config), "aes256gcm16-prfsha384-x25519");
}

TEST(ProposalParser, ClassicIkeIntegrityImpliesThePrf) {
  auto p = test::parsed("aes128-sha256-modp3072");
  EXPECT_EQ(p.encryption, (std::vector<EncryptionTransform>{{E::aes_cbc, 128}}));
  EXPECT_EQ(p.integrity, std::vector<I>{I::hmac_sha2_256_128});
  EXPECT_EQ(p.prf, std::vector<P>{P::hmac_sha2_256});
  EXPECT_EQ(p.ke_groups, std::vector<G>{G::modp3072});
  EXPECT_EQ(describe(p), "IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_3072");
  EXPECT_EQ(to_string(p), "aes128-sha256-modp3072");
}

TEST(ProposalParser, ExplicitPrfOverridesTheImpliedOne) {
  auto p = test::parsed("aes128-sha256-prfsha384-modp3072");
  EXPECT_EQ(p.prf, std::vector<P>{P::hmac_sha2_384});
  EXPECT_EQ(to_string(p), "aes128-sha256-prfsha384-modp3072");
}

TEST(ProposalParser, StrictListWithSeveralGroups) {
  auto config = parse_ok("aes256-sha256-ecp384-modp3072!");
  EXPECT_TRUE(config.strict);
  ASSERT_EQ(config.proposals.size(), 1u);
  EXPECT_EQ(config.proposals[0].ke_groups, (std::vector<G>{G::ecp384, G::modp3072}));
  EXPECT_EQ(to_string(config), "aes256-sha256-ecp384-modp3072!");
}

TEST(ProposalParser, ChaCha20Poly1305) {
  auto p = test::parsed("chacha20poly1305-prfsha256-x25519");
  EXPECT_EQ(p.encryption, (std::vector<EncryptionTransform>{{E::chacha20_poly1305, 0}}));
  EXPECT_TRUE(p.aead());
  EXPECT_EQ(describe(p), "IKE:CHACHA20_POLY1305/PRF_HMAC_SHA2_256/CURVE_25519");
}

TEST(ProposalParser, EspGetsNoEsnUnlessTold) {
  auto with_keyword = parse_ok("aes128gcm16-noesn", ProtocolId::esp);
  auto without = parse_ok("aes128gcm16", ProtocolId::esp);
  ASSERT_EQ(with_keyword.proposals.size(), 1u);
  EXPECT_EQ(with_keyword.proposals, without.proposals);
  const auto& p = with_keyword.proposals[0];
  EXPECT_EQ(p.protocol, ProtocolId::esp);
  EXPECT_EQ(p.esn, std::vector<EsnMode>{EsnMode::no_esn});
  EXPECT_TRUE(p.prf.empty());
  EXPECT_TRUE(p.ke_groups.empty());
  EXPECT_EQ(describe(p), "ESP:AES_GCM_16_128/NO_EXT_SEQ");
  EXPECT_EQ(to_string(p), "aes128gcm16");
}

TEST(ProposalParser, EspGroupMeansPfsAndEsnOrderIsKept) {
  auto p = test::parsed("aes256-sha256-modp2048-esn-noesn", ProtocolId::esp);
  EXPECT_EQ(p.ke_groups, std::vector<G>{G::modp2048});
  EXPECT_EQ(p.esn, (std::vector<EsnMode>{EsnMode::esn, EsnMode::no_esn}));
  EXPECT_EQ(to_string(p), "aes256-sha256-modp2048-esn-noesn");
}

TEST(ProposalParser, SeveralAlgorithmsOfOneTypeKeepTheirOrder) {
  auto p = test::parsed("aes128-aes256-sha256-sha384-x25519-ecp256");
  EXPECT_EQ(p.encryption, (std::vector<EncryptionTransform>{{E::aes_cbc, 128}, {E::aes_cbc, 256}}));
  EXPECT_EQ(p.integrity, (std::vector<I>{I::hmac_sha2_256_128, I::hmac_sha2_384_192}));
  EXPECT_EQ(p.prf, (std::vector<P>{P::hmac_sha2_256, P::hmac_sha2_384}));
  EXPECT_EQ(p.ke_groups, (std::vector<G>{G::curve25519, G::ecp256}));
  EXPECT_EQ(to_string(p), "aes128-aes256-sha256-sha384-x25519-ecp256");
}

TEST(ProposalParser, OrderOfTypesDoesNotMatter) {
  // strongSwan's documentation: these two are the same proposal.
  EXPECT_EQ(test::parsed("aes256gcm16-aes192gcm16-prfsha384-prfsha256-ecp384-modp3072"),
            test::parsed("aes256gcm16-prfsha384-ecp384-aes192gcm16-prfsha256-modp3072"));
}

TEST(ProposalParser, CaseAliasesAndBlanks) {
  auto canonical = test::parsed("aes256gcm16-prfsha384-x25519");
  EXPECT_EQ(test::parsed("AES256GCM16-PrfSha384-X25519"), canonical);
  EXPECT_EQ(test::parsed("aes256gcm128-prfsha384-curve25519"), canonical);
  EXPECT_EQ(test::parsed(" aes256gcm16 - prfsha384 - x25519 "), canonical);
  EXPECT_EQ(test::parsed("aes-sha2_256-modp2048"), test::parsed("aes128-sha256-modp2048"));
}

TEST(ProposalParser, SeveralProposals) {
  auto config = parse_ok("aes256gcm16-prfsha384-x25519, aes128-sha256-modp3072");
  ASSERT_EQ(config.proposals.size(), 2u);
  EXPECT_EQ(config.proposals[1], test::parsed("aes128-sha256-modp3072"));
  EXPECT_EQ(to_string(config), "aes256gcm16-prfsha384-x25519,aes128-sha256-modp3072");
}

TEST(ProposalParser, RealWorldLegacyListIsAcceptedWithWarnings) {
  // A road-warrior server's line (public ipsec.conf), sha1 and modp1024 included.
  auto config = parse_ok(
      "aes128-sha256-ecp256,aes256-sha384-ecp384,aes128-sha256-modp2048,aes128-sha1-modp2048,"
      "aes256-sha1-modp1024!");
  EXPECT_EQ(config.proposals.size(), 5u);
  EXPECT_TRUE(config.strict);
  ASSERT_EQ(config.warnings.size(), 3u);  // sha1 twice, modp1024 once
  EXPECT_THAT(config.warnings[0], HasSubstr("ike proposal 4"));
  EXPECT_THAT(config.warnings[0], HasSubstr("\"sha1\" (HMAC_SHA1_96) is a legacy algorithm"));
  EXPECT_THAT(config.warnings[2], HasSubstr("\"modp1024\""));
  EXPECT_EQ(config.proposals[3].prf, std::vector<P>{P::hmac_sha1});
}

TEST(ProposalParser, AeadWithIntegrityIsAcceptedLikeStrongSwan) {
  // strongSwan derives the PRF from sha256 and drops the integrity algorithm.
  auto config = parse_ok("aes256gcm16-sha256-ecp521");
  ASSERT_EQ(config.proposals.size(), 1u);
  EXPECT_EQ(config.proposals[0], test::parsed("aes256gcm16-prfsha256-ecp521"));
  ASSERT_EQ(config.warnings.size(), 1u);
  EXPECT_THAT(config.warnings[0], HasSubstr("integrity algorithm(s) sha256 ignored"));

  auto esp = parse_ok("aes128gcm16-sha256", ProtocolId::esp);
  EXPECT_TRUE(esp.proposals[0].integrity.empty());
  EXPECT_EQ(esp.warnings.size(), 1u);
}

TEST(ProposalParser, EspDropsPrfWithWarning) {
  auto config = parse_ok("aes128-sha256-prfsha256-modp3072", ProtocolId::esp);
  EXPECT_TRUE(config.proposals[0].prf.empty());
  EXPECT_EQ(config.proposals[0].ke_groups, std::vector<G>{G::modp3072});
  ASSERT_EQ(config.warnings.size(), 1u);
  EXPECT_THAT(config.warnings[0], HasSubstr("esp proposals have no PRF"));
}

TEST(ProposalParser, RepeatedKeywordIsKeptOnce) {
  auto config = parse_ok("aes128-aes128-sha256-modp3072");
  EXPECT_EQ(config.proposals[0].encryption.size(), 1u);
  ASSERT_EQ(config.warnings.size(), 1u);
  EXPECT_THAT(config.warnings[0], HasSubstr("\"aes128\" repeated"));
}

TEST(ProposalParser, UnknownKeywordNamesKeywordAndPosition) {
  auto reason = parse_error("aes128-sha265-modp3072");
  EXPECT_EQ(reason,
            "ike proposal 1 \"aes128-sha265-modp3072\": unknown algorithm \"sha265\" (keyword 2, "
            "column 8)");
}

TEST(ProposalParser, ErrorInSecondProposalCountsColumnsInTheWholeValue) {
  auto reason = parse_error("aes256gcm16-prfsha384-x25519,aes128-foo-modp2048");
  EXPECT_EQ(reason,
            "ike proposal 2 \"aes128-foo-modp2048\": unknown algorithm \"foo\" (keyword 2, "
            "column 37)");
}

TEST(ProposalParser, KnownButUnsupportedAlgorithm) {
  EXPECT_THAT(parse_error("3des-sha1-modp1024"),
              HasSubstr("algorithm not supported by ikev2d \"3des\" (keyword 1, column 1)"));
  EXPECT_THAT(parse_error("aes128-sha256-modp1536"), HasSubstr("not supported by ikev2d"));
}

TEST(ProposalParser, AeadMixedWithClassicEncryption) {
  EXPECT_THAT(parse_error("aes128gcm16-aes128-sha256-modp3072"),
              HasSubstr("mixes AEAD and classic encryption algorithms"));
  EXPECT_THAT(parse_error("aes128gcm16-aes128-sha256", ProtocolId::esp),
              HasSubstr("esp proposal 1"));
}

TEST(ProposalParser, MissingPieces) {
  EXPECT_EQ(parse_error("sha256-modp2048"),
            "ike proposal 1 \"sha256-modp2048\" (column 1): no encryption algorithm (e.g. "
            "aes256gcm16 or aes128)");
  EXPECT_THAT(parse_error("aes128-sha256"), HasSubstr("no key exchange group"));
  EXPECT_THAT(parse_error("aes128-prfsha256-modp2048"),
              HasSubstr("classic encryption needs an integrity algorithm"));
  EXPECT_THAT(parse_error("aes128", ProtocolId::esp),
              HasSubstr("classic encryption needs an integrity algorithm"));
}

TEST(ProposalParser, AeadIkeProposalWithoutPrfIsRefusedLikeStrongSwan) {
  EXPECT_THAT(parse_error("aes256gcm16-x25519"),
              HasSubstr("an AEAD ike proposal needs a PRF (e.g. prfsha256 or prfsha384)"));
}

TEST(ProposalParser, EsnInIkeProposal) {
  EXPECT_THAT(parse_error("aes128-sha256-modp2048-esn"),
              HasSubstr("esn/noesn apply to esp proposals only"));
}

TEST(ProposalParser, MalformedLists) {
  EXPECT_EQ(parse_error(""), "ike proposal list is empty");
  EXPECT_EQ(parse_error("  "), "ike proposal list is empty");
  EXPECT_EQ(parse_error("!"), "ike proposal list has only \"!\"");
  EXPECT_THAT(parse_error("aes128-sha256-modp2048,,aes256-sha256-modp2048"),
              HasSubstr("ike proposal 2 \"\" (column 24): empty proposal"));
  EXPECT_THAT(parse_error("aes128--sha256-modp2048"),
              HasSubstr("empty keyword \"\" (keyword 2, column 8)"));
  EXPECT_THAT(parse_error("aes128-sha256-modp2048!,aes256-sha256-modp2048"),
              HasSubstr("'!' is only allowed at the end of the whole list \"modp2048!\""));
  EXPECT_THAT(parse_error("aes128-sha256", ProtocolId::ah), HasSubstr("AH"));
}

TEST(ProposalParser, TooManyProposals) {
  std::string text = "aes128-sha256-modp2048";
  for (std::size_t i = 0; i < kMaxConfiguredProposals; ++i)
    text += ",aes128-sha256-modp2048";
  EXPECT_THAT(parse_error(text), HasSubstr("at most 100 are allowed"));
}

TEST(ProposalParser, SingleProposalParser) {
  EXPECT_FALSE(parse_proposal("aes128-sha256-modp2048,aes256-sha256-modp2048", ProtocolId::ike));
  EXPECT_FALSE(parse_proposal("", ProtocolId::ike));
  EXPECT_TRUE(parse_proposal("aes128-sha256-modp2048", ProtocolId::ike));
}

TEST(ProposalParser, ToStringRoundTrips) {
  for (const char* text :
       {"aes256gcm16-prfsha384-x25519", "aes128-sha256-modp3072", "aes256-sha256-ecp384-modp3072",
        "chacha20poly1305-prfsha256-x25519", "aes128-aes256-sha256-sha384-x25519-ecp256",
        "aes128-sha256-prfsha384-modp3072", "aes128-sha256-sha1-prfsha1-modp1024",
        "aes256gcm16-aes128gcm8-prfsha512-x448-ecp521"}) {
    auto p = test::parsed(text);
    EXPECT_EQ(to_string(p), text);
    EXPECT_EQ(test::parsed(to_string(p)), p) << text;
  }
  for (const char* text : {"aes128gcm16", "aes256-sha512-esn", "aes128gcm12-ecp256-noesn-esn",
                           "chacha20poly1305-x25519"}) {
    auto p = test::parsed(text, ProtocolId::esp);
    EXPECT_EQ(to_string(p), text);
    EXPECT_EQ(test::parsed(to_string(p), ProtocolId::esp), p) << text;
  }
}

}  // namespace
}  // namespace ike::proposal
