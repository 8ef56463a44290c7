#include <gtest/gtest.h>

#include <arpa/inet.h>

#include <libmnl/libmnl.h>

#include "xfrm/xfrm_address.hpp"
#include "xfrm/xfrm_events.hpp"
#include "xfrm_test_support.hpp"

namespace ikev2d::xfrm {
namespace {

using test::HandBuiltMessage;
using test::ip;

xfrm_user_acquire acquire_body() {
  xfrm_user_acquire acquire{};
  acquire.sel.family = AF_INET;
  acquire.sel.saddr = to_xfrm_address(ip("10.1.0.5"));
  acquire.sel.prefixlen_s = 32;
  acquire.sel.daddr = to_xfrm_address(ip("10.2.0.9"));
  acquire.sel.prefixlen_d = 32;
  acquire.sel.proto = IPPROTO_UDP;
  acquire.sel.sport = htons(5000);
  acquire.sel.sport_mask = htons(0xffff);
  acquire.sel.dport = htons(53);
  acquire.sel.dport_mask = htons(0xffff);
  acquire.id.proto = IPPROTO_ESP;
  return acquire;
}

xfrm_user_tmpl template_with(std::uint32_t reqid) {
  xfrm_user_tmpl tmpl{};
  tmpl.reqid = reqid;
  tmpl.id.proto = IPPROTO_ESP;
  return tmpl;
}

HandBuiltMessage acquire_message(std::uint32_t reqid) {
  HandBuiltMessage message(XFRM_MSG_ACQUIRE);
  message.fixed(acquire_body()).attribute(XFRMA_TMPL, template_with(reqid));
  return message;
}

HandBuiltMessage expire_message(bool hard, std::optional<xfrm_mark> mark = {}) {
  xfrm_user_expire expire{};
  expire.state.id.daddr = to_xfrm_address(ip("2001:db8::2"));
  expire.state.id.spi = htonl(0xc0000042);
  expire.state.id.proto = IPPROTO_ESP;
  expire.state.family = AF_INET6;
  expire.hard = hard ? 1 : 0;
  HandBuiltMessage message(XFRM_MSG_EXPIRE);
  message.fixed(expire);
  if (mark) message.attribute(XFRMA_MARK, *mark);
  return message;
}

HandBuiltMessage mapping_message() {
  xfrm_user_mapping mapping{};
  mapping.id.daddr = to_xfrm_address(ip("192.0.2.1"));
  mapping.id.spi = htonl(0xc0000007);
  mapping.id.family = AF_INET;
  mapping.id.proto = IPPROTO_ESP;
  mapping.reqid = 3;
  mapping.old_saddr = to_xfrm_address(ip("198.51.100.1"));
  mapping.new_saddr = to_xfrm_address(ip("198.51.100.77"));
  mapping.old_sport = htons(4500);
  mapping.new_sport = htons(61000);
  HandBuiltMessage message(XFRM_MSG_MAPPING);
  message.fixed(mapping);
  return message;
}

TEST(XfrmEvents, AcquireGivesReqidFromTemplateAndPacketSelectors) {
  auto message = acquire_message(42);
  auto parsed = parse_xfrm_events(message.bytes());
  ASSERT_TRUE(parsed.problems.empty()) << parsed.problems.front();
  ASSERT_EQ(parsed.events.size(), 1u);
  const auto& acquire = std::get<ike::sa::KernelAcquire>(parsed.events.front());
  EXPECT_EQ(acquire.reqid, 42u);
  EXPECT_EQ(acquire.source.to_string(), "10.1.0.5/32[udp/5000]");
  EXPECT_EQ(acquire.destination.to_string(), "10.2.0.9/32[udp/53]");
}

TEST(XfrmEvents, ExpireSoftAndHardWithMark) {
  auto soft = expire_message(false);
  auto hard = expire_message(true, xfrm_mark{5, 0xff});
  auto parsed = parse_xfrm_events(test::datagram_of({&soft, &hard}));
  ASSERT_TRUE(parsed.problems.empty());
  ASSERT_EQ(parsed.events.size(), 2u);
  const auto& first = std::get<ike::sa::KernelExpire>(parsed.events[0]);
  EXPECT_FALSE(first.hard);
  EXPECT_EQ(first.sa.destination, ip("2001:db8::2"));
  EXPECT_EQ(first.sa.spi, 0xc0000042u);
  EXPECT_EQ(first.sa.protocol, ike::wire::ProtocolId::esp);
  EXPECT_TRUE(first.sa.mark.empty());
  const auto& second = std::get<ike::sa::KernelExpire>(parsed.events[1]);
  EXPECT_TRUE(second.hard);
  EXPECT_EQ(second.sa.mark, (ike::sa::Mark{5, 0xff}));
}

TEST(XfrmEvents, MappingGivesTheNewAddressAndPort) {
  auto message = mapping_message();
  auto parsed = parse_xfrm_events(message.bytes());
  ASSERT_EQ(parsed.events.size(), 1u);
  const auto& mapping = std::get<ike::sa::KernelMapping>(parsed.events.front());
  EXPECT_EQ(mapping.sa.destination, ip("192.0.2.1"));
  EXPECT_EQ(mapping.sa.spi, 0xc0000007u);
  EXPECT_EQ(mapping.new_address, ip("198.51.100.77"));
  EXPECT_EQ(mapping.new_port, 61000);
}

TEST(XfrmEvents, DamagedMessagesAreReportedAndTheOthersStillRead) {
  HandBuiltMessage no_template(XFRM_MSG_ACQUIRE);
  no_template.fixed(acquire_body());
  HandBuiltMessage short_expire(XFRM_MSG_EXPIRE);
  short_expire.raw("0123456789", 10);
  auto good = mapping_message();
  auto parsed = parse_xfrm_events(test::datagram_of({&no_template, &short_expire, &good}));
  ASSERT_EQ(parsed.events.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<ike::sa::KernelMapping>(parsed.events.front()));
  ASSERT_EQ(parsed.problems.size(), 2u);
  EXPECT_EQ(parsed.problems[0], "XFRM_MSG_ACQUIRE: no XFRMA_TMPL, so no reqid");
  EXPECT_EQ(parsed.problems[1], "XFRM_MSG_EXPIRE: 12 bytes after the netlink header, " +
                                    std::to_string(sizeof(xfrm_user_expire)) + " needed");
}

TEST(XfrmEvents, ShortTemplateAndOverlongAttributeAreErrors) {
  HandBuiltMessage short_template(XFRM_MSG_ACQUIRE);
  short_template.fixed(acquire_body()).attribute(XFRMA_TMPL, "abcd", 4);
  auto parsed = parse_xfrm_events(short_template.bytes());
  EXPECT_TRUE(parsed.events.empty());
  ASSERT_EQ(parsed.problems.size(), 1u);
  EXPECT_EQ(parsed.problems[0], "XFRMA_TMPL of XFRM_MSG_ACQUIRE: 4 bytes, " +
                                    std::to_string(sizeof(xfrm_user_tmpl)) + " needed");

  // An attribute claiming more bytes than the message has.
  auto expire = expire_message(true, xfrm_mark{1, 1});
  auto bytes = expire.bytes();
  std::size_t attribute_at = sizeof(nlmsghdr) + MNL_ALIGN(sizeof(xfrm_user_expire));
  std::uint16_t overlong = 200;
  std::memcpy(bytes.data() + attribute_at, &overlong, sizeof(overlong));
  auto damaged = parse_xfrm_events(bytes);
  EXPECT_TRUE(damaged.events.empty());
  ASSERT_EQ(damaged.problems.size(), 1u);
  EXPECT_NE(damaged.problems[0].find("has length 200 but 12 bytes are left"), std::string::npos)
      << damaged.problems[0];
}

TEST(XfrmEvents, TruncatedDatagramStopsWithAProblem) {
  auto message = acquire_message(1);
  auto bytes = message.bytes();
  bytes.resize(bytes.size() - 8);
  auto parsed = parse_xfrm_events(bytes);
  EXPECT_TRUE(parsed.events.empty());
  ASSERT_EQ(parsed.problems.size(), 1u);
  EXPECT_NE(parsed.problems[0].find("truncated or has a bad length"), std::string::npos);

  // nlmsg_len below the header size.
  HandBuiltMessage tiny(XFRM_MSG_EXPIRE);
  tiny.claim_length(4);
  EXPECT_EQ(parse_xfrm_events(tiny.bytes()).problems.size(), 1u);
  EXPECT_TRUE(parse_xfrm_events({}).problems.empty());

  // A length above 2 GiB, which a signed comparison would let through and
  // whose 4-byte alignment wraps to 0 in 32 bits (found by fuzzing).
  HandBuiltMessage huge(XFRM_MSG_EXPIRE);
  huge.claim_length(0xfffffffe);
  auto parsed_huge = parse_xfrm_events(huge.bytes());
  EXPECT_TRUE(parsed_huge.events.empty());
  EXPECT_EQ(parsed_huge.problems.size(), 1u);
}

TEST(XfrmEvents, UnknownFamilyAndProtocolAreProblems) {
  auto message = mapping_message();
  auto bytes = message.bytes();
  xfrm_user_mapping mapping{};
  std::memcpy(&mapping, bytes.data() + sizeof(nlmsghdr), sizeof(mapping));
  mapping.id.family = 77;
  std::memcpy(bytes.data() + sizeof(nlmsghdr), &mapping, sizeof(mapping));
  auto parsed = parse_xfrm_events(bytes);
  ASSERT_EQ(parsed.problems.size(), 1u);
  EXPECT_EQ(parsed.problems[0], "XFRM_MSG_MAPPING: address family 77 is neither IPv4 nor IPv6");

  xfrm_user_expire expire{};
  expire.state.family = AF_INET;
  expire.state.id.proto = IPPROTO_COMP;
  HandBuiltMessage ipcomp(XFRM_MSG_EXPIRE);
  ipcomp.fixed(expire);
  auto ipcomp_parsed = parse_xfrm_events(ipcomp.bytes());
  ASSERT_EQ(ipcomp_parsed.problems.size(), 1u);
  EXPECT_EQ(ipcomp_parsed.problems[0], "XFRM_MSG_EXPIRE: IP protocol 108 is neither ESP nor AH");
}

TEST(XfrmEvents, OtherMessageTypesAreIgnored) {
  HandBuiltMessage polexpire(XFRM_MSG_POLEXPIRE);
  polexpire.fixed(xfrm_user_polexpire{});
  HandBuiltMessage noop(NLMSG_NOOP);
  auto acquire = acquire_message(5);
  auto parsed = parse_xfrm_events(test::datagram_of({&polexpire, &noop, &acquire}));
  EXPECT_TRUE(parsed.problems.empty());
  ASSERT_EQ(parsed.events.size(), 1u);
}

TEST(XfrmEvents, UnalignedInputIsCopiedBeforeReading) {
  auto message = acquire_message(77);
  std::vector<std::uint8_t> shifted(message.bytes().size() + 1);
  std::memcpy(shifted.data() + 1, message.bytes().data(), message.bytes().size());
  auto parsed = parse_xfrm_events(std::span<const std::uint8_t>(shifted).subspan(1));
  ASSERT_EQ(parsed.events.size(), 1u);
  EXPECT_EQ(std::get<ike::sa::KernelAcquire>(parsed.events.front()).reqid, 77u);
}

}  // namespace
}  // namespace ikev2d::xfrm
