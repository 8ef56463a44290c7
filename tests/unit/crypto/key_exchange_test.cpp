#include <gtest/gtest.h>
#include <openssl/err.h>

#include <string>

#include "ike/crypto/key_exchange.hpp"
#include "rfc3526_primes.hpp"
#include "support/test_random.hpp"

namespace ike::crypto {
namespace {

using ike::test::hex;
using wire::KeGroup;

std::unique_ptr<KeyExchange> from_private(KeGroup group, const Bytes& private_key) {
  auto exchange = KeyExchange::from_private_key(group, private_key);
  EXPECT_TRUE(exchange.ok()) << (exchange.ok() ? "" : exchange.error().reason);
  return exchange.ok() ? std::move(*exchange) : nullptr;
}

std::string secret_hex(const KeyExchange& exchange, ByteView peer) {
  auto secret = exchange.shared_secret(peer);
  if (!secret) return "error: " + secret.error().reason;
  return to_hex(*secret);
}

/// Expects invalid_public_value with `reason_part` in the reason.
void expect_rejected(const KeyExchange& exchange, ByteView peer, const std::string& reason_part) {
  auto secret = exchange.shared_secret(peer);
  ASSERT_FALSE(secret.ok()) << "accepted " << to_hex(peer);
  EXPECT_EQ(secret.error().code, Errc::invalid_public_value);
  EXPECT_NE(secret.error().reason.find(reason_part), std::string::npos) << secret.error().reason;
  EXPECT_NE(secret.error().reason.find(wire::to_string(exchange.group())), std::string::npos)
      << "reason does not name the group: " << secret.error().reason;
  // A refusal leaves no stale entry in OpenSSL's per-thread error queue.
  EXPECT_EQ(ERR_peek_error(), 0ul);
}

struct DhVector {
  const char* name;
  KeGroup group;
  const char* private_i;
  const char* public_i;
  const char* private_r;
  const char* public_r;
  const char* shared;
};

// RFC 7748 6.1 and 6.2 (Alice = i, Bob = r); RFC 5903 8.1, 8.2 and 8.3 with
// public values in IKE's x | y format and g^ir as the x coordinate.
const DhVector kDhVectors[] = {
    {"RFC 7748 6.1 X25519", KeGroup::curve25519,
     "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
     "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
     "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
     "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
     "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"},
    {"RFC 7748 6.2 X448", KeGroup::curve448,
     "9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28dd9c9baf5"
     "74a9419744897391006382a6f127ab1d9ac2d8c0a598726b",
     "9b08f7cc31b7e3e67d22d5aea121074a273bd2b83de09c63faa73d2c22c5d9bb"
     "c836647241d953d40c5b12da88120d53177f80e532c41fa0",
     "1c306a7ac2a0e2e0990b294470cba339e6453772b075811d8fad0d1d6927c120"
     "bb5ee8972b0d3e21374c9c921b09d1b0366f10b65173992d",
     "3eb7a829b0cd20f5bcfc0b599b6feccf6da4627107bdb0d4f345b43027d8b972"
     "fc3e34fb4232a13ca706dcb57aec3dae07bdc1c67bf33609",
     "07fff4181ac6cc95ec1c16a94a0f74d12da232ce40a77552281d282bb60c0b56"
     "fd2464c335543936521c24403085d59a449a5037514a879d"},
    {"RFC 5903 8.1 ECP-256", KeGroup::ecp256,
     "c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433",
     "dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180"
     "5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3",
     "c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53",
     "d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63"
     "56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab",
     "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de"},
    {"RFC 5903 8.2 ECP-384", KeGroup::ecp384,
     "099f3c7034d4a2c699884d73a375a67f7624ef7c6b3c0f160647b67414dce655"
     "e35b538041e649ee3faef896783ab194",
     "667842d7d180ac2cde6f74f37551f55755c7645c20ef73e31634fe72b4c55ee6"
     "de3ac808acb4bdb4c88732aee95f41aa9482ed1fc0eeb9cafc4984625ccfc23f"
     "65032149e0e144ada024181535a0f38eeb9fcff3c2c947dae69b4c634573a81c",
     "41cb0779b4bdb85d47846725fbec3c9430fab46cc8dc5060855cc9bda0aa2942"
     "e0308312916b8ed2960e4bd55a7448fc",
     "e558dbef53eecde3d3fccfc1aea08a89a987475d12fd950d83cfa41732bc509d"
     "0d1ac43a0336def96fda41d0774a3571dcfbec7aacf3196472169e838430367f"
     "66eebe3c6e70c416dd5f0c68759dd1fff83fa40142209dff5eaad96db9e6386c",
     "11187331c279962d93d604243fd592cb9d0a926f422e47187521287e7156c5c4"
     "d603135569b9e9d09cf5d4a270f59746"},
    {"RFC 5903 8.3 ECP-521", KeGroup::ecp521,
     "0037ade9319a89f4dabdb3ef411aaccca5123c61acab57b5393dce47608172a0"
     "95aa85a30fe1c2952c6771d937ba9777f5957b2639bab072462f68c27a57382d"
     "4a52",
     "0015417e84dbf28c0ad3c278713349dc7df153c897a1891bd98bab4357c9ecbe"
     "e1e3bf42e00b8e380aeae57c2d107564941885942af5a7f4601723c4195d176c"
     "ed3e017cae20b6641d2eeb695786d8c946146239d099e18e1d5a514c739d7cb4"
     "a10ad8a788015ac405d7799dc75e7b7d5b6cf2261a6a7f1507438bf01beb6ca3"
     "926f9582",
     "0145ba99a847af43793fdd0e872e7cdfa16be30fdc780f97bccc3f078380201e"
     "9c677d600b343757a3bdbf2a3163e4c2f869cca7458aa4a4effc311f5cb15168"
     "5eb9",
     "00d0b3975ac4b799f5bea16d5e13e9af971d5e9b984c9f39728b5e5739735a21"
     "9b97c356436adc6e95bb0352f6be64a6c2912d4ef2d0433ced2b6171640012d9"
     "460f015c68226383956e3bd066e797b623c27ce0eac2f551a10c2c724d985207"
     "7b87220b6536c5c408a1d2aebb8e86d678ae49cb57091f4732296579ab44fcd1"
     "7f0fc56a",
     "01144c7d79ae6956bc8edb8e7c787c4521cb086fa64407f97894e5e6b2d79b04"
     "d1427e73ca4baa240a34786859810c06b3c715a3a8cc3151f2bee417996d19f3"
     "ddea"},
};

class KnownAnswer : public ::testing::TestWithParam<DhVector> {};

TEST_P(KnownAnswer, PublicValuesAndSharedSecretOfBothSides) {
  const DhVector& v = GetParam();
  auto initiator = from_private(v.group, hex(v.private_i));
  auto responder = from_private(v.group, hex(v.private_r));
  ASSERT_TRUE(initiator && responder);
  EXPECT_EQ(initiator->group(), v.group);
  EXPECT_EQ(to_hex(initiator->public_value()), v.public_i);
  EXPECT_EQ(to_hex(responder->public_value()), v.public_r);
  EXPECT_EQ(initiator->public_value().size(), KeyExchange::public_value_size(v.group));
  EXPECT_EQ(secret_hex(*initiator, hex(v.public_r)), v.shared);
  EXPECT_EQ(secret_hex(*responder, hex(v.public_i)), v.shared);
}

INSTANTIATE_TEST_SUITE_P(Rfc, KnownAnswer, ::testing::ValuesIn(kDhVectors),
                         [](const ::testing::TestParamInfo<DhVector>& info) {
                           return std::string(wire::name(info.param.group));
                         });

TEST(KeyExchange, SizesPerGroup) {
  const struct {
    KeGroup group;
    std::size_t public_size;
    std::size_t secret_size;
  } expected[] = {
      {KeGroup::modp2048, 256, 256}, {KeGroup::modp3072, 384, 384}, {KeGroup::modp4096, 512, 512},
      {KeGroup::ecp256, 64, 32},     {KeGroup::ecp384, 96, 48},     {KeGroup::ecp521, 132, 66},
      {KeGroup::curve25519, 32, 32}, {KeGroup::curve448, 56, 56},
  };
  for (const auto& e : expected) {
    SCOPED_TRACE(wire::to_string(e.group));
    EXPECT_TRUE(KeyExchange::is_supported(e.group));
    EXPECT_EQ(KeyExchange::public_value_size(e.group), e.public_size);
    EXPECT_EQ(KeyExchange::shared_secret_size(e.group), e.secret_size);
  }
}

TEST(KeyExchange, RefusesGroupsItDoesNotImplement) {
  test::SeededRandom random(1);
  for (KeGroup group : {KeGroup::none, KeGroup::modp1024, KeGroup::modp1536, KeGroup::modp6144,
                        KeGroup::modp8192, static_cast<KeGroup>(99)}) {
    SCOPED_TRACE(wire::to_string(group));
    EXPECT_FALSE(KeyExchange::is_supported(group));
    EXPECT_EQ(KeyExchange::public_value_size(group), 0u);
    auto created = KeyExchange::create(group, random);
    ASSERT_FALSE(created.ok());
    EXPECT_EQ(created.error().code, Errc::unsupported_algorithm);
    auto imported = KeyExchange::from_private_key(group, hex("01"));
    ASSERT_FALSE(imported.ok());
    EXPECT_EQ(imported.error().code, Errc::unsupported_algorithm);
  }
}

class EveryGroup : public ::testing::TestWithParam<KeGroup> {};

TEST_P(EveryGroup, BothSidesAgreeAndOutputsHaveTheWireSizes) {
  test::SeededRandom random(42);
  auto initiator = KeyExchange::create(GetParam(), random);
  auto responder = KeyExchange::create(GetParam(), random);
  ASSERT_TRUE(initiator.ok()) << initiator.error().reason;
  ASSERT_TRUE(responder.ok()) << responder.error().reason;
  EXPECT_EQ((*initiator)->public_value().size(), KeyExchange::public_value_size(GetParam()));
  EXPECT_NE(to_hex((*initiator)->public_value()), to_hex((*responder)->public_value()));
  auto secret_i = (*initiator)->shared_secret((*responder)->public_value());
  auto secret_r = (*responder)->shared_secret((*initiator)->public_value());
  ASSERT_TRUE(secret_i.ok()) << secret_i.error().reason;
  ASSERT_TRUE(secret_r.ok()) << secret_r.error().reason;
  EXPECT_EQ(secret_i->size(), KeyExchange::shared_secret_size(GetParam()));
  EXPECT_EQ(to_hex(*secret_i), to_hex(*secret_r));
}

TEST_P(EveryGroup, KeysComeFromTheInjectedRandomSource) {
  test::SeededRandom first(5);
  test::SeededRandom second(5);
  test::SeededRandom other(6);
  auto a = KeyExchange::create(GetParam(), first);
  auto b = KeyExchange::create(GetParam(), second);
  auto c = KeyExchange::create(GetParam(), other);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(to_hex((*a)->public_value()), to_hex((*b)->public_value()));
  EXPECT_NE(to_hex((*a)->public_value()), to_hex((*c)->public_value()));
}

TEST_P(EveryGroup, RejectsPublicValuesOfTheWrongLength) {
  test::SeededRandom random(3);
  auto exchange = KeyExchange::create(GetParam(), random);
  ASSERT_TRUE(exchange.ok());
  const std::size_t size = KeyExchange::public_value_size(GetParam());
  Bytes valid((*exchange)->public_value().begin(), (*exchange)->public_value().end());
  Bytes shorter(valid.begin(), valid.end() - 1);
  Bytes longer = concat({Bytes{0}, valid});
  expect_rejected(**exchange, shorter,
                  std::to_string(size - 1) + " octets, expected " + std::to_string(size));
  expect_rejected(**exchange, longer, std::to_string(size + 1) + " octets");
  expect_rejected(**exchange, Bytes{}, "0 octets");
}

INSTANTIATE_TEST_SUITE_P(Groups, EveryGroup,
                         ::testing::Values(KeGroup::modp2048, KeGroup::modp3072, KeGroup::modp4096,
                                           KeGroup::ecp256, KeGroup::ecp384, KeGroup::ecp521,
                                           KeGroup::curve25519, KeGroup::curve448),
                         [](const ::testing::TestParamInfo<KeGroup>& info) {
                           return std::string(wire::name(info.param));
                         });

TEST(X25519, PrivateKeyIsTheRandomSourcesOctets) {
  // create() takes the 32 octets as the raw private key: pinning them
  // reproduces RFC 7748 6.1's Alice.
  test::ScriptedRandom random;
  random.push(hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
  auto exchange = KeyExchange::create(KeGroup::curve25519, random);
  ASSERT_TRUE(exchange.ok());
  EXPECT_EQ(to_hex((*exchange)->public_value()),
            "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
}

TEST(X25519AndX448, RejectLowOrderPointsThatGiveAnAllZeroSecret) {
  auto x25519 = from_private(KeGroup::curve25519, Bytes(32, 0x42));
  auto x448 = from_private(KeGroup::curve448, Bytes(56, 0x42));
  ASSERT_TRUE(x25519 && x448);
  // u = 0 and u = 1 have order 1 and 4 (RFC 7748 6.1 says to check for the all-zero output).
  expect_rejected(*x25519, Bytes(32, 0), "all-zero");
  Bytes one(32, 0);
  one[0] = 1;
  expect_rejected(*x25519, one, "all-zero");
  // A point of order 8 on Curve25519 (little-endian u).
  expect_rejected(*x25519, hex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
                  "all-zero");
  expect_rejected(*x448, Bytes(56, 0), "all-zero");
  Bytes one448(56, 0);
  one448[0] = 1;
  expect_rejected(*x448, one448, "all-zero");
}

TEST(X25519AndX448, RefuseAPrivateKeyOfTheWrongLength) {
  for (auto [group, size] :
       {std::pair{KeGroup::curve25519, 32u}, std::pair{KeGroup::curve448, 56u}}) {
    auto imported = KeyExchange::from_private_key(group, Bytes(size - 1, 1));
    ASSERT_FALSE(imported.ok());
    EXPECT_EQ(imported.error().code, Errc::invalid_argument);
  }
}

TEST(Ecp, RejectsPointsOffTheCurveTheIdentityAndOversizedCoordinates) {
  test::SeededRandom random(11);
  for (KeGroup group : {KeGroup::ecp256, KeGroup::ecp384, KeGroup::ecp521}) {
    SCOPED_TRACE(wire::to_string(group));
    auto exchange = KeyExchange::create(group, random);
    ASSERT_TRUE(exchange.ok());
    const std::size_t size = KeyExchange::public_value_size(group);
    Bytes valid((*exchange)->public_value().begin(), (*exchange)->public_value().end());

    Bytes off_curve = valid;
    off_curve.back() ^= 0x01;  // y changed: no longer on the curve
    expect_rejected(**exchange, off_curve, "not a point on the curve");
    expect_rejected(**exchange, Bytes(size, 0), "all-zero");
    // Coordinates of all ones are not below the field prime (for P-521 the
    // top octet 0xff exceeds 2^521 - 1).
    expect_rejected(**exchange, Bytes(size, 0xff), "not below the field prime");
  }
}

TEST(Ecp, AcceptsOnlyScalarsInOneToNMinusOne) {
  // n of P-256 (FIPS 186-4 D.1.2.3).
  const Bytes order = hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
  Bytes order_minus_one = order;
  order_minus_one.back() -= 1;
  EXPECT_TRUE(KeyExchange::from_private_key(KeGroup::ecp256, order_minus_one).ok());
  EXPECT_TRUE(KeyExchange::from_private_key(KeGroup::ecp256, hex("01")).ok());
  for (const Bytes& bad : {order, Bytes(32, 0), Bytes(32, 0xff), Bytes(33, 0x01), Bytes{}}) {
    auto imported = KeyExchange::from_private_key(KeGroup::ecp256, bad);
    ASSERT_FALSE(imported.ok()) << to_hex(bad);
    EXPECT_EQ(imported.error().code, Errc::invalid_argument);
  }
}

TEST(Ecp, DrawsAgainWhenTheRandomScalarIsOutOfRange) {
  // First draw: all ones (above n), second: all zeros, third: RFC 5903's i.
  test::ScriptedRandom random;
  random.push(Bytes(32, 0xff));
  random.push(Bytes(32, 0x00));
  random.push(hex("c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433"));
  auto exchange = KeyExchange::create(KeGroup::ecp256, random);
  ASSERT_TRUE(exchange.ok());
  EXPECT_EQ(to_hex((*exchange)->public_value()),
            "dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180"
            "5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3");
}

TEST(Ecp, MasksP521ScalarsToTheOrdersLength) {
  // 66 random octets with the top 7 bits set are cut down to 521 bits, the
  // rest kept: the result is RFC 5903 8.3's i.
  Bytes drawn = hex(
      "0037ade9319a89f4dabdb3ef411aaccca5123c61acab57b5393dce47608172a095aa85a30fe1c2952c6771d937"
      "ba9777f5957b2639bab072462f68c27a57382d4a52");
  drawn[0] |= 0xfe;
  test::ScriptedRandom random;
  random.push(drawn);
  auto exchange = KeyExchange::create(KeGroup::ecp521, random);
  ASSERT_TRUE(exchange.ok());
  EXPECT_EQ(to_hex((*exchange)->public_value()).substr(0, 16), "0015417e84dbf28c");
}

struct ModpGroup {
  KeGroup group;
  const char* prime;
  const char* non_residue;  // a small value outside the prime-order subgroup (order 2q)
};

class Modp : public ::testing::TestWithParam<ModpGroup> {};

TEST_P(Modp, UsesRfc3526sPrimeAndGeneratorTwo) {
  const Bytes prime = hex(GetParam().prime);
  ASSERT_EQ(prime.size(), KeyExchange::public_value_size(GetParam().group));
  // x = 2 gives g^2 = 4: generator 2, left-padded to the prime's length.
  auto exchange = from_private(GetParam().group, hex("02"));
  ASSERT_TRUE(exchange);
  Bytes four(prime.size(), 0);
  four.back() = 4;
  EXPECT_EQ(to_hex(exchange->public_value()), to_hex(four));
  // A peer value of p - v gives (p - v)^2 = v^2 mod p only with RFC 3526's p.
  // v is a non-residue, so p - v = -v is a residue (-1 is not, p = 3 mod 4)
  // and lies in the prime-order subgroup.
  const std::uint8_t v = hex(GetParam().non_residue)[0];
  Bytes p_minus_v = prime;
  p_minus_v.back() = static_cast<std::uint8_t>(p_minus_v.back() - v);
  Bytes v_squared(prime.size(), 0);
  v_squared.back() = static_cast<std::uint8_t>(v * v);
  EXPECT_EQ(secret_hex(*exchange, p_minus_v), to_hex(v_squared));
}

TEST_P(Modp, RejectsValuesOutsideTwoToPMinusTwo) {
  test::SeededRandom random(9);
  auto exchange = KeyExchange::create(GetParam().group, random);
  ASSERT_TRUE(exchange.ok());
  const Bytes prime = hex(GetParam().prime);
  Bytes zero(prime.size(), 0);
  Bytes one = zero;
  one.back() = 1;
  Bytes p_minus_one = prime;
  p_minus_one.back() -= 1;
  expect_rejected(**exchange, zero, "public value 0 is outside [2, p-2]");
  expect_rejected(**exchange, one, "public value 1 is outside [2, p-2]");
  expect_rejected(**exchange, p_minus_one, "p-1 or more");
  expect_rejected(**exchange, prime, "p-1 or more");
  expect_rejected(**exchange, Bytes(prime.size(), 0xff), "p-1 or more");
}

TEST_P(Modp, AcceptsValuesOutsideThePrimeOrderSubgroup) {
  // RFC 6989 2.1: for safe-prime groups the range check is all that is
  // required; the only small subgroup, {1, p-1}, is excluded by it.
  test::SeededRandom random(10);
  auto exchange = KeyExchange::create(GetParam().group, random);
  ASSERT_TRUE(exchange.ok());
  Bytes value(KeyExchange::public_value_size(GetParam().group), 0);
  value.back() = hex(GetParam().non_residue)[0];
  EXPECT_TRUE((*exchange)->shared_secret(value).ok());
}

TEST_P(Modp, PublicValuesAreLeftPaddedToThePrimesLength) {
  // Exponent 8 gives 2^8 = 256 = 0x0100: a short number padded with zeros.
  auto exchange = from_private(GetParam().group, hex("08"));
  ASSERT_TRUE(exchange);
  Bytes expected(KeyExchange::public_value_size(GetParam().group), 0);
  expected[expected.size() - 2] = 0x01;
  EXPECT_EQ(to_hex(exchange->public_value()), to_hex(expected));
}

TEST_P(Modp, RefusesPrivateExponentsOutOfRange) {
  const Bytes prime = hex(GetParam().prime);
  Bytes p_minus_one = prime;
  p_minus_one.back() -= 1;
  for (const Bytes& bad :
       {hex("00"), hex("01"), p_minus_one, prime, Bytes{}, Bytes(prime.size() + 1, 1)}) {
    auto imported = KeyExchange::from_private_key(GetParam().group, bad);
    ASSERT_FALSE(imported.ok()) << to_hex(bad).substr(0, 16);
    EXPECT_EQ(imported.error().code, Errc::invalid_argument);
  }
}

// Non-residues found with Euler's criterion (v^((p-1)/2) != 1 mod p).
INSTANTIATE_TEST_SUITE_P(
    Rfc3526, Modp,
    ::testing::Values(ModpGroup{KeGroup::modp2048, testing::kModp2048Prime, "0b"},
                      ModpGroup{KeGroup::modp3072, testing::kModp3072Prime, "05"},
                      ModpGroup{KeGroup::modp4096, testing::kModp4096Prime, "05"}),
    [](const ::testing::TestParamInfo<ModpGroup>& info) {
      return std::string(wire::name(info.param.group));
    });

}  // namespace
}  // namespace ike::crypto
