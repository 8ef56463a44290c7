// Issue 2's acceptance test, the full chain: the
// psk-full-chain-aes256gcm16-prfsha384-x25519 capture replayed end to end.
// What the decoder took from the wire and what libike derived from it must
// equal vectors.txt (worked out independently), the CHILD SA's ESP keys must
// decrypt the two ESP-in-UDP packets into an ICMP echo request and its reply,
// and the INFORMATIONAL exchange must delete the IKE SA.

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <string>

#include "esp_packet.hpp"
#include "ike/crypto/auth_octets.hpp"
#include "ike/crypto/cipher_algorithms.hpp"
#include "ike/crypto/key_material.hpp"
#include "ike/proposal/response_check.hpp"
#include "ike/ts/traffic_selector.hpp"
#include "replay_fixture.hpp"
#include "support/strongswan_vectors.hpp"
#include "support/test_random.hpp"

namespace ike::vectors {
namespace {

using wire::ExchangeType;
using wire::PayloadType;

constexpr const char* kFolder = "psk-full-chain-aes256gcm16-prfsha384-x25519";
constexpr std::uint8_t kIpv4 = 4;  // Next Header in tunnel mode (RFC 4303 2.6)
constexpr std::uint8_t kIcmp = 1;
constexpr std::uint8_t kEchoRequest = 8;  // RFC 792
constexpr std::uint8_t kEchoReply = 0;

class FullChain : public ReplayFixture {
 protected:
  void SetUp() override {
    load(kFolder);
    values_ = test::read_vectors_txt(test::vector_path(kFolder, "vectors.txt"));
    ASSERT_FALSE(values_.empty());
  }

  /// A value of vectors.txt as hex; fails the test when absent.
  std::string value(const std::string& name) const {
    auto found = values_.find(name);
    if (found == values_.end()) {
      ADD_FAILURE() << "vectors.txt has no '" << name << "'";
      return {};
    }
    return found->second;
  }

  /// The CHILD SA as both sides agreed on it in IKE_AUTH.
  proposal::SelectedProposal child_sa() const {
    const auto* offered = wire::find_body<wire::SaPayload>(inner_of(ExchangeType::ike_auth, false),
                                                           PayloadType::security_association);
    const auto* answered = wire::find_body<wire::SaPayload>(inner_of(ExchangeType::ike_auth, true),
                                                            PayloadType::security_association);
    EXPECT_TRUE(offered && answered);
    if (!offered || !answered) return {};
    auto agreed = proposal::check_response(*offered, *answered);
    EXPECT_TRUE(agreed.ok()) << agreed.error().reason;
    return agreed.ok() ? *agreed : proposal::SelectedProposal{};
  }

  /// The initiator's inbound ESP SPI, from its SA proposal.
  std::uint32_t initiator_spi() const {
    const auto* offered = wire::find_body<wire::SaPayload>(inner_of(ExchangeType::ike_auth, false),
                                                           PayloadType::security_association);
    return offered ? static_cast<std::uint32_t>(spi_value(offered->proposals.at(0).spi)) : 0;
  }

  /// KEYMAT of the CHILD SA (RFC 7296 2.17) sized for the agreed cipher.
  crypto::ChildSaKeys child_keys() const {
    const proposal::SelectedProposal child = child_sa();
    auto cipher = crypto::describe_cipher(child.algorithms.encryption.id,
                                          child.algorithms.encryption.key_bits);
    EXPECT_TRUE(cipher.ok());
    if (!cipher) return {};
    const crypto::ChildKeySizes sizes{cipher->keying_material_size(), 0};
    auto keys = crypto::derive_child_sa_keys(*replay().prf, replay().keys.sk_d, replay().nonce_i,
                                             replay().nonce_r, sizes);
    EXPECT_TRUE(keys.ok());
    return keys.ok() ? *keys : crypto::ChildSaKeys{};
  }

  /// An AEAD keyed for one direction of the CHILD SA.
  crypto::AeadCipher esp_cipher(const crypto::SecretBytes& key) const {
    const proposal::SelectedProposal child = child_sa();
    auto description = crypto::describe_cipher(child.algorithms.encryption.id,
                                               child.algorithms.encryption.key_bits);
    if (!description) std::abort();
    auto cipher = crypto::AeadCipher::create(algorithms_, *description, key);
    if (!cipher) std::abort();
    return std::move(cipher).value();
  }

