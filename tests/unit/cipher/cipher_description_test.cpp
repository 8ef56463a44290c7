// Key, IV, block and ICV sizes of every supported SK transform, and the
// combinations that must be refused.

#include "ike/crypto/cipher_description.hpp"

#include <gtest/gtest.h>

#include "ike/crypto/cipher_algorithms.hpp"

namespace ike::crypto {
namespace {

using wire::EncryptionAlgorithm;
using wire::IntegrityAlgorithm;

struct SizeCase {
  EncryptionAlgorithm algorithm;
  std::uint16_t key_bits;
  IntegrityAlgorithm integrity;
  std::size_t sk_e, sk_a, iv, block, icv;
};

TEST(CipherDescription, SizesOfEverySupportedSuite) {
  const SizeCase cases[] = {
      // RFC 5282 7.1: AES key + 4-byte salt, no SK_a.
      {EncryptionAlgorithm::aes_gcm_16, 128, IntegrityAlgorithm::none, 20, 0, 8, 1, 16},
      {EncryptionAlgorithm::aes_gcm_16, 256, IntegrityAlgorithm::none, 36, 0, 8, 1, 16},
      // RFC 7634 4: 32-byte key + 4-byte salt.
      {EncryptionAlgorithm::chacha20_poly1305, 0, IntegrityAlgorithm::none, 36, 0, 8, 1, 16},
      {EncryptionAlgorithm::chacha20_poly1305, 256, IntegrityAlgorithm::none, 36, 0, 8, 1, 16},
      // RFC 3602 + RFC 4868 2.6: key sizes 32/48/64, ICV 16/24/32.
      {EncryptionAlgorithm::aes_cbc, 128, IntegrityAlgorithm::hmac_sha2_256_128, 16, 32, 16, 16,
       16},
      {EncryptionAlgorithm::aes_cbc, 256, IntegrityAlgorithm::hmac_sha2_384_192, 32, 48, 16, 16,
       24},
      {EncryptionAlgorithm::aes_cbc, 256, IntegrityAlgorithm::hmac_sha2_512_256, 32, 64, 16, 16,
       32},
  };
  CipherAlgorithms algorithms;
  for (const auto& c : cases) {
    auto suite = describe_suite(c.algorithm, c.key_bits, c.integrity);
    ASSERT_TRUE(suite) << suite.error().reason;
    EXPECT_EQ(suite->encryption_key_size(), c.sk_e) << suite->cipher.name;
    EXPECT_EQ(suite->integrity_key_size(), c.sk_a) << suite->cipher.name;
    EXPECT_EQ(suite->iv_size(), c.iv) << suite->cipher.name;
    EXPECT_EQ(suite->block_size(), c.block) << suite->cipher.name;
    EXPECT_EQ(suite->icv_size(), c.icv) << suite->cipher.name;
    EXPECT_TRUE(algorithms.supports(*suite)) << suite->cipher.name;
  }
}

TEST(CipherDescription, RefusesUnsupportedCombinations) {
  struct Bad {
    EncryptionAlgorithm algorithm;
    std::uint16_t key_bits;
    IntegrityAlgorithm integrity;
  };
  const Bad cases[] = {
      {EncryptionAlgorithm::aes_gcm_16, 192, IntegrityAlgorithm::none},
      {EncryptionAlgorithm::aes_gcm_16, 0, IntegrityAlgorithm::none},
      {EncryptionAlgorithm::aes_gcm_16, 256, IntegrityAlgorithm::hmac_sha2_256_128},
      {EncryptionAlgorithm::chacha20_poly1305, 128, IntegrityAlgorithm::none},
      {EncryptionAlgorithm::aes_cbc, 128, IntegrityAlgorithm::none},
      {EncryptionAlgorithm::aes_cbc, 64, IntegrityAlgorithm::hmac_sha2_256_128},
      {EncryptionAlgorithm::aes_cbc, 128, IntegrityAlgorithm::hmac_sha1_96},
      {EncryptionAlgorithm::des3, 0, IntegrityAlgorithm::hmac_sha2_256_128},
      {EncryptionAlgorithm::aes_ccm_16, 128, IntegrityAlgorithm::none},
      {EncryptionAlgorithm::null, 0, IntegrityAlgorithm::hmac_sha2_256_128},
      {static_cast<EncryptionAlgorithm>(999), 128, IntegrityAlgorithm::none},
  };
  for (const auto& c : cases) {
    auto suite = describe_suite(c.algorithm, c.key_bits, c.integrity);
    ASSERT_FALSE(suite) << to_string(c.algorithm) << " " << c.key_bits;
    EXPECT_EQ(suite.error().code, Errc::unsupported_algorithm);
    EXPECT_FALSE(suite.error().reason.empty());
  }
}

TEST(CipherDescription, ReasonNamesTheAlgorithm) {
  auto suite = describe_suite(EncryptionAlgorithm::aes_gcm_16, 192, IntegrityAlgorithm::none);
  ASSERT_FALSE(suite);
  EXPECT_NE(suite.error().reason.find("ENCR_AES_GCM_16"), std::string::npos);
  EXPECT_NE(suite.error().reason.find("192"), std::string::npos);
}

}  // namespace
}  // namespace ike::crypto
