// How the IKE SA and CHILD SA keys are cut from prf+ (RFC 7296 2.14, 2.17,
// 2.18), checked against prf+ evaluated by hand. The strongSwan known answers
// are in full_chain_vectors_test.cpp and charon_logs_test.cpp.

#include <gtest/gtest.h>

#include "ike/crypto/key_material.hpp"
#include "support/test_random.hpp"

namespace ike::crypto {
namespace {

using ike::test::hex;
using wire::PrfAlgorithm;

Prf make_prf(PrfAlgorithm algorithm) {
  auto prf = Prf::create(algorithm);
  EXPECT_TRUE(prf.ok());
  return *prf;
}

const Bytes kNonceI = hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
const Bytes kNonceR = hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
const Bytes kSharedSecret = hex("5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a");

TEST(Skeyseed, IsThePrfKeyedWithBothNonces) {
  const Prf prf = make_prf(PrfAlgorithm::hmac_sha2_256);
  auto skeyseed = compute_skeyseed(prf, kNonceI, kNonceR, kSharedSecret);
  auto by_hand = prf.compute(concat({kNonceI, kNonceR}), kSharedSecret);
  ASSERT_TRUE(skeyseed.ok() && by_hand.ok());
  EXPECT_EQ(to_hex(*skeyseed), to_hex(*by_hand));
  // Swapping the nonces changes the key.
  auto swapped = compute_skeyseed(prf, kNonceR, kNonceI, kSharedSecret);
  ASSERT_TRUE(swapped.ok());
  EXPECT_NE(to_hex(*swapped), to_hex(*skeyseed));
}

TEST(IkeSaKeys, AreTakenFromPrfPlusInRfcOrder) {
  const Prf prf = make_prf(PrfAlgorithm::hmac_sha2_512);
  const Bytes skeyseed(64, 0x11);
  const IkeKeySizes sizes{64, 32, 16};  // AES-CBC-128 with HMAC-SHA2-256-128
  auto keys = derive_ike_sa_keys(prf, skeyseed, kNonceI, kNonceR, 0x0102030405060708,
                                 0x1112131415161718, sizes);
  ASSERT_TRUE(keys.ok());
  // The SPIs enter the seed in network byte order.
  auto keymat = prf.prf_plus(
      skeyseed, concat({kNonceI, kNonceR, hex("0102030405060708"), hex("1112131415161718")}),
      sizes.total());
  ASSERT_TRUE(keymat.ok());
  ASSERT_EQ(keymat->size(), 3 * 64u + 2 * 32u + 2 * 16u);
  const std::string all = to_hex(*keymat);
  std::size_t at = 0;
  auto next = [&](std::size_t length) {
    std::string piece = all.substr(2 * at, 2 * length);
    at += length;
    return piece;
  };
  EXPECT_EQ(to_hex(keys->sk_d), next(64));
  EXPECT_EQ(to_hex(keys->sk_ai), next(32));
  EXPECT_EQ(to_hex(keys->sk_ar), next(32));
  EXPECT_EQ(to_hex(keys->sk_ei), next(16));
  EXPECT_EQ(to_hex(keys->sk_er), next(16));
  EXPECT_EQ(to_hex(keys->sk_pi), next(64));
  EXPECT_EQ(to_hex(keys->sk_pr), next(64));
}

TEST(IkeSaKeys, RefuseMissingOrOversizedKeys) {
  const Prf prf = make_prf(PrfAlgorithm::hmac_sha2_256);
  for (IkeKeySizes sizes : {IkeKeySizes{0, 0, 16}, IkeKeySizes{32, 32, 0},
                            IkeKeySizes{32, 5000, 32} /* beyond 255 blocks of 32 */}) {
    auto keys = derive_ike_sa_keys(prf, Bytes(32, 1), kNonceI, kNonceR, 1, 2, sizes);
    ASSERT_FALSE(keys.ok());
    EXPECT_EQ(keys.error().code, Errc::invalid_argument);
  }
}

TEST(RekeyedSkeyseed, UsesTheOldPrfAndSkDWithNewSecretAndNonces) {
  const Prf old_prf = make_prf(PrfAlgorithm::hmac_sha2_256);
  const Prf new_prf = make_prf(PrfAlgorithm::hmac_sha2_384);
  const Bytes old_sk_d(32, 0x77);
  auto skeyseed = compute_rekeyed_skeyseed(old_prf, old_sk_d, kSharedSecret, kNonceI, kNonceR);
  auto by_hand = old_prf.compute(old_sk_d, concat({kSharedSecret, kNonceI, kNonceR}));
  ASSERT_TRUE(skeyseed.ok() && by_hand.ok());
  EXPECT_EQ(to_hex(*skeyseed), to_hex(*by_hand));
  EXPECT_EQ(skeyseed->size(), 32u);
  // The new SA's keys then come from the new PRF (RFC 7296 2.18).
  auto keys = derive_ike_sa_keys(new_prf, *skeyseed, kNonceI, kNonceR, 3, 4,
                                 IkeKeySizes{new_prf.preferred_key_size(), 0, 36});
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->sk_d.size(), 48u);
}

TEST(ChildSaKeys, InitiatorToResponderFirstEncryptionBeforeIntegrity) {
  const Prf prf = make_prf(PrfAlgorithm::hmac_sha2_256);
  const Bytes sk_d(32, 0x33);
  auto keys = derive_child_sa_keys(prf, sk_d, kNonceI, kNonceR, ChildKeySizes{16, 32});
  auto keymat = prf.prf_plus(sk_d, concat({kNonceI, kNonceR}), 96);
  ASSERT_TRUE(keys.ok() && keymat.ok());
  EXPECT_EQ(to_hex(keys->encryption_i), to_hex(keymat->slice(0, 16)));
  EXPECT_EQ(to_hex(keys->integrity_i), to_hex(keymat->slice(16, 32)));
  EXPECT_EQ(to_hex(keys->encryption_r), to_hex(keymat->slice(48, 16)));
  EXPECT_EQ(to_hex(keys->integrity_r), to_hex(keymat->slice(64, 32)));
}

TEST(ChildSaKeys, PfsPutsTheNewSharedSecretFirstInTheSeed) {
  const Prf prf = make_prf(PrfAlgorithm::hmac_sha2_384);
  const Bytes sk_d(48, 0x44);
  auto keys =
      derive_child_sa_keys(prf, sk_d, kNonceI, kNonceR, ChildKeySizes{36, 0}, kSharedSecret);
  auto keymat = prf.prf_plus(sk_d, concat({kSharedSecret, kNonceI, kNonceR}), 72);
  ASSERT_TRUE(keys.ok() && keymat.ok());
  EXPECT_EQ(to_hex(keys->encryption_i), to_hex(keymat->slice(0, 36)));
  EXPECT_EQ(to_hex(keys->encryption_r), to_hex(keymat->slice(36, 36)));
  EXPECT_TRUE(keys->integrity_i.empty());
  auto without_pfs = derive_child_sa_keys(prf, sk_d, kNonceI, kNonceR, ChildKeySizes{36, 0});
  ASSERT_TRUE(without_pfs.ok());
  EXPECT_NE(to_hex(without_pfs->encryption_i), to_hex(keys->encryption_i));
}

TEST(ChildSaKeys, RefuseAnEmptyRequest) {
  const Prf prf = make_prf(PrfAlgorithm::hmac_sha2_256);
  auto keys = derive_child_sa_keys(prf, Bytes(32, 1), kNonceI, kNonceR, ChildKeySizes{0, 0});
  ASSERT_FALSE(keys.ok());
  EXPECT_EQ(keys.error().code, Errc::invalid_argument);
}

TEST(SecretBytes, CopiesMovesAndSlices) {
  SecretBytes original(hex("0102030405"));
  SecretBytes copy = original;
  EXPECT_TRUE(copy == original);
  EXPECT_EQ(to_hex(original.slice(1, 3)), "020304");
  SecretBytes moved = std::move(copy);
  EXPECT_TRUE(copy.empty());  // NOLINT(bugprone-use-after-move): moved-from is defined empty
  EXPECT_EQ(to_hex(moved), "0102030405");
  moved = SecretBytes(hex("ff"));
  EXPECT_EQ(to_hex(moved), "ff");
  EXPECT_FALSE(moved == original);
  moved.clear();
  EXPECT_TRUE(moved.empty());
  SecretBytes zeros(3);
  EXPECT_EQ(to_hex(zeros), "000000");
}

}  // namespace
}  // namespace ike::crypto