  std::map<std::string, std::string> values_;
  crypto::CipherAlgorithms algorithms_;
};

TEST_F(FullChain, WhatTheDecoderTookFromTheWire) {
  EXPECT_EQ(replay().spi_i, spi_value(test::hex(value("SPIi"))));
  EXPECT_EQ(replay().spi_r, spi_value(test::hex(value("SPIr"))));
  EXPECT_EQ(to_hex(replay().nonce_i), value("Ni (32 bytes)"));
  EXPECT_EQ(to_hex(replay().nonce_r), value("Nr (32 bytes)"));
  EXPECT_EQ(to_hex(replay().ke_i.data), value("KEi (x25519 pub)"));
  EXPECT_EQ(to_hex(replay().ke_r.data), value("KEr (x25519 pub)"));
  EXPECT_EQ(to_hex(shared_secret()), value("g^ir (shared DH)"));
  const auto* idi = wire::find_body<wire::IdPayload>(inner_of(ExchangeType::ike_auth, false),
                                                     PayloadType::id_initiator);
  const auto* idr = wire::find_body<wire::IdPayload>(inner_of(ExchangeType::ike_auth, true),
                                                     PayloadType::id_responder);
  ASSERT_TRUE(idi && idr);
  EXPECT_EQ(to_hex(crypto::id_payload_body(idi->id_type, idi->data)),
            value("IDi' (ID payload body, for MACedIDForI)"));
  EXPECT_EQ(to_hex(crypto::id_payload_body(idr->id_type, idr->data)),
            value("IDr' (ID payload body, for MACedIDForR)"));
}

TEST_F(FullChain, WhatLibikeDerived) {
  EXPECT_EQ(to_hex(replay().skeyseed), value("SKEYSEED"));
  EXPECT_EQ(to_hex(replay().keys.sk_d), value("SK_d"));
  EXPECT_TRUE(replay().keys.sk_ai.empty());
  EXPECT_TRUE(replay().keys.sk_ar.empty());
  EXPECT_EQ(to_hex(replay().keys.sk_ei), value("SK_ei"));
  EXPECT_EQ(to_hex(replay().keys.sk_er), value("SK_er"));
  EXPECT_EQ(to_hex(replay().keys.sk_pi), value("SK_pi"));
  EXPECT_EQ(to_hex(replay().keys.sk_pr), value("SK_pr"));
  EXPECT_EQ(to_hex(signed_octets_of(false)), value("initiator signed octets (312 bytes)"));
  EXPECT_EQ(to_hex(signed_octets_of(true)), value("responder signed octets (320 bytes)"));
  ASSERT_TRUE(auth_of(false) && auth_of(true));
  EXPECT_EQ(to_hex(auth_of(false)->data), value("initiator AUTH data"));
  EXPECT_EQ(to_hex(auth_of(true)->data), value("responder AUTH data"));
}

TEST_F(FullChain, ChildSaKeysAndSpis) {
  const proposal::SelectedProposal child = child_sa();
  EXPECT_EQ(child.algorithms.protocol, wire::ProtocolId::esp);
  EXPECT_EQ(child.algorithms.encryption.id, wire::EncryptionAlgorithm::aes_gcm_16);
  EXPECT_EQ(child.algorithms.encryption.key_bits, 256);
  EXPECT_EQ(child.algorithms.integrity, wire::IntegrityAlgorithm::none);
  EXPECT_FALSE(child.algorithms.extended_sequence_numbers);
  // "CHILD_SA sub{1} established with SPIs 686bcfcc_i cf6ab94c_o" (initiator.log).
  EXPECT_EQ(initiator_spi(), 0x686bcfccu);
  EXPECT_EQ(spi_value(child.peer_spi), 0xcf6ab94cu);

  const crypto::ChildSaKeys keys = child_keys();
  EXPECT_EQ(to_hex(keys.encryption_i), value("ESP encr key i->r (key||salt)"));
  EXPECT_EQ(to_hex(keys.encryption_r), value("ESP encr key r->i (key||salt)"));
  EXPECT_TRUE(keys.integrity_i.empty());
  EXPECT_TRUE(keys.integrity_r.empty());
}

/// The IPv4 header fields the test looks at (RFC 791 3.1), after checking
/// version, IHL, Total Length and the header checksum.
struct Ipv4 {
  std::uint8_t protocol = 0;
  Bytes source;
  Bytes destination;
  ByteView body;
};

Ipv4 parse_ipv4(ByteView packet) {
  Ipv4 out;
  EXPECT_GE(packet.size(), 20u);
  if (packet.size() < 20) return out;
  EXPECT_EQ(packet[0], 0x45) << "IPv4 without options";
  EXPECT_EQ(std::size_t{packet[2]} << 8 | packet[3], packet.size()) << "Total Length";
  EXPECT_EQ(internet_checksum(packet.first(20)), 0) << "IPv4 header checksum";
  out.protocol = packet[9];
  out.source.assign(packet.begin() + 12, packet.begin() + 16);
  out.destination.assign(packet.begin() + 16, packet.begin() + 20);
  out.body = packet.subspan(20);
  return out;
}

bool inside(const ts::TrafficSelector& selector, const Bytes& address) {
  auto parsed = IpAddress::from_bytes(address);
  return parsed.ok() && selector.contains(*parsed);
}

TEST_F(FullChain, EspPacketsCarryAPingAndItsReply) {
  ASSERT_EQ(replay().esp.size(), 2u);
  const CapturedEsp& request = replay().esp[0];
  const CapturedEsp& reply = replay().esp[1];
  EXPECT_EQ(request.frame, 5u);
  EXPECT_EQ(reply.frame, 6u);
  const crypto::ChildSaKeys keys = child_keys();
  crypto::AeadCipher to_responder = esp_cipher(keys.encryption_i);
  crypto::AeadCipher to_initiator = esp_cipher(keys.encryption_r);
  auto ping = open_esp(to_responder, request.packet);
  ASSERT_TRUE(ping.ok()) << ping.error().reason;
  auto pong = open_esp(to_initiator, reply.packet);
  ASSERT_TRUE(pong.ok()) << pong.error().reason;

  // Each is sent to the SPI the receiver chose, as the first packet of its SA.
  EXPECT_EQ(ping->spi, spi_value(child_sa().peer_spi));
  EXPECT_EQ(pong->spi, initiator_spi());
  const auto* tsi = wire::find_body<wire::TsPayload>(inner_of(ExchangeType::ike_auth, true),
                                                     PayloadType::ts_initiator);
  const auto* tsr = wire::find_body<wire::TsPayload>(inner_of(ExchangeType::ike_auth, true),
                                                     PayloadType::ts_responder);
  ASSERT_TRUE(tsi && tsr);
  auto initiator_side = ts::from_wire(tsi->selectors.at(0));
  auto responder_side = ts::from_wire(tsr->selectors.at(0));
  ASSERT_TRUE(initiator_side.ok() && responder_side.ok());

  const Bytes* echoed[2] = {};
  for (const EspPlaintext* esp : {&*ping, &*pong}) {
    const bool is_request = esp == &*ping;
    SCOPED_TRACE(is_request ? "frame 5 (echo request)" : "frame 6 (echo reply)");
    EXPECT_EQ(esp->sequence, 1u);
    EXPECT_EQ(esp->next_header, kIpv4);
    for (std::size_t i = 0; i < esp->padding.size(); ++i)
      EXPECT_EQ(esp->padding[i], i + 1) << "RFC 4303 2.4 default padding";
    const Ipv4 ip = parse_ipv4(esp->payload);
    EXPECT_EQ(ip.protocol, kIcmp);
    // Tunnel mode: the inner addresses lie in the negotiated selectors.
    EXPECT_TRUE(inside(is_request ? *initiator_side : *responder_side, ip.source));
    EXPECT_TRUE(inside(is_request ? *responder_side : *initiator_side, ip.destination));
    ASSERT_GE(ip.body.size(), 8u);
    EXPECT_EQ(ip.body[0], is_request ? kEchoRequest : kEchoReply);
    EXPECT_EQ(ip.body[1], 0) << "ICMP code";
    EXPECT_EQ(internet_checksum(ip.body), 0) << "ICMP checksum";
    echoed[is_request ? 0 : 1] = &esp->payload;
  }
  // The reply swaps the addresses and echoes identifier, sequence and data
  // (RFC 792): everything after the ICMP checksum.
  const Ipv4 sent = parse_ipv4(*echoed[0]);
  const Ipv4 back = parse_ipv4(*echoed[1]);
  EXPECT_EQ(sent.source, back.destination);
  EXPECT_EQ(sent.destination, back.source);
  EXPECT_EQ(to_hex(sent.body.subspan(4)), to_hex(back.body.subspan(4)));
}

TEST_F(FullChain, EspRefusesTheOtherDirectionsKeyAndTampering) {
  ASSERT_EQ(replay().esp.size(), 2u);
  const crypto::ChildSaKeys keys = child_keys();
  crypto::AeadCipher to_initiator = esp_cipher(keys.encryption_r);
  auto crossed = open_esp(to_initiator, replay().esp[0].packet);
  ASSERT_FALSE(crossed.ok());
  EXPECT_EQ(crossed.error().code, Errc::integrity_check_failed);

  crypto::AeadCipher to_responder = esp_cipher(keys.encryption_i);
  Bytes tampered = replay().esp[0].packet;
  tampered[4] ^= 0x01;  // the sequence number is associated data
  auto opened = open_esp(to_responder, tampered);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, Errc::integrity_check_failed);
}

TEST_F(FullChain, InformationalDeletesTheIkeSa) {
  const CapturedIke& request = message(ExchangeType::informational, false);
  const CapturedIke& response = message(ExchangeType::informational, true);
  EXPECT_EQ(request.frame, 7u);
  EXPECT_EQ(response.frame, 8u);
  EXPECT_EQ(request.header().message_id, 2u);
  EXPECT_EQ(response.header().message_id, 2u);
  EXPECT_TRUE(request.header().from_initiator());
  EXPECT_FALSE(response.header().from_initiator());
  // RFC 7296 3.11: deleting the IKE SA itself, SPI size 0 and no SPIs.
  ASSERT_EQ(request.inner.size(), 1u);
  const auto* deleted = wire::body_as<wire::DeletePayload>(request.inner[0]);
  ASSERT_NE(deleted, nullptr);
  EXPECT_EQ(deleted->protocol, wire::ProtocolId::ike);
  EXPECT_EQ(deleted->spi_size, 0);
  EXPECT_TRUE(deleted->spis.empty());
  // RFC 7296 1.4.1: the answer to an IKE SA delete is an empty INFORMATIONAL.
  EXPECT_TRUE(response.inner.empty());
  EXPECT_TRUE(response.inner_chain.empty());
}

}  // namespace
}  // namespace ike::vectors
