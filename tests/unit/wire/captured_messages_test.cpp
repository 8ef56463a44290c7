// Real strongSwan 5.9.8 messages (tests/vectors/*/exchange.pcap): every IKE
// datagram decodes, and encode(decode(bytes)) == bytes.

#include <gtest/gtest.h>

#include <string>

#include "ike/wire/exchange_rules.hpp"
#include "ike/wire/message.hpp"
#include "support/pcap.hpp"
#include "support/test_random.hpp"

namespace ike::wire {
namespace {

using ike::test::hex;

const char* const kCases[] = {
    "psk-full-chain-aes256gcm16-prfsha384-x25519",
    "psk-aes256gcm16-prfsha384-x25519",
    "psk-aes128-sha256-ecp256",
    "ecdsa-aes128gcm16-prfsha256-x25519",
};

std::string capture_path(const std::string& name) {
  return std::string(IKE_SHARED_VECTORS_DIR) + "/" + name + "/exchange.pcap";
}

/// The IKE messages of a capture: port 500 datagrams, and port 4500 ones
/// behind the non-ESP marker (the rest on 4500 is ESP).
std::vector<Bytes> ike_messages(const std::string& name) {
  std::vector<Bytes> out;
  for (const auto& datagram : test::read_pcap_udp(capture_path(name))) {
    bool nat_t = datagram.source_port == 4500 || datagram.destination_port == 4500;
    if (!nat_t) {
      out.push_back(datagram.payload);
      continue;
    }
    Bytes stripped = test::strip_non_esp_marker(datagram);
    if (stripped.size() != datagram.payload.size()) out.push_back(std::move(stripped));
  }
  return out;
}

class CapturedMessages : public ::testing::TestWithParam<const char*> {};

TEST_P(CapturedMessages, DecodeAndReencodeByteForByte) {
  auto messages = ike_messages(GetParam());
  ASSERT_GE(messages.size(), 4u) << "capture " << capture_path(GetParam());
  for (std::size_t i = 0; i < messages.size(); ++i) {
    auto message = decode_message(messages[i]);
    ASSERT_TRUE(message) << "message " << i << ": " << message.error().reason;
    EXPECT_EQ(encode_message(message->header, message->payloads), messages[i]) << "message " << i;
    // Each also passes the exchange rules before decryption.
    auto rules = check_exchange_rules(message->header, message->payloads, nullptr);
    EXPECT_TRUE(rules) << "message " << i << ": " << rules.error().reason;
  }
  // The first two are IKE_SA_INIT, the rest protected.
  auto first = decode_message(messages[0]);
  auto second = decode_message(messages[1]);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->header.exchange, ExchangeType::ike_sa_init);
  EXPECT_TRUE(second->header.is_response());
  auto auth = decode_message(messages[2]);
  ASSERT_TRUE(auth);
  EXPECT_EQ(auth->header.exchange, ExchangeType::ike_auth);
  ASSERT_TRUE(auth->encrypted());
  EXPECT_EQ(auth->encrypted()->first_inner, PayloadType::id_initiator);
}

INSTANTIATE_TEST_SUITE_P(StrongSwan, CapturedMessages, ::testing::ValuesIn(kCases));

TEST(CapturedMessages, InitiatorRequestMatchesTheSignedOctets) {
  // vectors.txt: the initiator's signed octets start with its whole
  // IKE_SA_INIT request (232 bytes), then Nr and prf(SK_pi, IDi').
  Bytes signed_octets =
      hex("526d0839aac61a9b00000000000000002120220800000000000000e8220000280000002401010003"
          "0300000c01000014800e01000300000802000006000000080400001f28000028001f00007cba9af5"
          "bbca9aff4b8a6ad627045ee4de13c20e3e600040e14b21628056fb3e29000024bc79d97bbaec8960"
          "6f0f207d14622e799d05311137c771916084f9ae2fed8ebc2900001c000040044293ad536f889cbf"
          "b95124ee60e76c65292b6c5e2900001c000040052db29113d025de5c28f852c321a8c6296ff04aaa"
          "290000080000402e290000100000402f00020003000400050000000800004016");
  ASSERT_EQ(signed_octets.size(), 232u);
  auto messages = ike_messages(kCases[0]);
  ASSERT_FALSE(messages.empty());
  EXPECT_EQ(messages[0], signed_octets);

  auto message = decode_message(signed_octets);
  ASSERT_TRUE(message) << message.error().reason;
  EXPECT_EQ(message->header.spi_initiator, 0x526d0839aac61a9bu);
  const auto* ke = message->first_body<KePayload>(PayloadType::key_exchange);
  ASSERT_TRUE(ke);
  EXPECT_EQ(ke->group, KeGroup::curve25519);
  EXPECT_EQ(ke->data, hex("7cba9af5bbca9aff4b8a6ad627045ee4de13c20e3e600040e14b21628056fb3e"));
  const auto* nonce = message->first_body<NoncePayload>(PayloadType::nonce);
  ASSERT_TRUE(nonce);
  EXPECT_EQ(nonce->data, hex("bc79d97bbaec89606f0f207d14622e799d05311137c771916084f9ae2fed8ebc"));
  const auto* hashes = message->find_notify(NotifyType::signature_hash_algorithms);
  ASSERT_TRUE(hashes);
  EXPECT_EQ(hashes->data, hex("0002000300040005"));
  EXPECT_TRUE(message->find_notify(NotifyType::redirect_supported));
  EXPECT_EQ(count_payloads(message->payloads, PayloadType::notify), 5u);
  // The SA is the proposal aes256gcm16-prfsha384-x25519.
  const auto* sa = message->first_body<SaPayload>(PayloadType::security_association);
  ASSERT_TRUE(sa);
  ASSERT_EQ(sa->proposals.size(), 1u);
  EXPECT_EQ(sa->proposals[0].transforms[0].key_length(), 256);
}

}  // namespace
}  // namespace ike::wire
