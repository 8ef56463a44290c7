#include <gtest/gtest.h>

#include <arpa/inet.h>

#include <libmnl/libmnl.h>

#include "xfrm/xfrm_sa_messages.hpp"
#include "xfrm/xfrm_sa_update.hpp"
#include "xfrm_test_support.hpp"

namespace ikev2d::xfrm {
namespace {

using test::address_text;
using test::attribute_as;
using test::attribute_bytes;
using test::attributes_of;
using test::fixed_part;
using test::ip;

/// An SA as GETSA would describe it 100 s after it was added, having carried
/// 5000 bytes in 10 packets.
NetlinkMessage described_sa(ike::sa::IpsecMode mode) {
  ike::sa::AddSaRequest request;
  request.source = ip("10.0.0.1");
  request.destination = ip("10.0.0.2");
  request.spi = 0xc0000055;
  request.reqid = 4;
  request.mode = mode;
  request.encryption = ike::wire::EncryptionAlgorithm::aes_cbc;
  request.encryption_key_bits = 128;
  request.encryption_key = ike::Bytes(16, 0xaa);
  request.integrity = ike::wire::IntegrityAlgorithm::hmac_sha2_256_128;
  request.integrity_key = ike::Bytes(32, 0xbb);
  request.extended_sequence_numbers = true;
  request.replay_window = 64;
  request.mark = ike::sa::Mark{6, 0xff};
  request.encapsulation = ike::sa::UdpEncapsulation{4500, 4500};
  request.limits = ike::sa::SaLimits{1000, 1200, 0, 1000000, 0, 0};
  auto message = build_add_sa(request);
  EXPECT_TRUE(message);
  // The kernel's answer also has the untruncated form of the integrity algorithm.
  xfrm_algo plain_auth{};
  std::memcpy(plain_auth.alg_name, "hmac(sha256)", 12);
  EXPECT_TRUE(message->put_attribute(XFRMA_ALG_AUTH, plain_auth));
  auto* info = static_cast<xfrm_usersa_info*>(mnl_nlmsg_get_payload(message->header()));
  info->curlft.add_time = 1'700'000'000;
  info->curlft.bytes = 5000;
  info->curlft.packets = 10;
  return std::move(*message);
}

ike::sa::UpdateSaAddressesRequest move_to(std::string_view source, std::string_view destination) {
  ike::sa::UpdateSaAddressesRequest request;
  request.sa = ike::sa::SaKey{ip("10.0.0.2"), 0xc0000055, ike::wire::ProtocolId::esp, {6, 0xff}};
  request.new_source = ip(source);
  request.new_destination = ip(destination);
  request.encapsulation = ike::sa::UdpEncapsulation{4500, 1234};
  request.story = "move SA";
  return request;
}

TEST(XfrmSaUpdate, MovedSaKeepsKeysReplayStateAndMarkAtNewAddresses) {
  auto current = described_sa(ike::sa::IpsecMode::tunnel);
  auto moved = build_moved_sa(*current.header(), move_to("10.9.0.1", "10.9.0.2"), 1'700'000'100);
  ASSERT_TRUE(moved) << moved.error().reason;
  EXPECT_EQ(moved->type(), XFRM_MSG_NEWSA);
  auto info = fixed_part<xfrm_usersa_info>(*moved);
  EXPECT_EQ(address_text(info.saddr, AF_INET), "10.9.0.1");
  EXPECT_EQ(address_text(info.id.daddr, AF_INET), "10.9.0.2");
  EXPECT_EQ(ntohl(info.id.spi), 0xc0000055u);
  EXPECT_EQ(info.reqid, 4u);
  EXPECT_EQ(info.flags & XFRM_STATE_ESN, XFRM_STATE_ESN);
  // 100 s and 5000 bytes already used.
  EXPECT_EQ(info.lft.soft_add_expires_seconds, 900u);
  EXPECT_EQ(info.lft.hard_add_expires_seconds, 1100u);
  EXPECT_EQ(info.lft.hard_byte_limit, 995000u);
  EXPECT_EQ(info.lft.soft_byte_limit, XFRM_INF);
  EXPECT_EQ(info.curlft.bytes, 0u);

  auto before = attributes_of<xfrm_usersa_info>(current);
  auto after = attributes_of<xfrm_usersa_info>(*moved);
  for (auto type : {XFRMA_ALG_CRYPT, XFRMA_ALG_AUTH_TRUNC, XFRMA_REPLAY_ESN_VAL, XFRMA_MARK}) {
    EXPECT_EQ(attribute_bytes(after, type), attribute_bytes(before, type))
        << xfrm_attribute_name(type);
    EXPECT_FALSE(attribute_bytes(after, type).empty()) << xfrm_attribute_name(type);
  }
  EXPECT_EQ(after.get(XFRMA_ALG_AUTH), nullptr);
  auto encap = attribute_as<xfrm_encap_tmpl>(after, XFRMA_ENCAP);
  EXPECT_EQ(ntohs(encap.encap_dport), 1234);
}

TEST(XfrmSaUpdate, EncapsulationCanBeDroppedAndSpentLimitsExpireAtOnce) {
  auto current = described_sa(ike::sa::IpsecMode::tunnel);
  auto request = move_to("10.0.0.1", "10.0.0.2");
  request.encapsulation.reset();
  auto moved = build_moved_sa(*current.header(), request, 1'700'005'000);
  ASSERT_TRUE(moved);
  EXPECT_EQ(attributes_of<xfrm_usersa_info>(*moved).get(XFRMA_ENCAP), nullptr);
  auto info = fixed_part<xfrm_usersa_info>(*moved);
  EXPECT_EQ(info.lft.soft_add_expires_seconds, 1u);
  EXPECT_EQ(info.lft.hard_add_expires_seconds, 1u);
}

TEST(XfrmSaUpdate, TransportSelectorFollowsTheEndpoints) {
  auto current = described_sa(ike::sa::IpsecMode::transport);
  auto moved =
      build_moved_sa(*current.header(), move_to("2001:db8::1", "2001:db8::2"), 1'700'000'000);
  ASSERT_TRUE(moved);
  auto info = fixed_part<xfrm_usersa_info>(*moved);
  EXPECT_EQ(info.family, AF_INET6);
  EXPECT_EQ(info.sel.family, AF_INET6);
  EXPECT_EQ(address_text(info.sel.daddr, AF_INET6), "2001:db8::2");
  EXPECT_EQ(info.sel.prefixlen_d, 128);
}

TEST(XfrmSaUpdate, MixedFamiliesAndDamagedInputAreRefused) {
  auto current = described_sa(ike::sa::IpsecMode::tunnel);
  EXPECT_FALSE(build_moved_sa(*current.header(), move_to("10.0.0.1", "2001:db8::2"), 0));
  test::HandBuiltMessage short_message(XFRM_MSG_NEWSA);
  short_message.raw("abc", 3);
  EXPECT_FALSE(build_moved_sa(short_message.header(), move_to("10.0.0.1", "10.0.0.2"), 0));
}

}  // namespace
}  // namespace ikev2d::xfrm
