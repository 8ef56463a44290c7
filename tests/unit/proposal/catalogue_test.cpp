#include "ike/proposal/catalogue.hpp"

#include <gtest/gtest.h>

#include <set>
#include <tuple>

namespace ike::proposal {
namespace {

using wire::TransformType;

TEST(Catalogue, EveryKeywordFindsItsOwnRowAndTransform) {
  for (const auto& info : algorithm_catalogue()) {
    EXPECT_EQ(find_keyword(info.keyword), &info) << info.keyword;
    EXPECT_EQ(find_algorithm(info.type, info.id, info.key_bits), &info) << info.keyword;
    EXPECT_FALSE(info.status_name.empty()) << info.keyword;
    EXPECT_FALSE(is_known_unsupported_keyword(info.keyword)) << info.keyword;
  }
}

TEST(Catalogue, KeywordsAndTransformsAreUnique) {
  std::set<std::string_view> keywords;
  std::set<std::tuple<TransformType, std::uint16_t, std::uint16_t>> transforms;
  for (const auto& info : algorithm_catalogue()) {
    EXPECT_TRUE(keywords.insert(info.keyword).second) << info.keyword;
    EXPECT_TRUE(transforms.insert({info.type, info.id, info.key_bits}).second) << info.keyword;
  }
}

TEST(Catalogue, CoversTheKeywordsOfTheBrief) {
  for (std::string_view keyword :
       {"aes128",      "aes192",       "aes256",      "aes128gcm16", "aes192gcm16",
        "aes256gcm16", "aes128gcm128", "aes256gcm12", "aes256gcm8",  "chacha20poly1305",
        "sha256",      "sha2_256",     "sha384",      "sha512",      "sha1",
        "prfsha256",   "prfsha384",    "prfsha512",   "prfsha1",     "modp2048",
        "modp3072",    "modp4096",     "ecp256",      "ecp384",      "ecp521",
        "x25519",      "curve25519",   "x448",        "curve448",    "modp1024",
        "esn",         "noesn"}) {
    EXPECT_NE(find_keyword(keyword), nullptr) << keyword;
  }
}

TEST(Catalogue, AliasesResolveToCanonicalRows) {
  EXPECT_EQ(find_keyword("aes"), find_keyword("aes128"));
  EXPECT_EQ(find_keyword("aes128gcm128"), find_keyword("aes128gcm16"));
  EXPECT_EQ(find_keyword("aes256gcm96"), find_keyword("aes256gcm12"));
  EXPECT_EQ(find_keyword("aes192gcm64"), find_keyword("aes192gcm8"));
  EXPECT_EQ(find_keyword("sha2_384"), find_keyword("sha384"));
  EXPECT_EQ(find_keyword("sha"), find_keyword("sha1"));
  EXPECT_EQ(find_keyword("curve25519")->keyword, "x25519");
  EXPECT_EQ(find_keyword("curve448")->keyword, "x448");
  EXPECT_EQ(find_keyword("AES128"), nullptr) << "lookup expects lower case";
  EXPECT_EQ(find_keyword("aes512"), nullptr);
}

TEST(Catalogue, TransformsCarryIanaIdsAndKeyLengths) {
  const auto* gcm = find_keyword("aes256gcm16");
  EXPECT_EQ(gcm->type, TransformType::encryption);
  EXPECT_EQ(gcm->id, 20);
  EXPECT_EQ(gcm->key_bits, 256);
  EXPECT_TRUE(gcm->aead);
  const auto* cbc = find_keyword("aes128");
  EXPECT_EQ(cbc->id, 12);
  EXPECT_EQ(cbc->key_bits, 128);
  EXPECT_FALSE(cbc->aead);
  const auto* chacha = find_keyword("chacha20poly1305");
  EXPECT_EQ(chacha->id, 28);
  EXPECT_EQ(chacha->key_bits, 0) << "RFC 7634: no Key Length attribute";
  EXPECT_TRUE(chacha->aead);
  EXPECT_EQ(find_keyword("sha256")->id, 12);
  EXPECT_EQ(find_keyword("sha256")->type, TransformType::integrity);
  EXPECT_EQ(find_keyword("prfsha384")->id, 6);
  EXPECT_EQ(find_keyword("prfsha384")->type, TransformType::prf);
  EXPECT_EQ(find_keyword("x25519")->id, 31);
  EXPECT_EQ(find_keyword("x448")->id, 32);
  EXPECT_EQ(find_keyword("ecp521")->id, 21);
  EXPECT_EQ(find_keyword("modp3072")->id, 15);
  EXPECT_EQ(find_keyword("esn")->id, 1);
  EXPECT_EQ(find_keyword("noesn")->id, 0);
  EXPECT_EQ(find_keyword("noesn")->type, TransformType::esn);
}

TEST(Catalogue, StatusNamesFollowStrongSwan) {
  EXPECT_EQ(find_keyword("aes256gcm16")->status_name, "AES_GCM_16_256");
  EXPECT_EQ(find_keyword("aes128")->status_name, "AES_CBC_128");
  EXPECT_EQ(find_keyword("chacha20poly1305")->status_name, "CHACHA20_POLY1305");
  EXPECT_EQ(find_keyword("sha256")->status_name, "HMAC_SHA2_256_128");
  EXPECT_EQ(find_keyword("prfsha384")->status_name, "PRF_HMAC_SHA2_384");
  EXPECT_EQ(find_keyword("x25519")->status_name, "CURVE_25519");
  EXPECT_EQ(find_keyword("noesn")->status_name, "NO_EXT_SEQ");
  EXPECT_EQ(find_keyword("esn")->status_name, "EXT_SEQ");
}

TEST(Catalogue, Rfc8247AndRfc8221Grades) {
  EXPECT_EQ(find_keyword("aes128")->ike, Requirement::must);
  EXPECT_EQ(find_keyword("aes192")->ike, Requirement::may);
  EXPECT_EQ(find_keyword("aes256gcm16")->ike, Requirement::should);
  EXPECT_EQ(find_keyword("aes256gcm16")->esp, Requirement::must);
  EXPECT_EQ(find_keyword("chacha20poly1305")->ike, Requirement::should);
  EXPECT_EQ(find_keyword("sha256")->ike, Requirement::must);
  EXPECT_EQ(find_keyword("sha1")->ike, Requirement::must_minus);
  EXPECT_EQ(find_keyword("prfsha512")->ike, Requirement::should_plus);
  EXPECT_EQ(find_keyword("prfsha256")->esp, Requirement::not_graded);
  EXPECT_EQ(find_keyword("modp2048")->ike, Requirement::must);
  EXPECT_EQ(find_keyword("modp1024")->ike, Requirement::should_not);
  EXPECT_EQ(find_keyword("ecp256")->ike, Requirement::should);
  EXPECT_EQ(find_keyword("x25519")->ike, Requirement::should);
  EXPECT_EQ(name(Requirement::should_plus), "SHOULD+");
  EXPECT_EQ(name(Requirement::must_minus), "MUST-");
  EXPECT_EQ(name(Requirement::should_not), "SHOULD NOT");
  EXPECT_EQ(name(Requirement::not_graded), "-");
}

TEST(Catalogue, LegacyIsExactlyTheWeakAlgorithms) {
  std::set<std::string_view> legacy;
  for (const auto& info : algorithm_catalogue()) {
    if (info.legacy()) legacy.insert(info.keyword);
  }
  EXPECT_EQ(legacy, (std::set<std::string_view>{"sha1", "prfsha1", "modp1024"}));
}

TEST(Catalogue, RecognisesStrongSwanKeywordsWeLack) {
  for (std::string_view keyword :
       {"3des", "modp1536", "aes128ctr", "aes256ccm16", "aesxcbc", "md5", "prfmd5", "modp8192"}) {
    EXPECT_TRUE(is_known_unsupported_keyword(keyword)) << keyword;
    EXPECT_EQ(find_keyword(keyword), nullptr) << keyword;
  }
  EXPECT_FALSE(is_known_unsupported_keyword("aes128"));
  EXPECT_FALSE(is_known_unsupported_keyword("frobnicate"));
}

TEST(Catalogue, NamesUnsupportedTransformsLikeStrongSwan) {
  EXPECT_EQ(transform_status_name(TransformType::encryption, 13, 128), "AES_CTR_128");
  EXPECT_EQ(transform_status_name(TransformType::key_exchange, 5, 0), "MODP_1536");
  EXPECT_EQ(transform_status_name(TransformType::integrity, 1, 0), "HMAC_MD5_96");
  EXPECT_EQ(transform_status_name(TransformType::integrity, 0, 0), "NONE");
  EXPECT_EQ(transform_status_name(TransformType::key_exchange, 0, 0), "NONE");
  EXPECT_EQ(transform_status_name(TransformType::encryption, 99, 0), "UNKNOWN_1_99");
  EXPECT_EQ(transform_status_name(static_cast<TransformType>(242), 42, 128), "UNKNOWN_242_42_128");
  EXPECT_EQ(transform_status_name(TransformType::encryption, 12, 64), "AES_CBC_64");
}

TEST(Catalogue, FindAlgorithmNeedsTheRightKeyLength) {
  EXPECT_EQ(find_algorithm(TransformType::encryption, 12, 0), nullptr);
  EXPECT_EQ(find_algorithm(TransformType::encryption, 12, 64), nullptr);
  EXPECT_EQ(find_algorithm(TransformType::encryption, 28, 256), nullptr);
  EXPECT_NE(find_algorithm(TransformType::encryption, 28, 0), nullptr);
  EXPECT_EQ(find_algorithm(TransformType::integrity, 12, 128), nullptr);
}

}  // namespace
}  // namespace ike::proposal
