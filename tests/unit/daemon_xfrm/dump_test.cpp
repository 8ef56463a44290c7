#include <gtest/gtest.h>

#include <arpa/inet.h>

#include "xfrm/xfrm_address.hpp"
#include "xfrm/xfrm_dump.hpp"
#include "xfrm_test_support.hpp"

namespace ikev2d::xfrm {
namespace {

using test::attribute_as;
using test::attributes_of;
using test::fixed_part;
using test::HandBuiltMessage;
using test::ip;

xfrm_user_tmpl template_with(std::uint32_t reqid) {
  xfrm_user_tmpl tmpl{};
  tmpl.reqid = reqid;
  tmpl.id.proto = IPPROTO_ESP;
  return tmpl;
}

HandBuiltMessage dumped_policy(std::uint8_t dir, std::uint32_t index,
                               std::vector<std::uint32_t> reqids) {
  xfrm_userpolicy_info info{};
  info.sel.family = AF_INET;
  info.sel.saddr = to_xfrm_address(ip("10.1.0.0"));
  info.sel.prefixlen_s = 16;
  info.sel.daddr = to_xfrm_address(ip("10.2.0.0"));
  info.sel.prefixlen_d = 16;
  info.dir = dir;
  info.index = index;
  HandBuiltMessage message(XFRM_MSG_NEWPOLICY);
  message.fixed(info);
  if (!reqids.empty()) {
    std::vector<xfrm_user_tmpl> templates;
    for (auto reqid : reqids)
      templates.push_back(template_with(reqid));
    message.attribute(XFRMA_TMPL, templates.data(), templates.size() * sizeof(xfrm_user_tmpl));
  }
  return message;
}

TEST(XfrmDump, DumpRequestsAskForEverything) {
  auto sas = build_sa_dump();
  EXPECT_EQ(sas.type(), XFRM_MSG_GETSA);
  EXPECT_NE(sas.header()->nlmsg_flags & NLM_F_DUMP, 0);
  auto policies = build_policy_dump();
  EXPECT_EQ(policies.type(), XFRM_MSG_GETPOLICY);
  EXPECT_EQ(policies.header()->nlmsg_flags & NLM_F_DUMP, NLM_F_DUMP);
}

TEST(XfrmDump, PolicyOwnersAreItsTemplatesReqids) {
  auto message = dumped_policy(XFRM_POLICY_OUT, 0x1239, {7, 8});
  message.attribute(XFRMA_MARK, xfrm_mark{3, 0xf});
  std::uint32_t interface_id = 4;
  message.attribute(XFRMA_IF_ID, interface_id);
  auto policy = parse_dumped_policy(message.header());
  ASSERT_TRUE(policy) << policy.error().reason;
  EXPECT_EQ(policy->template_reqids, (std::vector<std::uint32_t>{7, 8}));
  EXPECT_TRUE(policy->is_global());
  EXPECT_EQ(policy->description, "out 10.1.0.0/16 -> 10.2.0.0/16 index 4665");

  auto removal = build_delete_dumped_policy(*policy);
  ASSERT_TRUE(removal);
  EXPECT_EQ(removal->type(), XFRM_MSG_DELPOLICY);
  auto id = fixed_part<xfrm_userpolicy_id>(*removal);
  EXPECT_EQ(id.index, 0x1239u);
  EXPECT_EQ(id.dir, XFRM_POLICY_OUT);
  auto attributes = attributes_of<xfrm_userpolicy_id>(*removal);
  EXPECT_EQ(attribute_as<xfrm_mark>(attributes, XFRMA_MARK).v, 3u);
  EXPECT_EQ(attribute_as<std::uint32_t>(attributes, XFRMA_IF_ID), 4u);
}

TEST(XfrmDump, SocketPoliciesAndPoliciesWithoutTemplates) {
  auto socket_policy = parse_dumped_policy(dumped_policy(XFRM_POLICY_MAX + 1, 0x100c, {}).header());
  ASSERT_TRUE(socket_policy);
  EXPECT_FALSE(socket_policy->is_global());
  EXPECT_TRUE(socket_policy->template_reqids.empty());
  EXPECT_FALSE(build_delete_dumped_policy(*socket_policy));
}

TEST(XfrmDump, DamagedPolicyEntries) {
  auto message = dumped_policy(XFRM_POLICY_IN, 8, {});
  message.attribute(XFRMA_TMPL, "12345", 5);
  auto policy = parse_dumped_policy(message.header());
  ASSERT_FALSE(policy);
  EXPECT_NE(policy.error().reason.find("XFRMA_TMPL of dumped policy"), std::string::npos);
  HandBuiltMessage short_message(XFRM_MSG_NEWPOLICY);
  short_message.raw("x", 1);
  EXPECT_FALSE(parse_dumped_policy(short_message.header()));
}

TEST(XfrmDump, SaOwnerAndDeletion) {
  xfrm_usersa_info info{};
  info.id.daddr = to_xfrm_address(ip("10.0.0.2"));
  info.id.spi = htonl(0xc0000010);
  info.id.proto = IPPROTO_ESP;
  info.saddr = to_xfrm_address(ip("10.0.0.1"));
  info.family = AF_INET;
  info.reqid = 31;
  HandBuiltMessage message(XFRM_MSG_NEWSA);
  message.fixed(info).attribute(XFRMA_MARK, xfrm_mark{2, 0xff});
  auto sa = parse_dumped_sa(message.header());
  ASSERT_TRUE(sa) << sa.error().reason;
  EXPECT_EQ(sa->reqid, 31u);
  EXPECT_EQ(sa->description, "IP protocol 50 SPI 0xc0000010 10.0.0.1 -> 10.0.0.2 reqid 31");
  auto removal = build_delete_dumped_sa(*sa);
  EXPECT_EQ(removal.type(), XFRM_MSG_DELSA);
  auto id = fixed_part<xfrm_usersa_id>(removal);
  EXPECT_EQ(ntohl(id.spi), 0xc0000010u);
  EXPECT_EQ(id.family, AF_INET);
  EXPECT_EQ(id.proto, IPPROTO_ESP);
  EXPECT_EQ(attribute_as<xfrm_mark>(attributes_of<xfrm_usersa_id>(removal), XFRMA_MARK).m, 0xffu);
}

}  // namespace
}  // namespace ikev2d::xfrm
