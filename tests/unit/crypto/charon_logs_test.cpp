// Known answers from three strongSwan 5.9.8 exchanges (tests/vectors/): from
// the g^ir each charon logged, the nonces and SPIs of the capture, derive
// SKEYSEED, every SK_* and the AUTH octets, and compare with what charon
// logged at level 4. Both peers' logs are checked.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ike/crypto/auth_octets.hpp"
#include "ike/crypto/key_exchange.hpp"
#include "ike/crypto/key_material.hpp"
#include "support/pcap.hpp"
#include "support/strongswan_vectors.hpp"
#include "support/test_random.hpp"

namespace ike::crypto {
namespace {

using ike::test::hex;
using test::CharonLog;
using test::vector_path;

struct LogCase {
  const char* folder;
  wire::PrfAlgorithm prf;
  wire::KeGroup group;
  std::size_t integrity_key;   // SK_ai / SK_ar
  std::size_t encryption_key;  // SK_ei / SK_er, salt included
  const char* psk;             // nullptr for certificate authentication
};

const LogCase kCases[] = {
    // AES-GCM-16-256 (32 + 4 salt), PRF HMAC-SHA2-384, Curve25519, PSK.
    {"psk-aes256gcm16-prfsha384-x25519", wire::PrfAlgorithm::hmac_sha2_384,
     wire::KeGroup::curve25519, 0, 36, "interop-psk-0123456789"},
    // AES-CBC-128 with HMAC-SHA2-256-128 (32-octet key), PRF HMAC-SHA2-256, ECP-256, PSK.
    {"psk-aes128-sha256-ecp256", wire::PrfAlgorithm::hmac_sha2_256, wire::KeGroup::ecp256, 32, 16,
     "interop-psk-0123456789"},
    // AES-GCM-16-128 (16 + 4 salt), PRF HMAC-SHA2-256, Curve25519, ECDSA certificates.
    {"ecdsa-aes128gcm16-prfsha256-x25519", wire::PrfAlgorithm::hmac_sha2_256,
     wire::KeGroup::curve25519, 0, 20, nullptr},
};

std::uint64_t spi_from_hex(const std::string& text) {
  std::uint64_t out = 0;
  for (std::uint8_t octet : hex(text))
    out = out << 8 | octet;
  return out;
}

/// The Key Exchange Data of the KE payload of an IKE_SA_INIT message (RFC
/// 7296 3.4: after the generic header, the group number and two reserved
/// octets), found by walking the payload chain from the header.
Bytes key_exchange_data(const Bytes& message) {
  std::uint8_t next = message.size() > 16 ? message[16] : 0;
  std::size_t at = 28;
  while (next != 0 && at + 4 <= message.size()) {
    const std::size_t length = std::size_t{message[at + 2]} << 8 | message[at + 3];
    if (length < 4 || at + length > message.size()) break;
    if (next == 34 && length >= 8) {
      return Bytes(message.begin() + static_cast<std::ptrdiff_t>(at + 8),
                   message.begin() + static_cast<std::ptrdiff_t>(at + length));
    }
    next = message[at];
    at += length;
  }
  return {};
}

class CharonLogs : public ::testing::TestWithParam<LogCase> {
 protected:
  void SetUp() override {
    const LogCase& c = GetParam();
    const std::string dissection = vector_path(c.folder, "exchange.txt");
    const auto nonces = test::dissection_values(dissection, "Nonce DATA");
    const auto initiator_spis = test::dissection_values(dissection, "Initiator SPI");
    const auto responder_spis = test::dissection_values(dissection, "Responder SPI");
    ASSERT_GE(nonces.size(), 2u);
    ASSERT_GE(responder_spis.size(), 2u);
    nonce_i_ = hex(nonces[0]);
    nonce_r_ = hex(nonces[1]);
    spi_i_ = spi_from_hex(initiator_spis[0]);
    spi_r_ = spi_from_hex(responder_spis[1]);

    const auto datagrams = test::read_pcap_udp(vector_path(c.folder, "exchange.pcap"));
    ASSERT_GE(datagrams.size(), 2u);
    message1_ = datagrams[0].payload;
    message2_ = datagrams[1].payload;
    ASSERT_GE(message1_.size(), 28u);
    ASSERT_GE(message2_.size(), 28u);
    ASSERT_EQ(message1_[18], 34) << "frame 1 is not IKE_SA_INIT";
    ASSERT_EQ(message2_[18], 34) << "frame 2 is not IKE_SA_INIT";

    auto prf = Prf::create(c.prf);
    ASSERT_TRUE(prf.ok());
    prf_.emplace(*prf);
  }

