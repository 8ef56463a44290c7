#include <gtest/gtest.h>

#include "xfrm/xfrm_algorithms.hpp"

namespace ikev2d::xfrm {
namespace {

using ike::wire::EncryptionAlgorithm;
using ike::wire::IntegrityAlgorithm;

TEST(XfrmAlgorithms, AeadNamesIcvsAndSaltedKeySizes) {
  auto gcm128 = kernel_cipher(EncryptionAlgorithm::aes_gcm_16, 128, 20);
  ASSERT_TRUE(gcm128) << gcm128.error().reason;
  EXPECT_EQ(gcm128->name, "rfc4106(gcm(aes))");
  EXPECT_TRUE(gcm128->aead);
  EXPECT_EQ(gcm128->icv_bits, 128);
  EXPECT_EQ(gcm128->salt_bytes, 4u);

  auto gcm256 = kernel_cipher(EncryptionAlgorithm::aes_gcm_16, 256, 36);
  ASSERT_TRUE(gcm256);
  EXPECT_EQ(gcm256->name, "rfc4106(gcm(aes))");

  EXPECT_EQ(kernel_cipher(EncryptionAlgorithm::aes_gcm_8, 128, 20)->icv_bits, 64);
  EXPECT_EQ(kernel_cipher(EncryptionAlgorithm::aes_gcm_12, 192, 28)->icv_bits, 96);

  // ChaCha20-Poly1305 has no Key Length attribute: key_bits 0 or 256.
  for (std::uint16_t bits : {0, 256}) {
    auto chacha = kernel_cipher(EncryptionAlgorithm::chacha20_poly1305, bits, 36);
    ASSERT_TRUE(chacha) << chacha.error().reason;
    EXPECT_EQ(chacha->name, "rfc7539esp(chacha20,poly1305)");
    EXPECT_EQ(chacha->icv_bits, 128);
  }
  auto ccm = kernel_cipher(EncryptionAlgorithm::aes_ccm_16, 128, 19);
  ASSERT_TRUE(ccm);
  EXPECT_EQ(ccm->name, "rfc4309(ccm(aes))");
}

TEST(XfrmAlgorithms, CbcHasNoSaltAndNoIcv) {
  for (auto [bits, bytes] : {std::pair{128, 16}, {192, 24}, {256, 32}}) {
    auto cbc = kernel_cipher(EncryptionAlgorithm::aes_cbc, static_cast<std::uint16_t>(bits),
                             static_cast<std::size_t>(bytes));
    ASSERT_TRUE(cbc) << bits;
    EXPECT_EQ(cbc->name, "cbc(aes)");
    EXPECT_FALSE(cbc->aead);
    EXPECT_EQ(cbc->icv_bits, 0);
  }
}

TEST(XfrmAlgorithms, KeyMaterialOfTheWrongSizeIsRefusedWithTheExpectedSize) {
  // AES-128-GCM key without its salt.
  auto unsalted = kernel_cipher(EncryptionAlgorithm::aes_gcm_16, 128, 16);
  ASSERT_FALSE(unsalted);
  EXPECT_EQ(unsalted.error().code, ike::Errc::invalid_argument);
  EXPECT_EQ(unsalted.error().reason,
            "ENCR_AES_GCM_16 with a 128-bit key needs 20 bytes of key material (with the 4-byte "
            "salt), got 16");
  auto odd = kernel_cipher(EncryptionAlgorithm::aes_cbc, 0, 17);
  ASSERT_FALSE(odd);
  EXPECT_EQ(odd.error().reason, "ENCR_AES_CBC needs 16 or 24 or 32 bytes of key material, got 17");
  auto bad_bits = kernel_cipher(EncryptionAlgorithm::aes_cbc, 100, 13);
  ASSERT_FALSE(bad_bits);
  EXPECT_EQ(bad_bits.error().reason, "ENCR_AES_CBC has no 100-bit key size");
  EXPECT_FALSE(kernel_cipher(EncryptionAlgorithm::chacha20_poly1305, 128, 20));
}

TEST(XfrmAlgorithms, KeySizeDeducedWhenTheKeyLengthAttributeIsAbsent) {
  auto gcm = kernel_cipher(EncryptionAlgorithm::aes_gcm_16, 0, 28);
  ASSERT_TRUE(gcm);
  EXPECT_EQ(gcm->salt_bytes, 4u);
}

TEST(XfrmAlgorithms, IntegrityTruncationFollowsRfc4868) {
  struct Case {
    IntegrityAlgorithm algorithm;
    std::string_view name;
    std::uint16_t truncation;
    std::size_t key;
  };
  for (const auto& c : {Case{IntegrityAlgorithm::hmac_sha2_256_128, "hmac(sha256)", 128, 32},
                        Case{IntegrityAlgorithm::hmac_sha2_384_192, "hmac(sha384)", 192, 48},
                        Case{IntegrityAlgorithm::hmac_sha2_512_256, "hmac(sha512)", 256, 64},
                        Case{IntegrityAlgorithm::hmac_sha1_96, "hmac(sha1)", 96, 20}}) {
    auto integrity = kernel_integrity(c.algorithm, c.key);
    ASSERT_TRUE(integrity) << c.name;
    EXPECT_EQ(integrity->name, c.name);
    EXPECT_EQ(integrity->truncation_bits, c.truncation);
  }
  auto short_key = kernel_integrity(IntegrityAlgorithm::hmac_sha2_256_128, 16);
  ASSERT_FALSE(short_key);
  EXPECT_EQ(short_key.error().reason, "AUTH_HMAC_SHA2_256_128 needs a 32-byte key, got 16");
}

TEST(XfrmAlgorithms, TransformsWithoutKernelEquivalentAreUnsupported) {
  auto none = kernel_integrity(IntegrityAlgorithm::none, 0);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ike::Errc::unsupported_algorithm);
  auto unknown = kernel_cipher(static_cast<EncryptionAlgorithm>(1), 0, 8);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ike::Errc::unsupported_algorithm);
  EXPECT_EQ(unknown.error().reason, "EncryptionAlgorithm(1) has no kernel ESP transform");
}

TEST(XfrmAlgorithms, NullEncryptionTakesNoKey) {
  auto null = kernel_cipher(EncryptionAlgorithm::null, 0, 0);
  ASSERT_TRUE(null);
  EXPECT_EQ(null->name, "ecb(cipher_null)");
  EXPECT_FALSE(kernel_cipher(EncryptionAlgorithm::null, 0, 4));
}

}  // namespace
}  // namespace ikev2d::xfrm
