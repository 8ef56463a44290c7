// Issue 2's acceptance test, PSK authentication: in each PSK capture both
// AUTH payloads (RFC 7296 2.15, Shared Key Message Integrity Code) verify
// with the configured key over signed octets we rebuild from the decoded
// messages and the derived SK_pi / SK_pr, and those octets and AUTH values
// are exactly what the two charons logged.

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <string_view>

#include "ike/crypto/auth_octets.hpp"
#include "replay_fixture.hpp"
#include "support/strongswan_vectors.hpp"

namespace ike::vectors {
namespace {

/// The PSK as the folder configures it: `secret = "..."` in
/// initiator-swanctl.conf, or vectors.txt's "PSK (ascii)" for the full chain.
std::string configured_psk(const char* folder) {
  std::ifstream conf(test::vector_path(folder, "initiator-swanctl.conf"));
  constexpr std::string_view kKey = "secret = \"";
  std::string line;
  while (std::getline(conf, line)) {
    const std::size_t key = line.find(kKey);
    if (key == std::string::npos) continue;
    const std::size_t begin = key + kKey.size();
    const std::size_t end = line.find('"', begin);
    if (end != std::string::npos) return line.substr(begin, end - begin);
  }
  const auto values = test::read_vectors_txt(test::vector_path(folder, "vectors.txt"));
  auto found = values.find("PSK (ascii)");
  return found == values.end() ? std::string() : found->second;
}

bool contains(const std::vector<Bytes>& dumps, const Bytes& value) {
  return std::find(dumps.begin(), dumps.end(), value) != dumps.end();
}

class PskAuth : public ReplayFixture, public ::testing::WithParamInterface<VectorCase> {
 protected:
  void SetUp() override { load(GetParam().folder); }
  ByteView psk() const { return as_bytes(GetParam().psk); }
};

TEST_P(PskAuth, TheKeyIsTheConfiguredOne) {
  EXPECT_EQ(configured_psk(GetParam().folder), GetParam().psk);
}

TEST_P(PskAuth, BothAuthPayloadsVerify) {
  for (bool responder : {false, true}) {
    SCOPED_TRACE(responder ? "responder's AUTH" : "initiator's AUTH");
    const wire::AuthPayload* auth = auth_of(responder);
    ASSERT_NE(auth, nullptr);
    EXPECT_EQ(auth->method, wire::AuthMethod::shared_key_mic);
    const Bytes octets = signed_octets_of(responder);
    ASSERT_FALSE(octets.empty());
    auto verified = crypto::verify_shared_key_auth(*replay().prf, psk(), octets, auth->data);
    EXPECT_TRUE(verified.ok()) << verified.error().reason;
    // The MAC is deterministic, so ours is byte for byte charon's.
    auto ours = crypto::shared_key_auth(*replay().prf, psk(), octets);
    ASSERT_TRUE(ours.ok());
    EXPECT_EQ(to_hex(*ours), to_hex(auth->data));
  }
}

TEST_P(PskAuth, SignedOctetsAndAuthAreWhatBothCharonsLogged) {
  for (const char* file : {"initiator.log", "responder.log"}) {
    SCOPED_TRACE(file);
    auto log = test::CharonLog::read(test::vector_path(GetParam().folder, file));
    ASSERT_TRUE(log.has_value());
    // Each charon computes its own AUTH and the one it verifies.
    const auto& octets = log->dumps("octets = message + nonce + prf(Sk_px, IDx')");
    const auto& auths = log->dumps("AUTH = prf(prf(secret, keypad), octets)");
    EXPECT_EQ(octets.size(), 2u);
    EXPECT_EQ(auths.size(), 2u);
    for (bool responder : {false, true}) {
      SCOPED_TRACE(responder ? "responder" : "initiator");
      EXPECT_TRUE(contains(octets, signed_octets_of(responder)));
      ASSERT_NE(auth_of(responder), nullptr);
      EXPECT_TRUE(contains(auths, auth_of(responder)->data));
    }
  }
}

TEST_P(PskAuth, AnotherKeyOrTheOtherSidesOctetsFail) {
  const Bytes initiator_octets = signed_octets_of(false);
  const Bytes responder_octets = signed_octets_of(true);
  const wire::AuthPayload* auth = auth_of(false);
  ASSERT_NE(auth, nullptr);
  std::string other_key = GetParam().psk;
  other_key.back() ^= 1;
  auto wrong_key = crypto::verify_shared_key_auth(*replay().prf, as_bytes(other_key),
                                                  initiator_octets, auth->data);
  ASSERT_FALSE(wrong_key.ok());
  EXPECT_EQ(wrong_key.error().code, Errc::authentication_failed);
  // A reflected AUTH (RFC 7296 2.15: the octets differ per direction) fails.
  auto reflected =
      crypto::verify_shared_key_auth(*replay().prf, psk(), responder_octets, auth->data);
  ASSERT_FALSE(reflected.ok());
  EXPECT_EQ(reflected.error().code, Errc::authentication_failed);
}

INSTANTIATE_TEST_SUITE_P(StrongSwan, PskAuth, ::testing::ValuesIn(psk_cases()),
                         [](const auto& info) { return case_name(info.param); });

}  // namespace
}  // namespace ike::vectors
