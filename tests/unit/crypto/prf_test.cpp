#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "ike/crypto/prf.hpp"
#include "support/test_random.hpp"

namespace ike::crypto {
namespace {

using ike::test::hex;
using wire::PrfAlgorithm;

Prf make_prf(PrfAlgorithm algorithm) {
  auto prf = Prf::create(algorithm);
  EXPECT_TRUE(prf.ok()) << (prf.ok() ? "" : prf.error().reason);
  return *prf;
}

std::string hex_of(const Result<SecretBytes>& result) {
  if (!result) return "error: " + result.error().reason;
  return to_hex(*result);
}

struct HmacVector {
  const char* name;
  Bytes key;
  std::string data;
  const char* sha256;
  const char* sha384;
  const char* sha512;
};

// RFC 4231 test cases 1 (short key), 2 (key shorter than the output) and 6
// (key longer than the block, hashed first).
const HmacVector kRfc4231[] = {
    {"RFC 4231 test case 1", Bytes(20, 0x0b), "Hi There",
     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
     "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
     "faea9ea9076ede7f4af152e8b2fa9cb6",
     "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
     "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"},
    {"RFC 4231 test case 2", Bytes{'J', 'e', 'f', 'e'}, "what do ya want for nothing?",
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
     "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
     "8e2240ca5e69e2c78b3239ecfab21649",
     "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
     "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"},
    {"RFC 4231 test case 6", Bytes(131, 0xaa),
     "Test Using Larger Than Block-Size Key - Hash Key First",
     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
     "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
     "0c2ef6ab4030fe8296248df163f44952",
     "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
     "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"},
};

TEST(Prf, MatchesRfc4231ForEveryHmacSha2Prf) {
  const Prf sha256 = make_prf(PrfAlgorithm::hmac_sha2_256);
  const Prf sha384 = make_prf(PrfAlgorithm::hmac_sha2_384);
  const Prf sha512 = make_prf(PrfAlgorithm::hmac_sha2_512);
  for (const HmacVector& vector : kRfc4231) {
    SCOPED_TRACE(vector.name);
    EXPECT_EQ(hex_of(sha256.compute(vector.key, as_bytes(vector.data))), vector.sha256);
    EXPECT_EQ(hex_of(sha384.compute(vector.key, as_bytes(vector.data))), vector.sha384);
    EXPECT_EQ(hex_of(sha512.compute(vector.key, as_bytes(vector.data))), vector.sha512);
  }
}

TEST(Prf, ReportsSizesPerAlgorithm) {
  EXPECT_EQ(make_prf(PrfAlgorithm::hmac_sha2_256).output_size(), 32u);
  EXPECT_EQ(make_prf(PrfAlgorithm::hmac_sha2_384).output_size(), 48u);
  EXPECT_EQ(make_prf(PrfAlgorithm::hmac_sha2_512).output_size(), 64u);
  // RFC 7296 2.14: SK_d/SK_pi/SK_pr have the preferred key size, the output size for HMAC.
  EXPECT_EQ(make_prf(PrfAlgorithm::hmac_sha2_384).preferred_key_size(), 48u);
  EXPECT_EQ(make_prf(PrfAlgorithm::hmac_sha2_512).algorithm(), PrfAlgorithm::hmac_sha2_512);
}

TEST(Prf, RejectsEveryNonHmacSha2Algorithm) {
  for (PrfAlgorithm algorithm : wire::all_values(PrfAlgorithm{})) {
    const bool expected = algorithm == PrfAlgorithm::hmac_sha2_256 ||
                          algorithm == PrfAlgorithm::hmac_sha2_384 ||
                          algorithm == PrfAlgorithm::hmac_sha2_512;
    SCOPED_TRACE(wire::to_string(algorithm));
    EXPECT_EQ(Prf::is_supported(algorithm), expected);
    auto prf = Prf::create(algorithm);
    EXPECT_EQ(prf.ok(), expected);
    if (!prf) {
      EXPECT_EQ(prf.error().code, Errc::unsupported_algorithm);
      EXPECT_NE(prf.error().reason.find(wire::to_string(algorithm)), std::string::npos);
    }
  }
}

TEST(Prf, ConcatenatedPartsEqualOneInput) {
  const Prf prf = make_prf(PrfAlgorithm::hmac_sha2_256);
  const Bytes key = hex("000102030405060708090a0b0c0d0e0f");
  const Bytes a = hex("aabbcc");
  const Bytes b = hex("ddeeff00");
  EXPECT_EQ(hex_of(prf.compute(key, {a, Bytes{}, b})), hex_of(prf.compute(key, concat({a, b}))));
}

TEST(Prf, AcceptsAnEmptyKeyAndEmptyData) {
  // HMAC-SHA-256 with an empty key over empty data, a widely published value.
  const Prf prf = make_prf(PrfAlgorithm::hmac_sha2_256);
  EXPECT_EQ(hex_of(prf.compute(ByteView{}, ByteView{})),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(Prf, CopiesShareTheAlgorithmAndAgree) {
  const Prf original = make_prf(PrfAlgorithm::hmac_sha2_512);
  const Prf copy = original;
  const Bytes key = hex("0102");
  EXPECT_EQ(hex_of(copy.compute(key, key)), hex_of(original.compute(key, key)));
}

TEST(Prf, OneInstanceServesSeveralThreadsAtOnce) {
  const Prf prf = make_prf(PrfAlgorithm::hmac_sha2_256);
  const HmacVector& vector = kRfc4231[1];
  std::vector<std::string> results(8);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < results.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 200; ++round)
        results[t] = hex_of(prf.compute(vector.key, as_bytes(vector.data)));
    });
  }
  for (auto& thread : threads)
    thread.join();
  for (const std::string& result : results)
    EXPECT_EQ(result, vector.sha256);
}

