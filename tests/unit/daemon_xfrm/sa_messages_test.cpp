#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/udp.h>

#include <libmnl/libmnl.h>

#include <string>

#include "xfrm/xfrm_sa_messages.hpp"
#include "xfrm_test_support.hpp"

namespace ikev2d::xfrm {
namespace {

using ike::wire::EncryptionAlgorithm;
using ike::wire::IntegrityAlgorithm;
using test::address_text;
using test::attribute_as;
using test::attribute_bytes;
using test::attributes_of;
using test::fixed_part;
using test::ip;

ike::Bytes pattern(std::size_t size, std::uint8_t first) {
  ike::Bytes bytes(size);
  for (std::size_t i = 0; i < size; ++i)
    bytes[i] = static_cast<std::uint8_t>(first + i);
  return bytes;
}

ike::sa::AddSaRequest gcm_request() {
  ike::sa::AddSaRequest request;
  request.source = ip("10.0.0.1");
  request.destination = ip("10.0.0.2");
  request.spi = 0xc0000123;
  request.reqid = 7;
  request.encryption = EncryptionAlgorithm::aes_gcm_16;
  request.encryption_key_bits = 128;
  request.encryption_key = pattern(20, 1);
  request.story = "install outbound ESP SA for child 'office'";
  return request;
}

std::string algorithm_name(const char (&name)[64]) {
  return std::string(name, strnlen(name, 64));
}

TEST(XfrmSaMessages, AesGcm128SaCarriesTheSaltedKeyAndIcv) {
  auto message = build_add_sa(gcm_request());
  ASSERT_TRUE(message) << message.error().reason;
  EXPECT_EQ(message->type(), XFRM_MSG_NEWSA);
  EXPECT_NE(message->header()->nlmsg_flags & NLM_F_REQUEST, 0);

  auto info = fixed_part<xfrm_usersa_info>(*message);
  EXPECT_EQ(address_text(info.saddr, AF_INET), "10.0.0.1");
  EXPECT_EQ(address_text(info.id.daddr, AF_INET), "10.0.0.2");
  EXPECT_EQ(ntohl(info.id.spi), 0xc0000123u);
  EXPECT_EQ(info.id.proto, IPPROTO_ESP);
  EXPECT_EQ(info.family, AF_INET);
  EXPECT_EQ(info.reqid, 7u);
  EXPECT_EQ(info.mode, XFRM_MODE_TUNNEL);
  EXPECT_EQ(info.replay_window, 32);
  // Tunnel mode: empty selector usable for both inner families.
  EXPECT_EQ(info.flags, XFRM_STATE_AF_UNSPEC);
  EXPECT_EQ(info.sel.family, 0);
  EXPECT_EQ(info.sel.prefixlen_d, 0);
  // Unlimited lifetimes: XFRM_INF for counts, 0 for seconds.
  EXPECT_EQ(info.lft.hard_byte_limit, XFRM_INF);
  EXPECT_EQ(info.lft.soft_packet_limit, XFRM_INF);
  EXPECT_EQ(info.lft.hard_add_expires_seconds, 0u);

  auto attributes = attributes_of<xfrm_usersa_info>(*message);
  auto aead_bytes = attribute_bytes(attributes, XFRMA_ALG_AEAD);
  ASSERT_EQ(aead_bytes.size(), sizeof(xfrm_algo_aead) + 20);
  auto aead = attribute_as<xfrm_algo_aead>(attributes, XFRMA_ALG_AEAD);
  EXPECT_EQ(algorithm_name(aead.alg_name), "rfc4106(gcm(aes))");
  EXPECT_EQ(aead.alg_key_len, 160u);  // the whole blob, salt included
  EXPECT_EQ(aead.alg_icv_len, 128u);
  EXPECT_EQ(ike::Bytes(aead_bytes.begin() + sizeof(xfrm_algo_aead), aead_bytes.end()),
            pattern(20, 1));
  EXPECT_EQ(attributes.get(XFRMA_ALG_CRYPT), nullptr);
  EXPECT_EQ(attributes.get(XFRMA_ALG_AUTH_TRUNC), nullptr);
  EXPECT_EQ(attributes.get(XFRMA_ENCAP), nullptr);
  EXPECT_EQ(attributes.get(XFRMA_REPLAY_ESN_VAL), nullptr);
  EXPECT_EQ(attributes.get(XFRMA_MARK), nullptr);
}

TEST(XfrmSaMessages, AeadKeyLengthsOfGcm256AndChaCha) {
  auto gcm256 = gcm_request();
  gcm256.encryption_key_bits = 256;
  gcm256.encryption_key = pattern(36, 9);
  auto message = build_add_sa(gcm256);
  ASSERT_TRUE(message);
  EXPECT_EQ(attribute_as<xfrm_algo_aead>(attributes_of<xfrm_usersa_info>(*message), XFRMA_ALG_AEAD)
                .alg_key_len,
            288u);

  auto chacha = gcm_request();
  chacha.encryption = EncryptionAlgorithm::chacha20_poly1305;
  chacha.encryption_key_bits = 0;
  chacha.encryption_key = pattern(36, 2);
  auto chacha_message = build_add_sa(chacha);
  ASSERT_TRUE(chacha_message) << chacha_message.error().reason;
  auto aead = attribute_as<xfrm_algo_aead>(attributes_of<xfrm_usersa_info>(*chacha_message),
                                           XFRMA_ALG_AEAD);
  EXPECT_EQ(algorithm_name(aead.alg_name), "rfc7539esp(chacha20,poly1305)");
  EXPECT_EQ(aead.alg_key_len, 288u);
  EXPECT_EQ(aead.alg_icv_len, 128u);
}

TEST(XfrmSaMessages, CbcWithHmacUsesCryptAndTruncatedAuth) {
  struct Case {
    IntegrityAlgorithm integrity;
    std::size_t key;
    const char* name;
    unsigned truncation;
  };
  for (const auto& c : {Case{IntegrityAlgorithm::hmac_sha2_256_128, 32, "hmac(sha256)", 128},
                        Case{IntegrityAlgorithm::hmac_sha2_384_192, 48, "hmac(sha384)", 192},
                        Case{IntegrityAlgorithm::hmac_sha2_512_256, 64, "hmac(sha512)", 256}}) {
    auto request = gcm_request();
    request.encryption = EncryptionAlgorithm::aes_cbc;
    request.encryption_key_bits = 256;
    request.encryption_key = pattern(32, 3);
    request.integrity = c.integrity;
    request.integrity_key = pattern(c.key, 100);
    auto message = build_add_sa(request);
    ASSERT_TRUE(message) << message.error().reason;
    auto attributes = attributes_of<xfrm_usersa_info>(*message);
    auto crypt = attribute_as<xfrm_algo>(attributes, XFRMA_ALG_CRYPT);
    EXPECT_EQ(algorithm_name(crypt.alg_name), "cbc(aes)");
    EXPECT_EQ(crypt.alg_key_len, 256u);
    auto auth_bytes = attribute_bytes(attributes, XFRMA_ALG_AUTH_TRUNC);
    ASSERT_EQ(auth_bytes.size(), sizeof(xfrm_algo_auth) + c.key);
    auto auth = attribute_as<xfrm_algo_auth>(attributes, XFRMA_ALG_AUTH_TRUNC);
    EXPECT_EQ(algorithm_name(auth.alg_name), c.name);
    EXPECT_EQ(auth.alg_key_len, c.key * 8);
    EXPECT_EQ(auth.alg_trunc_len, c.truncation);
    EXPECT_EQ(ike::Bytes(auth_bytes.begin() + sizeof(xfrm_algo_auth), auth_bytes.end()),
              pattern(c.key, 100));
    EXPECT_EQ(attributes.get(XFRMA_ALG_AEAD), nullptr);
  }
}

TEST(XfrmSaMessages, EncapsulationMarkLifetimesAndUpdate) {
  auto request = gcm_request();
  request.update_allocated = true;
  request.inbound = true;
  request.encapsulation = ike::sa::UdpEncapsulation{4500, 31337};
  request.mark = ike::sa::Mark{42, 0xff};
  request.limits = ike::sa::SaLimits{3000, 3600, 1000000, 2000000, 500, 1000};
  auto message = build_add_sa(request);
  ASSERT_TRUE(message);
  EXPECT_EQ(message->type(), XFRM_MSG_UPDSA);
  auto info = fixed_part<xfrm_usersa_info>(*message);
  EXPECT_EQ(info.lft.soft_add_expires_seconds, 3000u);
  EXPECT_EQ(info.lft.hard_add_expires_seconds, 3600u);
  EXPECT_EQ(info.lft.soft_byte_limit, 1000000u);
  EXPECT_EQ(info.lft.hard_byte_limit, 2000000u);
  EXPECT_EQ(info.lft.soft_packet_limit, 500u);
  EXPECT_EQ(info.lft.hard_packet_limit, 1000u);
  auto attributes = attributes_of<xfrm_usersa_info>(*message);
  auto encap = attribute_as<xfrm_encap_tmpl>(attributes, XFRMA_ENCAP);
  EXPECT_EQ(encap.encap_type, UDP_ENCAP_ESPINUDP);
  EXPECT_EQ(ntohs(encap.encap_sport), 4500);
  EXPECT_EQ(ntohs(encap.encap_dport), 31337);
  auto mark = attribute_as<xfrm_mark>(attributes, XFRMA_MARK);
  EXPECT_EQ(mark.v, 42u);
  EXPECT_EQ(mark.m, 0xffu);
}

TEST(XfrmSaMessages, EsnAndWideWindowsUseTheEsnReplayState) {
  auto esn = gcm_request();
  esn.extended_sequence_numbers = true;
  esn.replay_window = 128;
  auto message = build_add_sa(esn);
  ASSERT_TRUE(message);
  auto info = fixed_part<xfrm_usersa_info>(*message);
  EXPECT_EQ(info.flags & XFRM_STATE_ESN, XFRM_STATE_ESN);
  EXPECT_EQ(info.replay_window, 0);
  auto attributes = attributes_of<xfrm_usersa_info>(*message);
  auto replay_bytes = attribute_bytes(attributes, XFRMA_REPLAY_ESN_VAL);
  ASSERT_EQ(replay_bytes.size(), sizeof(xfrm_replay_state_esn) + 4 * 4);
  auto replay = attribute_as<xfrm_replay_state_esn>(attributes, XFRMA_REPLAY_ESN_VAL);
  EXPECT_EQ(replay.bmp_len, 4u);
  EXPECT_EQ(replay.replay_window, 128u);

  auto wide = gcm_request();
  wide.replay_window = 1000;
  auto wide_message = build_add_sa(wide);
  ASSERT_TRUE(wide_message);
  auto wide_info = fixed_part<xfrm_usersa_info>(*wide_message);
  EXPECT_EQ(wide_info.flags & XFRM_STATE_ESN, 0);
  EXPECT_EQ(wide_info.replay_window, 0);
  auto wide_replay = attribute_as<xfrm_replay_state_esn>(
      attributes_of<xfrm_usersa_info>(*wide_message), XFRMA_REPLAY_ESN_VAL);
  EXPECT_EQ(wide_replay.bmp_len, 32u);  // ceil(1000 / 32)
  EXPECT_EQ(wide_replay.replay_window, 1000u);

  auto narrow = gcm_request();
  narrow.replay_window = 16;
  auto narrow_message = build_add_sa(narrow);
  EXPECT_EQ(fixed_part<xfrm_usersa_info>(*narrow_message).replay_window, 16);
  EXPECT_EQ(attributes_of<xfrm_usersa_info>(*narrow_message).get(XFRMA_REPLAY_ESN_VAL), nullptr);
}

TEST(XfrmSaMessages, TransportModeSelectsTheEndpoints) {
  auto request = gcm_request();
  request.mode = ike::sa::IpsecMode::transport;
  request.source = ip("2001:db8::1");
  request.destination = ip("2001:db8::2");
  auto message = build_add_sa(request);
  ASSERT_TRUE(message);
  auto info = fixed_part<xfrm_usersa_info>(*message);
  EXPECT_EQ(info.mode, XFRM_MODE_TRANSPORT);
  EXPECT_EQ(info.flags, 0);
  EXPECT_EQ(info.family, AF_INET6);
  EXPECT_EQ(info.sel.family, AF_INET6);
  EXPECT_EQ(address_text(info.sel.saddr, AF_INET6), "2001:db8::1");
  EXPECT_EQ(address_text(info.sel.daddr, AF_INET6), "2001:db8::2");
  EXPECT_EQ(info.sel.prefixlen_s, 128);
  EXPECT_EQ(info.sel.prefixlen_d, 128);
}

TEST(XfrmSaMessages, RequestsTheKernelWouldRefuseObscurelyAreRefusedHere) {
  auto with_integrity = gcm_request();
  with_integrity.integrity = IntegrityAlgorithm::hmac_sha2_256_128;
  with_integrity.integrity_key = pattern(32, 0);
  auto aead_auth = build_add_sa(with_integrity);
  ASSERT_FALSE(aead_auth);
  EXPECT_EQ(aead_auth.error().reason, "AEAD ENCR_AES_GCM_16 takes no AUTH_HMAC_SHA2_256_128");

  auto bare_cbc = gcm_request();
  bare_cbc.encryption = EncryptionAlgorithm::aes_cbc;
  bare_cbc.encryption_key = pattern(16, 0);
  auto unprotected = build_add_sa(bare_cbc);
  ASSERT_FALSE(unprotected);
  EXPECT_EQ(unprotected.error().reason,
            "ENCR_AES_CBC without an integrity algorithm is unprotected ESP");

  auto spi_zero = gcm_request();
  spi_zero.spi = 0;
  EXPECT_FALSE(build_add_sa(spi_zero));

  auto mixed = gcm_request();
  mixed.destination = ip("2001:db8::2");
  auto mixed_families = build_add_sa(mixed);
  ASSERT_FALSE(mixed_families);
  EXPECT_EQ(mixed_families.error().reason,
            "SA endpoints 10.0.0.1 and 2001:db8::2 are of different address families");

  auto huge_window = gcm_request();
  huge_window.replay_window = 5000;
  EXPECT_FALSE(build_add_sa(huge_window));

  auto ike_protocol = gcm_request();
  ike_protocol.protocol = ike::wire::ProtocolId::ike;
  EXPECT_FALSE(build_add_sa(ike_protocol));

  auto short_key = gcm_request();
  short_key.encryption_key = pattern(16, 0);
  EXPECT_FALSE(build_add_sa(short_key));
}

TEST(XfrmSaMessages, AllocateSpiAsksForOurRangeWithReqidAndMark) {
  ike::sa::AllocateSpiRequest request;
  request.source = ip("10.0.0.2");
  request.destination = ip("10.0.0.1");
  request.reqid = 9;
  request.mark = ike::sa::Mark{1, 0xffffffff};
  auto message = build_allocate_spi(request);
  ASSERT_TRUE(message);
  EXPECT_EQ(message->type(), XFRM_MSG_ALLOCSPI);
  auto spi = fixed_part<xfrm_userspi_info>(*message);
  EXPECT_EQ(spi.min, allocated_spi_min);
  EXPECT_EQ(spi.max, allocated_spi_max);
  EXPECT_EQ(spi.info.reqid, 9u);
  EXPECT_EQ(spi.info.id.proto, IPPROTO_ESP);
  EXPECT_EQ(address_text(spi.info.saddr, AF_INET), "10.0.0.2");
  EXPECT_EQ(address_text(spi.info.id.daddr, AF_INET), "10.0.0.1");
  auto mark = attribute_as<xfrm_mark>(attributes_of<xfrm_userspi_info>(*message), XFRMA_MARK);
  EXPECT_EQ(mark.v, 1u);
  EXPECT_EQ(mark.m, 0xffffffffu);
}

TEST(XfrmSaMessages, DeleteAndGetNameTheSaByDestinationSpiProtocolAndMark) {
  ike::sa::SaKey key{ip("2001:db8::9"), 0xc0000001, ike::wire::ProtocolId::esp, {}};
  for (int which = 0; which < 2; ++which) {
    auto built = which == 0 ? build_delete_sa(key) : build_get_sa(key);
    ASSERT_TRUE(built);
    auto id = fixed_part<xfrm_usersa_id>(*built);
    EXPECT_EQ(address_text(id.daddr, AF_INET6), "2001:db8::9");
    EXPECT_EQ(ntohl(id.spi), 0xc0000001u);
    EXPECT_EQ(id.family, AF_INET6);
    EXPECT_EQ(id.proto, IPPROTO_ESP);
    EXPECT_EQ(attributes_of<xfrm_usersa_id>(*built).get(XFRMA_MARK), nullptr);
  }
  EXPECT_EQ(build_delete_sa(key)->type(), XFRM_MSG_DELSA);
  EXPECT_EQ(build_get_sa(key)->type(), XFRM_MSG_GETSA);
  key.mark = ike::sa::Mark{5, 0xf};
  auto marked = build_delete_sa(key);
  EXPECT_EQ(attribute_as<xfrm_mark>(attributes_of<xfrm_usersa_id>(*marked), XFRMA_MARK).v, 5u);
}

TEST(XfrmSaMessages, ParsesTheKernelsSaDescription) {
  auto request = gcm_request();
  request.encapsulation = ike::sa::UdpEncapsulation{4500, 4501};
  request.mark = ike::sa::Mark{3, 0xff};
  auto message = build_add_sa(request);
  ASSERT_TRUE(message);
  // The kernel answers GETSA with the same layout, plus counters.
  auto* info = reinterpret_cast<xfrm_usersa_info*>(mnl_nlmsg_get_payload(message->header()));
  info->curlft.bytes = 1234;
  info->curlft.packets = 12;
  info->curlft.add_time = 1700000000;
  auto sa = parse_sa(*message->header());
  ASSERT_TRUE(sa) << sa.error().reason;
  EXPECT_EQ(sa->key.destination, ip("10.0.0.2"));
  EXPECT_EQ(sa->key.spi, 0xc0000123u);
  EXPECT_EQ(sa->key.protocol, ike::wire::ProtocolId::esp);
  EXPECT_EQ(sa->key.mark, (ike::sa::Mark{3, 0xff}));
  EXPECT_EQ(sa->source, ip("10.0.0.1"));
  EXPECT_EQ(sa->reqid, 7u);
  EXPECT_EQ(sa->usage.bytes, 1234u);
  EXPECT_EQ(sa->usage.packets, 12u);
  EXPECT_EQ(sa->added_at, 1700000000u);
  ASSERT_TRUE(sa->encapsulation);
  EXPECT_EQ(sa->encapsulation->destination_port, 4501);
}

TEST(XfrmSaMessages, ShortSaDescriptionIsAnError) {
  test::HandBuiltMessage short_message(XFRM_MSG_NEWSA);
  short_message.raw("abcd", 4);
  auto sa = parse_sa(short_message.header());
  ASSERT_FALSE(sa);
  EXPECT_EQ(sa.error().reason, "XFRM_MSG_NEWSA: 4 bytes, xfrm_usersa_info needs 224");
}

}  // namespace
}  // namespace ikev2d::xfrm
