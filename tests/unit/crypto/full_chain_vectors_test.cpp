// The psk-full-chain-aes256gcm16-prfsha384-x25519 exchange between two
// strongSwan 5.9.8 peers (tests/vectors/README.md): every value of its
// vectors.txt, from SKEYSEED to the AUTH data and the ESP keys, reproduced
// from the logged g^ir and the wire's nonces and SPIs.

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "ike/crypto/auth_octets.hpp"
#include "ike/crypto/key_material.hpp"
#include "support/strongswan_vectors.hpp"
#include "support/test_random.hpp"

namespace ike::crypto {
namespace {

using ike::test::hex;
using test::read_vectors_txt;
using test::vector_path;

constexpr const char* kCase = "psk-full-chain-aes256gcm16-prfsha384-x25519";

/// The Length field of an IKE header (RFC 7296 3.1, octets 24-27).
std::size_t ike_length_field(ByteView message) {
  return std::size_t{message[24]} << 24 | std::size_t{message[25]} << 16 |
         std::size_t{message[26]} << 8 | message[27];
}

class FullChainVectors : public ::testing::Test {
 protected:
  void SetUp() override {
    values_ = read_vectors_txt(vector_path(kCase, "vectors.txt"));
    ASSERT_FALSE(values_.empty()) << "cannot read vectors.txt of " << kCase;
    auto prf = Prf::create(wire::PrfAlgorithm::hmac_sha2_384);
    ASSERT_TRUE(prf.ok());
    prf_.emplace(*prf);
  }

  /// The value named `name` in vectors.txt, as octets.
  Bytes value(const std::string& name) const {
    auto found = values_.find(name);
    if (found == values_.end()) {
      ADD_FAILURE() << "vectors.txt has no '" << name << "'";
      return {};
    }
    return hex(found->second);
  }

  /// The value as hex, exactly as written (lower-cased by the round trip).
  std::string hex_value(const std::string& name) const { return to_hex(value(name)); }

  std::uint64_t spi(const std::string& name) const {
    std::uint64_t out = 0;
    for (std::uint8_t octet : value(name))
      out = out << 8 | octet;
    return out;
  }

  IkeSaKeys derive_keys() const {
    auto skeyseed = compute_skeyseed(*prf_, value("Ni (32 bytes)"), value("Nr (32 bytes)"),
                                     value("g^ir (shared DH)"));
    EXPECT_TRUE(skeyseed.ok());
    // AES-GCM-16-256: 32-octet key plus 4-octet salt (RFC 5282), no integrity key.
    const IkeKeySizes sizes{prf_->preferred_key_size(), 0, 36};
    auto keys = derive_ike_sa_keys(*prf_, *skeyseed, value("Ni (32 bytes)"), value("Nr (32 bytes)"),
                                   spi("SPIi"), spi("SPIr"), sizes);
    EXPECT_TRUE(keys.ok());
    return *keys;
  }