  CharonLog read_log(const char* file) const {
    auto log = CharonLog::read(vector_path(GetParam().folder, file));
    EXPECT_TRUE(log.has_value()) << "cannot parse " << file;
    return log.value_or(CharonLog{});
  }

  /// SKEYSEED and SK_* from the g^ir this log recorded; checks both against the log.
  IkeSaKeys check_ike_sa_keys(const CharonLog& log) const {
    const LogCase& c = GetParam();
    const auto& secrets = log.dumps("shared Diffie Hellman secret");
    EXPECT_EQ(secrets.size(), 1u);
    if (secrets.empty()) return {};
    EXPECT_EQ(secrets[0].size(), KeyExchange::shared_secret_size(c.group));
    auto skeyseed = compute_skeyseed(*prf_, nonce_i_, nonce_r_, secrets[0]);
    EXPECT_TRUE(skeyseed.ok());
    if (!skeyseed) return {};
    EXPECT_EQ(to_hex(*skeyseed), to_hex(single(log, "SKEYSEED")));

    const IkeKeySizes sizes{prf_->preferred_key_size(), c.integrity_key, c.encryption_key};
    auto keys = derive_ike_sa_keys(*prf_, *skeyseed, nonce_i_, nonce_r_, spi_i_, spi_r_, sizes);
    EXPECT_TRUE(keys.ok());
    if (!keys) return {};
    EXPECT_EQ(to_hex(keys->sk_d), to_hex(single(log, "Sk_d secret")));
    EXPECT_EQ(to_hex(keys->sk_ei), to_hex(single(log, "Sk_ei secret")));
    EXPECT_EQ(to_hex(keys->sk_er), to_hex(single(log, "Sk_er secret")));
    EXPECT_EQ(to_hex(keys->sk_pi), to_hex(single(log, "Sk_pi secret")));
    EXPECT_EQ(to_hex(keys->sk_pr), to_hex(single(log, "Sk_pr secret")));
    if (c.integrity_key == 0) {
      // charon logs no integrity keys with an AEAD cipher.
      EXPECT_TRUE(log.dumps("Sk_ai secret").empty());
      EXPECT_TRUE(keys->sk_ai.empty());
      EXPECT_TRUE(keys->sk_ar.empty());
    } else {
      EXPECT_EQ(to_hex(keys->sk_ai), to_hex(single(log, "Sk_ai secret")));
      EXPECT_EQ(to_hex(keys->sk_ar), to_hex(single(log, "Sk_ar secret")));
    }
    return std::move(*keys);
  }

  static Bytes single(const CharonLog& log, const char* label) {
    const auto& dumps = log.dumps(label);
    EXPECT_EQ(dumps.size(), 1u) << label;
    return dumps.empty() ? Bytes{} : dumps[0];
  }

