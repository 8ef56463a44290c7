// AUTH octets and the shared-key AUTH value (RFC 7296 2.15) from their
// definition; the strongSwan known answers are in full_chain_vectors_test.cpp
// and charon_logs_test.cpp.

#include <gtest/gtest.h>

#include "ike/crypto/auth_octets.hpp"
#include "support/test_random.hpp"

namespace ike::crypto {
namespace {

using ike::test::hex;

Prf sha256_prf() {
  auto prf = Prf::create(wire::PrfAlgorithm::hmac_sha2_256);
  EXPECT_TRUE(prf.ok());
  return *prf;
}

TEST(IdPayloadBody, IsTypeThreeReservedOctetsAndData) {
  EXPECT_EQ(to_hex(id_payload_body(wire::IdType::ipv4_addr, hex("0a4d0002"))), "010000000a4d0002");
  EXPECT_EQ(to_hex(id_payload_body(wire::IdType::fqdn, as_bytes("a.b"))), "02000000612e62");
  EXPECT_EQ(to_hex(id_payload_body(wire::IdType::key_id, {})), "0b000000");
}

TEST(SignedOctets, AreMessageThenPeerNonceThenMacOfTheId) {
  const Prf prf = sha256_prf();
  const Bytes message = hex("526d0839aac61a9b0000000000000000212022080000000000000020");
  const Bytes nonce = hex("a9e244aadcc73acd42650ed8467cad34");
  const Bytes sk_p(32, 0x5c);
  const Bytes id = id_payload_body(wire::IdType::fqdn, as_bytes("west.example"));
  auto octets = signed_octets(prf, message, nonce, sk_p, id);
  auto maced_id = prf.compute(sk_p, id);
  ASSERT_TRUE(octets.ok() && maced_id.ok());
  EXPECT_EQ(to_hex(*octets), to_hex(message) + to_hex(nonce) + to_hex(*maced_id));
}

TEST(SharedKeyAuth, IsPrfOfThePaddedKeyOverTheOctets) {
  EXPECT_EQ(kIkev2KeyPad.size(), 17u);  // no NUL
  const Prf prf = sha256_prf();
  const Bytes octets = hex("0011223344556677");
  auto auth = shared_key_auth(prf, as_bytes("secret"), octets);
  auto inner = prf.compute(as_bytes("secret"), as_bytes("Key Pad for IKEv2"));
  ASSERT_TRUE(auth.ok() && inner.ok());
  auto outer = prf.compute(*inner, octets);
  ASSERT_TRUE(outer.ok());
  EXPECT_EQ(to_hex(*auth), to_hex(*outer));
  EXPECT_EQ(auth->size(), prf.output_size());
}

TEST(SharedKeyAuth, VerificationFailsOnAnyDifference) {
  const Prf prf = sha256_prf();
  const Bytes octets = hex("0011223344556677");
  auto auth = shared_key_auth(prf, as_bytes("secret"), octets);
  ASSERT_TRUE(auth.ok());
  EXPECT_TRUE(verify_shared_key_auth(prf, as_bytes("secret"), octets, *auth).ok());

  Bytes flipped = *auth;
  flipped.back() ^= 0x80;
  Bytes truncated(auth->begin(), auth->end() - 1);
  const Bytes other_octets = hex("0011223344556678");
  const struct {
    const char* what;
    std::string_view key;
    ByteView octets;
    ByteView received;
  } cases[] = {
      {"one bit flipped", "secret", octets, flipped},
      {"truncated", "secret", octets, truncated},
      {"empty", "secret", octets, {}},
      {"wrong key", "Secret", octets, *auth},
      {"other octets", "secret", other_octets, *auth},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    auto verified = verify_shared_key_auth(prf, as_bytes(c.key), c.octets, c.received);
    ASSERT_FALSE(verified.ok());
    EXPECT_EQ(verified.error().code, Errc::authentication_failed);
  }
}

}  // namespace
}  // namespace ike::crypto
