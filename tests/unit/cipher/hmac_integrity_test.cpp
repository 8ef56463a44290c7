// RFC 4868 section 2.7.2 authenticator test vectors: the full PRF-HMAC
// output is published alongside, and the ICV is its leftmost half.

#include "ike/crypto/integrity_hmac.hpp"

#include <gtest/gtest.h>

#include "support/test_random.hpp"

namespace ike::crypto {
namespace {

using test::hex;
using wire::IntegrityAlgorithm;

struct AuthVector {
  const char* name;
  IntegrityAlgorithm algorithm;
  Bytes key;
  Bytes data;
  Bytes icv;
};

Bytes repeated(std::uint8_t value, std::size_t count) {
  return Bytes(count, value);
}
Bytes text(std::string_view s) {
  return Bytes(s.begin(), s.end());
}
Bytes jefe(std::size_t count) {
  Bytes out;
  while (out.size() < count)
    for (char c : std::string_view("Jefe"))
      out.push_back(static_cast<std::uint8_t>(c));
  return out;
}

std::vector<AuthVector> rfc4868_vectors() {
  return {
      {"AUTH256-1", IntegrityAlgorithm::hmac_sha2_256_128, repeated(0x0b, 32), text("Hi There"),
       hex("198a607eb44bfbc69903a0f1cf2bbdc5")},
      {"AUTH256-2", IntegrityAlgorithm::hmac_sha2_256_128, jefe(32),
       text("what do ya want for nothing?"), hex("167f928588c5cc2eef8e3093caa0e87c")},
      {"AUTH256-3", IntegrityAlgorithm::hmac_sha2_256_128, repeated(0xaa, 32), repeated(0xdd, 50),
       hex("cdcb1220d1ecccea91e53aba3092f962")},
      {"AUTH256-4", IntegrityAlgorithm::hmac_sha2_256_128,
       hex("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"), repeated(0xcd, 50),
       hex("372efcf9b40b35c2115b1346903d2ef4")},
      {"AUTH384-1", IntegrityAlgorithm::hmac_sha2_384_192, repeated(0x0b, 48), text("Hi There"),
       hex("b6a8d5636f5c6a7224f9977dcf7ee6c7fb6d0c48cbdee973")},
      {"AUTH384-2", IntegrityAlgorithm::hmac_sha2_384_192, jefe(48),
       text("what do ya want for nothing?"),
       hex("2c7353974f1842fd66d53c452ca42122b28c0b594cfb184d")},
      {"AUTH512-1", IntegrityAlgorithm::hmac_sha2_512_256, repeated(0x0b, 64), text("Hi There"),
       hex("637edc6e01dce7e6742a99451aae82df23da3e92439e590e43e761b33e910fb8")},
      {"AUTH512-2", IntegrityAlgorithm::hmac_sha2_512_256, jefe(64),
       text("what do ya want for nothing?"),
       hex("cb370917ae8a7ce28cfd1d8f4705d6141c173b2a9362c15df235dfb251b15454")},
  };
}

TEST(HmacIntegrity, Rfc4868AuthenticatorVectors) {
  CipherAlgorithms algorithms;
  for (const auto& v : rfc4868_vectors()) {
    auto description = describe_integrity(v.algorithm);
    ASSERT_TRUE(description);
    auto mac = HmacIntegrity::create(algorithms, *description, v.key);
    ASSERT_TRUE(mac) << v.name << ": " << mac.error().reason;
    auto icv = mac->compute(v.data);
    ASSERT_TRUE(icv) << v.name;
    EXPECT_EQ(to_hex(*icv), to_hex(v.icv)) << v.name;
    EXPECT_TRUE(mac->verify({v.data}, v.icv)) << v.name;
    // The same key computes again without being re-keyed (EVP_MAC_init restart).
    auto again = mac->compute(v.data);
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, v.icv) << v.name;
  }
}

TEST(HmacIntegrity, PartsAreConcatenated) {
  CipherAlgorithms algorithms;
  auto description = describe_integrity(IntegrityAlgorithm::hmac_sha2_256_128);
  auto mac = HmacIntegrity::create(algorithms, *description, repeated(0x0b, 32));
  ASSERT_TRUE(mac);
  Bytes icv(16);
  ASSERT_TRUE(mac->compute({text("Hi"), ByteView{}, text(" The"), text("re")}, icv));
  EXPECT_EQ(icv, hex("198a607eb44bfbc69903a0f1cf2bbdc5"));
}

TEST(HmacIntegrity, RejectsTamperedDataTagAndWrongKey) {
  CipherAlgorithms algorithms;
  const auto vectors = rfc4868_vectors();
  const AuthVector& v = vectors[0];
  auto description = describe_integrity(v.algorithm);
  auto mac = HmacIntegrity::create(algorithms, *description, v.key);
  ASSERT_TRUE(mac);

  Bytes data = v.data;
  data[0] ^= 0x01;
  auto tampered_data = mac->verify({data}, v.icv);
  ASSERT_FALSE(tampered_data);
  EXPECT_EQ(tampered_data.error().code, Errc::integrity_check_failed);

  for (std::size_t bit = 0; bit < v.icv.size() * 8; ++bit) {
    Bytes icv = v.icv;
    icv[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    EXPECT_FALSE(mac->verify({v.data}, icv)) << "bit " << bit;
  }
  EXPECT_FALSE(mac->verify({v.data}, ByteView(v.icv).first(15)));

  Bytes other_key = v.key;
  other_key[31] ^= 0x80;
  auto wrong = HmacIntegrity::create(algorithms, *description, other_key);
  ASSERT_TRUE(wrong);
  EXPECT_FALSE(wrong->verify({v.data}, v.icv));
}

TEST(HmacIntegrity, RefusesKeysOfTheWrongSize) {
  CipherAlgorithms algorithms;
  auto description = describe_integrity(IntegrityAlgorithm::hmac_sha2_384_192);
  auto mac = HmacIntegrity::create(algorithms, *description, repeated(0x0b, 32));
  ASSERT_FALSE(mac);
  EXPECT_EQ(mac.error().code, Errc::invalid_argument);
  EXPECT_FALSE(describe_integrity(IntegrityAlgorithm::none));
}

}  // namespace
}  // namespace ike::crypto