TEST(PrfPlus, ChainsBlocksAsRfc7296Section2_13Says) {
  const Prf prf = make_prf(PrfAlgorithm::hmac_sha2_256);
  const Bytes key = hex("4b4b4b4b");
  const Bytes seed = hex("5345454453454544");
  // T1 = prf(K, S | 0x01), T2 = prf(K, T1 | S | 0x02), T3 = prf(K, T2 | S | 0x03)
  auto t1 = prf.compute(key, {seed, hex("01")});
  ASSERT_TRUE(t1.ok());
  auto t2 = prf.compute(key, {*t1, seed, hex("02")});
  ASSERT_TRUE(t2.ok());
  auto t3 = prf.compute(key, {*t2, seed, hex("03")});
  ASSERT_TRUE(t3.ok());
  const std::string expected = to_hex(*t1) + to_hex(*t2) + to_hex(*t3);

  EXPECT_EQ(hex_of(prf.prf_plus(key, seed, 96)), expected);
  // Truncation takes a prefix, also inside a block.
  EXPECT_EQ(hex_of(prf.prf_plus(key, seed, 70)), expected.substr(0, 140));
  EXPECT_EQ(hex_of(prf.prf_plus(key, seed, 1)), expected.substr(0, 2));
  // The seed may be given in parts.
  EXPECT_EQ(hex_of(prf.prf_plus(key, {hex("53454544"), hex("53454544")}, 96)), expected);
  EXPECT_EQ(hex_of(prf.prf_plus(key, seed, 0)), "");
}

// prf+ keys HMAC once and re-initialises it for every block: each block must
// still equal a freshly keyed prf(), for an empty key, a short one and one
// longer than the hash's block (which HMAC hashes first), with every digest.
TEST(PrfPlus, EveryBlockEqualsAFreshlyKeyedPrfForEveryKeyLength) {
  for (PrfAlgorithm algorithm :
       {PrfAlgorithm::hmac_sha2_256, PrfAlgorithm::hmac_sha2_384, PrfAlgorithm::hmac_sha2_512}) {
    const Prf prf = make_prf(algorithm);
    for (std::size_t key_size : {std::size_t{0}, std::size_t{20}, std::size_t{200}}) {
      SCOPED_TRACE(wire::to_string(algorithm) + ", key of " + std::to_string(key_size));
      const Bytes key(key_size, 0x6b);
      const Bytes seed = hex("0102030405");
      const std::size_t size = prf.output_size();
      auto all = prf.prf_plus(key, seed, 4 * size);
      ASSERT_TRUE(all.ok());
      SecretBytes previous;
      for (std::size_t n = 1; n <= 4; ++n) {
        const Bytes counter{static_cast<std::uint8_t>(n)};
        auto block = n == 1 ? prf.compute(key, {seed, counter})
                            : prf.compute(key, {previous, seed, counter});
        ASSERT_TRUE(block.ok());
        EXPECT_EQ(to_hex(all->slice((n - 1) * size, size)), to_hex(*block)) << "block " << n;
        previous = std::move(*block);
      }
    }
  }
}

TEST(PrfPlus, StopsAt255Blocks) {
  for (PrfAlgorithm algorithm :
       {PrfAlgorithm::hmac_sha2_256, PrfAlgorithm::hmac_sha2_384, PrfAlgorithm::hmac_sha2_512}) {
    const Prf prf = make_prf(algorithm);
    SCOPED_TRACE(wire::to_string(algorithm));
    const std::size_t limit = 255 * prf.output_size();
    auto longest = prf.prf_plus(hex("01"), hex("02"), limit);
    ASSERT_TRUE(longest.ok());
    EXPECT_EQ(longest->size(), limit);
    auto too_long = prf.prf_plus(hex("01"), hex("02"), limit + 1);
    ASSERT_FALSE(too_long.ok());
    EXPECT_EQ(too_long.error().code, Errc::invalid_argument);
    EXPECT_NE(too_long.error().reason.find("255 blocks"), std::string::npos)
        << too_long.error().reason;
  }
}

TEST(PrfPlus, LastBlockOfTheLongestOutputUsesCounter255) {
  const Prf prf = make_prf(PrfAlgorithm::hmac_sha2_256);
  const Bytes key = hex("aa");
  const Bytes seed = hex("bb");
  auto all = prf.prf_plus(key, seed, 255 * 32);
  ASSERT_TRUE(all.ok());
  const SecretBytes t254 = all->slice(253 * 32, 32);
  auto t255 = prf.compute(key, {t254, seed, hex("ff")});
  ASSERT_TRUE(t255.ok());
  EXPECT_EQ(to_hex(all->slice(254 * 32, 32)), to_hex(*t255));
}

}  // namespace
}  // namespace ike::crypto