  std::map<std::string, std::string> values_;
  std::optional<Prf> prf_;
};

TEST_F(FullChainVectors, Skeyseed) {
  auto skeyseed = compute_skeyseed(*prf_, value("Ni (32 bytes)"), value("Nr (32 bytes)"),
                                   value("g^ir (shared DH)"));
  ASSERT_TRUE(skeyseed.ok());
  EXPECT_EQ(to_hex(*skeyseed), hex_value("SKEYSEED"));
}

TEST_F(FullChainVectors, EveryIkeSaKey) {
  const IkeSaKeys keys = derive_keys();
  EXPECT_EQ(to_hex(keys.sk_d), hex_value("SK_d"));
  EXPECT_TRUE(keys.sk_ai.empty());
  EXPECT_TRUE(keys.sk_ar.empty());
  EXPECT_EQ(to_hex(keys.sk_ei), hex_value("SK_ei"));
  EXPECT_EQ(to_hex(keys.sk_er), hex_value("SK_er"));
  EXPECT_EQ(to_hex(keys.sk_pi), hex_value("SK_pi"));
  EXPECT_EQ(to_hex(keys.sk_pr), hex_value("SK_pr"));
}

TEST_F(FullChainVectors, IdPayloadBodies) {
  EXPECT_EQ(to_hex(id_payload_body(wire::IdType::fqdn, as_bytes("west.peers2.test"))),
            hex_value("IDi' (ID payload body, for MACedIDForI)"));
  EXPECT_EQ(to_hex(id_payload_body(wire::IdType::fqdn, as_bytes("east.peers2.test"))),
            hex_value("IDr' (ID payload body, for MACedIDForR)"));
}

TEST_F(FullChainVectors, SignedOctetsOfBothSides) {
  const IkeSaKeys keys = derive_keys();
  const Bytes initiator_octets = value("initiator signed octets (312 bytes)");
  const Bytes responder_octets = value("responder signed octets (320 bytes)");
  ASSERT_EQ(initiator_octets.size(), 312u);
  ASSERT_EQ(responder_octets.size(), 320u);
  // RealMessage1/2 are the octets before the nonce and the 48-octet MACedID;
  // their IKE header's Length field must say exactly that.
  const std::size_t tail = 32 + prf_->output_size();
  const ByteView message1 = ByteView(initiator_octets).first(initiator_octets.size() - tail);
  const ByteView message2 = ByteView(responder_octets).first(responder_octets.size() - tail);
  EXPECT_EQ(ike_length_field(message1), message1.size());
  EXPECT_EQ(ike_length_field(message2), message2.size());

  auto initiator = signed_octets(*prf_, message1, value("Nr (32 bytes)"), keys.sk_pi,
                                 value("IDi' (ID payload body, for MACedIDForI)"));
  ASSERT_TRUE(initiator.ok());
  EXPECT_EQ(to_hex(*initiator), to_hex(initiator_octets));
  auto responder = signed_octets(*prf_, message2, value("Ni (32 bytes)"), keys.sk_pr,
                                 value("IDr' (ID payload body, for MACedIDForR)"));
  ASSERT_TRUE(responder.ok());
  EXPECT_EQ(to_hex(*responder), to_hex(responder_octets));
}

TEST_F(FullChainVectors, PskAuthOfBothSides) {
  const Bytes psk = value("PSK (hex)");
  EXPECT_EQ(psk, Bytes(as_bytes("peers2-interop-psk-0123456789").begin(),
                       as_bytes("peers2-interop-psk-0123456789").end()));
  auto padded = prf_->compute(psk, as_bytes(kIkev2KeyPad));
  ASSERT_TRUE(padded.ok());
  EXPECT_EQ(to_hex(*padded), hex_value("prf(PSK,\"Key Pad for IKEv2\")"));

  auto initiator = shared_key_auth(*prf_, psk, value("initiator signed octets (312 bytes)"));
  ASSERT_TRUE(initiator.ok());
  EXPECT_EQ(to_hex(*initiator), hex_value("initiator AUTH data"));
  auto responder = shared_key_auth(*prf_, psk, value("responder signed octets (320 bytes)"));
  ASSERT_TRUE(responder.ok());
  EXPECT_EQ(to_hex(*responder), hex_value("responder AUTH data"));

  EXPECT_TRUE(verify_shared_key_auth(*prf_, psk, value("initiator signed octets (312 bytes)"),
                                     value("initiator AUTH data"))
                  .ok());
  // The responder's AUTH does not verify the initiator's octets.
  auto crossed = verify_shared_key_auth(*prf_, psk, value("initiator signed octets (312 bytes)"),
                                        value("responder AUTH data"));
  ASSERT_FALSE(crossed.ok());
  EXPECT_EQ(crossed.error().code, Errc::authentication_failed);
}

TEST_F(FullChainVectors, EspKeysOfTheFirstChildSa) {
  const IkeSaKeys keys = derive_keys();
  // The CHILD SA of IKE_AUTH, no PFS: KEYMAT = prf+(SK_d, Ni | Nr); AES-GCM-16-256 ESP.
  EXPECT_EQ(hex_value("CHILD_SA KEYMAT seed (Ni|Nr, no PFS)"),
            to_hex(concat({value("Ni (32 bytes)"), value("Nr (32 bytes)")})));
  auto child = derive_child_sa_keys(*prf_, keys.sk_d, value("Ni (32 bytes)"),
                                    value("Nr (32 bytes)"), ChildKeySizes{36, 0});
  ASSERT_TRUE(child.ok());
  EXPECT_EQ(to_hex(child->encryption_i), hex_value("ESP encr key i->r (key||salt)"));
  EXPECT_EQ(to_hex(child->encryption_r), hex_value("ESP encr key r->i (key||salt)"));
  EXPECT_TRUE(child->integrity_i.empty());
  EXPECT_TRUE(child->integrity_r.empty());
}

TEST_F(FullChainVectors, EspKeysAgreeWithBothCharonLogs) {
  const IkeSaKeys keys = derive_keys();
  auto child = derive_child_sa_keys(*prf_, keys.sk_d, value("Ni (32 bytes)"),
                                    value("Nr (32 bytes)"), ChildKeySizes{36, 0});
  ASSERT_TRUE(child.ok());
  for (const char* file : {"initiator.log", "responder.log"}) {
    SCOPED_TRACE(file);
    auto log = test::CharonLog::read(vector_path(kCase, file));
    ASSERT_TRUE(log.has_value());
    ASSERT_EQ(log->dumps("encryption initiator key").size(), 1u);
    ASSERT_EQ(log->dumps("encryption responder key").size(), 1u);
    EXPECT_EQ(to_hex(log->dumps("encryption initiator key")[0]), to_hex(child->encryption_i));
    EXPECT_EQ(to_hex(log->dumps("encryption responder key")[0]), to_hex(child->encryption_r));
    ASSERT_EQ(log->dumps("Sk_d secret").size(), 1u);
    EXPECT_EQ(to_hex(log->dumps("Sk_d secret")[0]), to_hex(keys.sk_d));
  }
}

}  // namespace
}  // namespace ike::crypto