  Bytes nonce_i_, nonce_r_;
  std::uint64_t spi_i_ = 0, spi_r_ = 0;
  Bytes message1_, message2_;
  std::optional<Prf> prf_;
};

TEST_P(CharonLogs, BothPeersLoggedTheSameSharedSecret) {
  const CharonLog initiator = read_log("initiator.log");
  const CharonLog responder = read_log("responder.log");
  ASSERT_EQ(initiator.dumps("shared Diffie Hellman secret").size(), 1u);
  ASSERT_EQ(responder.dumps("shared Diffie Hellman secret").size(), 1u);
  EXPECT_EQ(initiator.dumps("shared Diffie Hellman secret")[0],
            responder.dumps("shared Diffie Hellman secret")[0]);
}

TEST_P(CharonLogs, InitiatorKeysMatchItsLog) {
  check_ike_sa_keys(read_log("initiator.log"));
}

TEST_P(CharonLogs, ResponderKeysMatchItsLog) {
  check_ike_sa_keys(read_log("responder.log"));
}

TEST_P(CharonLogs, SignedOctetsAndPskAuthMatchBothLogs) {
  const LogCase& c = GetParam();
  for (const char* file : {"initiator.log", "responder.log"}) {
    SCOPED_TRACE(file);
    const CharonLog log = read_log(file);
    const IkeSaKeys keys = check_ike_sa_keys(log);
    const auto& ids = log.dumps("IDx'");
    const auto& sk_ps = log.dumps("SK_p");
    const auto& octets = log.dumps("octets = message + nonce + prf(Sk_px, IDx')");
    // Each peer computes its own AUTH and verifies the other's.
    ASSERT_EQ(octets.size(), 2u);
    ASSERT_EQ(ids.size(), 2u);
    ASSERT_EQ(sk_ps.size(), 2u);
    for (std::size_t i = 0; i < octets.size(); ++i) {
      const bool initiators = sk_ps[i] == Bytes(keys.sk_pi.view().begin(), keys.sk_pi.view().end());
      SCOPED_TRACE(initiators ? "InitiatorSignedOctets" : "ResponderSignedOctets");
      EXPECT_EQ(to_hex(sk_ps[i]), to_hex(initiators ? keys.sk_pi : keys.sk_pr));
      EXPECT_EQ(ids[i], id_payload_body(wire::IdType::fqdn,
                                        as_bytes(initiators ? "west.example" : "east.example")));
      // RealMessage from the capture, the peer's nonce from the capture.
      auto expected =
          signed_octets(*prf_, initiators ? message1_ : message2_, initiators ? nonce_r_ : nonce_i_,
                        initiators ? keys.sk_pi : keys.sk_pr, ids[i]);
      ASSERT_TRUE(expected.ok());
      EXPECT_EQ(to_hex(*expected), to_hex(octets[i]));
      if (c.psk == nullptr) continue;
      const auto& auths = log.dumps("AUTH = prf(prf(secret, keypad), octets)");
      ASSERT_EQ(auths.size(), 2u);
      const auto& secrets = log.dumps("secret");
      ASSERT_EQ(secrets.size(), 2u);
      EXPECT_EQ(to_hex(secrets[i]), to_hex(as_bytes(c.psk)));
      auto auth = shared_key_auth(*prf_, as_bytes(c.psk), octets[i]);
      ASSERT_TRUE(auth.ok());
      EXPECT_EQ(to_hex(*auth), to_hex(auths[i]));
      EXPECT_TRUE(verify_shared_key_auth(*prf_, as_bytes(c.psk), octets[i], auths[i]).ok());
    }
  }
}

TEST_P(CharonLogs, PeersRealPublicValuesPassValidation) {
  const LogCase& c = GetParam();
  test::SeededRandom random(7);
  auto ours = KeyExchange::create(c.group, random);
  ASSERT_TRUE(ours.ok());
  for (const Bytes* message : {&message1_, &message2_}) {
    const Bytes public_value = key_exchange_data(*message);
    ASSERT_EQ(public_value.size(), KeyExchange::public_value_size(c.group));
    auto secret = (*ours)->shared_secret(public_value);
    EXPECT_TRUE(secret.ok()) << (secret.ok() ? "" : secret.error().reason);
  }
}

INSTANTIATE_TEST_SUITE_P(StrongSwan, CharonLogs, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<LogCase>& info) {
                           std::string name = info.param.folder;
                           for (char& ch : name)
                             if (ch == '-') ch = '_';
                           return name;
                         });

}  // namespace
}  // namespace ike::crypto
