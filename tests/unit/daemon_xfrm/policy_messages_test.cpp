#include <gtest/gtest.h>

#include <arpa/inet.h>

#include "xfrm/xfrm_policy_messages.hpp"
#include "xfrm_test_support.hpp"

namespace ikev2d::xfrm {
namespace {

using test::address_text;
using test::attribute_as;
using test::attribute_bytes;
using test::attributes_of;
using test::fixed_part;
using test::ip;
using test::selector;

ike::sa::PolicyRequest tunnel_policy() {
  ike::sa::PolicyRequest request;
  request.source = selector("10.1.0.0/16");
  request.destination = selector("10.2.0.0/16");
  request.direction = ike::sa::PolicyDirection::out;
  request.priority = 199960;
  request.tunnel_source = ip("192.0.2.1");
  request.tunnel_destination = ip("192.0.2.2");
  request.mode = ike::sa::IpsecMode::tunnel;
  request.reqid = 11;
  request.story = "outbound policy for child 'office'";
  return request;
}

TEST(XfrmPolicyMessages, TunnelPolicyHasOneTemplateWithEndpointsAndReqid) {
  auto messages = build_add_policies(tunnel_policy());
  ASSERT_TRUE(messages) << messages.error().reason;
  ASSERT_EQ(messages->size(), 1u);
  const auto& message = messages->front();
  EXPECT_EQ(message.type(), XFRM_MSG_NEWPOLICY);
  auto info = fixed_part<xfrm_userpolicy_info>(message);
  EXPECT_EQ(info.dir, XFRM_POLICY_OUT);
  EXPECT_EQ(info.action, XFRM_POLICY_ALLOW);
  EXPECT_EQ(info.priority, 199960u);
  EXPECT_EQ(info.sel.family, AF_INET);
  EXPECT_EQ(address_text(info.sel.saddr, AF_INET), "10.1.0.0");
  EXPECT_EQ(info.sel.prefixlen_s, 16);
  EXPECT_EQ(info.lft.hard_byte_limit, XFRM_INF);
  auto attributes = attributes_of<xfrm_userpolicy_info>(message);
  ASSERT_EQ(attribute_bytes(attributes, XFRMA_TMPL).size(), sizeof(xfrm_user_tmpl));
  auto tmpl = attribute_as<xfrm_user_tmpl>(attributes, XFRMA_TMPL);
  EXPECT_EQ(tmpl.reqid, 11u);
  EXPECT_EQ(tmpl.mode, XFRM_MODE_TUNNEL);
  EXPECT_EQ(tmpl.id.proto, IPPROTO_ESP);
  EXPECT_EQ(tmpl.id.spi, 0u);
  EXPECT_EQ(tmpl.family, AF_INET);
  EXPECT_EQ(address_text(tmpl.saddr, AF_INET), "192.0.2.1");
  EXPECT_EQ(address_text(tmpl.id.daddr, AF_INET), "192.0.2.2");
  EXPECT_EQ(tmpl.aalgos, ~0u);
  EXPECT_EQ(tmpl.ealgos, ~0u);
  EXPECT_EQ(tmpl.optional, 0);
  EXPECT_EQ(attributes.get(XFRMA_MARK), nullptr);
}

TEST(XfrmPolicyMessages, Ipv6TrafficThroughAnIpv4Tunnel) {
  auto request = tunnel_policy();
  request.source = selector("2001:db8:1::/48");
  request.destination = selector("2001:db8:2::/48");
  auto messages = build_add_policies(request);
  ASSERT_TRUE(messages);
  auto info = fixed_part<xfrm_userpolicy_info>(messages->front());
  EXPECT_EQ(info.sel.family, AF_INET6);
  auto tmpl = attribute_as<xfrm_user_tmpl>(attributes_of<xfrm_userpolicy_info>(messages->front()),
                                           XFRMA_TMPL);
  EXPECT_EQ(tmpl.family, AF_INET);
}

TEST(XfrmPolicyMessages, TransportPolicyLeavesTemplateAddressesEmpty) {
  auto request = tunnel_policy();
  request.mode = ike::sa::IpsecMode::transport;
  request.direction = ike::sa::PolicyDirection::in;
  request.mark = ike::sa::Mark{7, 0xff};
  auto messages = build_add_policies(request);
  ASSERT_TRUE(messages);
  auto info = fixed_part<xfrm_userpolicy_info>(messages->front());
  EXPECT_EQ(info.dir, XFRM_POLICY_IN);
  auto attributes = attributes_of<xfrm_userpolicy_info>(messages->front());
  auto tmpl = attribute_as<xfrm_user_tmpl>(attributes, XFRMA_TMPL);
  EXPECT_EQ(tmpl.mode, XFRM_MODE_TRANSPORT);
  EXPECT_EQ(tmpl.family, AF_INET);
  EXPECT_EQ(address_text(tmpl.saddr, AF_INET), "0.0.0.0");
  EXPECT_EQ(address_text(tmpl.id.daddr, AF_INET), "0.0.0.0");
  EXPECT_EQ(attribute_as<xfrm_mark>(attributes, XFRMA_MARK).v, 7u);
}

TEST(XfrmPolicyMessages, TrapPolicyIsTheSamePolicy) {
  auto request = tunnel_policy();
  request.trap = true;
  auto trap = build_add_policies(request);
  auto normal = build_add_policies(tunnel_policy());
  ASSERT_TRUE(trap);
  ASSERT_TRUE(normal);
  auto a = trap->front().bytes();
  auto b = normal->front().bytes();
  EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin(), b.end()));
}

