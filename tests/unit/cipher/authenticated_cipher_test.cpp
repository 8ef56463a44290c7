// The uniform AEAD / CBC+HMAC interface the SK protection uses: round trips
// for every suite, and every tampered input refused before any plaintext is
// released.

#include "ike/crypto/cipher_authenticated.hpp"

#include <gtest/gtest.h>

#include "support/test_random.hpp"

namespace ike::crypto {
namespace {

using wire::EncryptionAlgorithm;
using wire::IntegrityAlgorithm;

struct Suite {
  EncryptionAlgorithm algorithm;
  std::uint16_t key_bits;
  IntegrityAlgorithm integrity;
};

const Suite kSuites[] = {
    {EncryptionAlgorithm::aes_gcm_16, 128, IntegrityAlgorithm::none},
    {EncryptionAlgorithm::aes_gcm_16, 256, IntegrityAlgorithm::none},
    {EncryptionAlgorithm::chacha20_poly1305, 0, IntegrityAlgorithm::none},
    {EncryptionAlgorithm::aes_cbc, 128, IntegrityAlgorithm::hmac_sha2_256_128},
    {EncryptionAlgorithm::aes_cbc, 256, IntegrityAlgorithm::hmac_sha2_384_192},
    {EncryptionAlgorithm::aes_cbc, 256, IntegrityAlgorithm::hmac_sha2_512_256},
};

struct Keyed {
  SuiteDescription suite;
  Bytes sk_e, sk_a;
};

Keyed keys_for(const Suite& s, std::uint64_t seed) {
  auto suite = describe_suite(s.algorithm, s.key_bits, s.integrity);
  EXPECT_TRUE(suite);
  test::SeededRandom random(seed);
  Keyed out{*suite, Bytes(suite->encryption_key_size()), Bytes(suite->integrity_key_size())};
  random.fill(out.sk_e);
  random.fill(out.sk_a);
  return out;
}

AuthenticatedCipher make(const CipherAlgorithms& algorithms, const Keyed& keys) {
  auto cipher = AuthenticatedCipher::create(algorithms, keys.suite, keys.sk_e, keys.sk_a);
  EXPECT_TRUE(cipher) << cipher.error().reason;
  return std::move(cipher).value();
}

TEST(AuthenticatedCipher, RoundTripsAndRefusesEveryTamperedPart) {
  CipherAlgorithms algorithms;
  test::SeededRandom random(42);
  for (const Suite& s : kSuites) {
    Keyed keys = keys_for(s, 7);
    AuthenticatedCipher cipher = make(algorithms, keys);
    const std::string name(keys.suite.cipher.name);
    Bytes associated(32), iv(cipher.iv_size()), plaintext(4 * 16), icv(cipher.icv_size());
    random.fill(associated);
    random.fill(iv);
    random.fill(plaintext);
    Bytes data = plaintext;
    ASSERT_TRUE(cipher.seal(associated, iv, data, icv)) << name;
    EXPECT_NE(data, plaintext) << name;
    const Bytes ciphertext = data;
    ASSERT_TRUE(cipher.open(associated, iv, data, icv)) << name;
    EXPECT_EQ(data, plaintext) << name;

    auto refused = [&](Bytes a, Bytes i, Bytes d, Bytes t) {
      auto status = cipher.open(a, i, d, t);
      return !status && status.error().code == Errc::integrity_check_failed;
    };
    for (std::size_t at : {std::size_t{0}, associated.size() - 1}) {
      Bytes a = associated;
      a[at] ^= 0x04;
      EXPECT_TRUE(refused(a, iv, ciphertext, icv)) << name << " associated " << at;
    }
    for (std::size_t at = 0; at < iv.size(); ++at) {
      Bytes i = iv;
      i[at] ^= 0x01;
      EXPECT_TRUE(refused(associated, i, ciphertext, icv)) << name << " iv " << at;
    }
    for (std::size_t at = 0; at < ciphertext.size(); at += 7) {
      Bytes d = ciphertext;
      d[at] ^= 0x20;
      EXPECT_TRUE(refused(associated, iv, d, icv)) << name << " ciphertext " << at;
    }
    for (std::size_t at = 0; at < icv.size(); ++at) {
      Bytes t = icv;
      t[at] ^= 0x80;
      EXPECT_TRUE(refused(associated, iv, ciphertext, t)) << name << " icv " << at;
    }
    AuthenticatedCipher other = make(algorithms, keys_for(s, 8));
    Bytes d = ciphertext;
    EXPECT_FALSE(other.open(associated, iv, d, icv)) << name << " wrong key";
  }
}

TEST(AuthenticatedCipher, CbcHmacVerifiesBeforeDecrypting) {
  // With a wrong ICV the CBC data must come back untouched: the MAC is
  // checked first (RFC 7296 3.14 encrypt-then-MAC), nothing is decrypted.
  CipherAlgorithms algorithms;
  Keyed keys = keys_for(kSuites[3], 9);
  AuthenticatedCipher cipher = make(algorithms, keys);
  Bytes iv(16, 1), data(32, 2), icv(16);
  ASSERT_TRUE(cipher.seal({}, iv, data, icv));
  const Bytes ciphertext = data;
  icv[0] ^= 1;
  EXPECT_FALSE(cipher.open({}, iv, data, icv));
  EXPECT_EQ(data, ciphertext);
}

TEST(AuthenticatedCipher, CbcHmacIcvIsTheMacOfAssociatedIvAndCiphertext) {
  CipherAlgorithms algorithms;
  Keyed keys = keys_for(kSuites[4], 10);
  AuthenticatedCipher cipher = make(algorithms, keys);
  Bytes associated = test::hex("000102"), iv(16, 9), data(48, 5), icv(24);
  ASSERT_TRUE(cipher.seal(associated, iv, data, icv));
  auto mac = HmacIntegrity::create(algorithms, *keys.suite.integrity, keys.sk_a);
  ASSERT_TRUE(mac);
  auto expected = mac->compute(concat({associated, iv, data}));
  ASSERT_TRUE(expected);
  EXPECT_EQ(icv, *expected);
}

TEST(AuthenticatedCipher, RefusesMismatchedKeys) {
  CipherAlgorithms algorithms;
  Keyed gcm = keys_for(kSuites[1], 1);
  EXPECT_FALSE(AuthenticatedCipher::create(algorithms, gcm.suite, gcm.sk_e, Bytes(32)));
  EXPECT_FALSE(AuthenticatedCipher::create(algorithms, gcm.suite, Bytes(32), {}));
  Keyed cbc = keys_for(kSuites[3], 1);
  EXPECT_FALSE(AuthenticatedCipher::create(algorithms, cbc.suite, cbc.sk_e, {}));
  EXPECT_FALSE(AuthenticatedCipher::create(algorithms, cbc.suite, cbc.sk_e, Bytes(16)));
  EXPECT_TRUE(AuthenticatedCipher::create(algorithms, cbc.suite, cbc.sk_e, cbc.sk_a));
}

}  // namespace
}  // namespace ike::crypto
