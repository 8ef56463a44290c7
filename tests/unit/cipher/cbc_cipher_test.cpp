// AES-CBC without padding against RFC 3602 section 4 (AES-128) and NIST
// SP 800-38A F.2.5 (AES-256).

#include "ike/crypto/cipher_cbc.hpp"

#include <gtest/gtest.h>

#include "support/test_random.hpp"

namespace ike::crypto {
namespace {

using test::hex;
using wire::EncryptionAlgorithm;

struct CbcVector {
  const char* name;
  std::uint16_t key_bits;
  Bytes key, iv, plaintext, ciphertext;
};

std::vector<CbcVector> vectors() {
  return {
      {"RFC 3602 case 2", 128, hex("c286696d887c9aa0611bbb3e2025a45a"),
       hex("562e17996d093d28ddb3ba695a2e6f58"),
       hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"),
       hex("d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1")},
      {"RFC 3602 case 4", 128, hex("56e47a38c5598974bc46903dba290349"),
       hex("8ce82eefbea0da3c44699ed7db51b7d9"),
       hex("a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
           "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"),
       hex("c30e32ffedc0774e6aff6af0869f71aa0f3af07a9a31a9c684db207eb0ef8e4e"
           "35907aa632c3ffdf868bb7b29d3d46ad83ce9f9a102ee99d49a53e87f4c3da55")},
      {"SP 800-38A F.2.5", 256,
       hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"),
       hex("000102030405060708090a0b0c0d0e0f"),
       hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
           "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710"),
       hex("f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
           "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b")},
  };
}

TEST(CbcCipher, PublishedVectorsInPlace) {
  CipherAlgorithms algorithms;
  for (const auto& v : vectors()) {
    auto description = describe_cipher(EncryptionAlgorithm::aes_cbc, v.key_bits);
    ASSERT_TRUE(description);
    auto cipher = CbcCipher::create(algorithms, *description, v.key);
    ASSERT_TRUE(cipher) << v.name << ": " << cipher.error().reason;
    Bytes data = v.plaintext;
    ASSERT_TRUE(cipher->encrypt(v.iv, data)) << v.name;
    EXPECT_EQ(to_hex(data), to_hex(v.ciphertext)) << v.name;
    ASSERT_TRUE(cipher->decrypt(v.iv, data)) << v.name;
    EXPECT_EQ(data, v.plaintext) << v.name;
    // Alternating directions on one object keeps both key schedules intact.
    ASSERT_TRUE(cipher->encrypt(v.iv, data));
    EXPECT_EQ(data, v.ciphertext) << v.name;
  }
}

TEST(CbcCipher, RefusesPartialBlocksAndWrongSizes) {
  CipherAlgorithms algorithms;
  auto description = describe_cipher(EncryptionAlgorithm::aes_cbc, 128);
  auto cipher = CbcCipher::create(algorithms, *description, Bytes(16, 1));
  ASSERT_TRUE(cipher);
  Bytes partial(17);
  auto status = cipher->decrypt(Bytes(16), partial);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, Errc::invalid_argument);
  Bytes block(16);
  EXPECT_FALSE(cipher->encrypt(Bytes(8), block));
  Bytes empty;
  EXPECT_TRUE(cipher->encrypt(Bytes(16), empty));
  EXPECT_FALSE(CbcCipher::create(algorithms, *description, Bytes(32)));
  auto gcm = describe_cipher(EncryptionAlgorithm::aes_gcm_16, 128);
  EXPECT_FALSE(CbcCipher::create(algorithms, *gcm, Bytes(16)));
}

}  // namespace
}  // namespace ike::crypto