TEST(XfrmPolicyMessages, ForwardDirectionAndRangeSplit) {
  auto request = tunnel_policy();
  request.direction = ike::sa::PolicyDirection::fwd;
  request.source = selector("10.1.0.5..10.1.0.9");
  auto messages = build_add_policies(request);
  ASSERT_TRUE(messages);
  ASSERT_EQ(messages->size(), 3u);
  for (const auto& message : *messages) {
    EXPECT_EQ(fixed_part<xfrm_userpolicy_info>(message).dir, XFRM_POLICY_FWD);
  }
  auto deletes = build_delete_policies(request);
  ASSERT_TRUE(deletes);
  ASSERT_EQ(deletes->size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    auto added = fixed_part<xfrm_userpolicy_info>((*messages)[i]);
    auto removed = fixed_part<xfrm_userpolicy_id>((*deletes)[i]);
    EXPECT_EQ((*deletes)[i].type(), XFRM_MSG_DELPOLICY);
    EXPECT_EQ(std::memcmp(&added.sel, &removed.sel, sizeof(added.sel)), 0);
    EXPECT_EQ(removed.dir, XFRM_POLICY_FWD);
    EXPECT_EQ(removed.index, 0u);
  }
}

TEST(XfrmPolicyMessages, DeleteCarriesTheMark) {
  auto request = tunnel_policy();
  request.mark = ike::sa::Mark{9, 0xffff};
  auto deletes = build_delete_policies(request);
  ASSERT_TRUE(deletes);
  auto mark =
      attribute_as<xfrm_mark>(attributes_of<xfrm_userpolicy_id>(deletes->front()), XFRMA_MARK);
  EXPECT_EQ(mark.v, 9u);
  EXPECT_EQ(mark.m, 0xffffu);
}

TEST(XfrmPolicyMessages, PoliciesWeCouldNotFindAgainAreRefused) {
  auto request = tunnel_policy();
  request.reqid = 0;
  auto refused = build_add_policies(request);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ike::Errc::invalid_argument);
  EXPECT_NE(refused.error().reason.find("has reqid 0"), std::string::npos);

  auto mixed = tunnel_policy();
  mixed.tunnel_destination = ip("2001:db8::2");
  auto mixed_refused = build_add_policies(mixed);
  ASSERT_FALSE(mixed_refused);
  EXPECT_EQ(mixed_refused.error().reason,
            "tunnel endpoints 192.0.2.1 and 2001:db8::2 are of different address families");
}

}  // namespace
}  // namespace ikev2d::xfrm
