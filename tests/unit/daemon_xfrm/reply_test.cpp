#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "xfrm/netlink_reply.hpp"
#include "xfrm_test_support.hpp"

namespace ikev2d::xfrm {
namespace {

using test::HandBuiltMessage;

constexpr std::uint32_t sequence = 17;
constexpr std::uint32_t port = 4242;

/// NLMSG_ERROR as the kernel sends it with NETLINK_CAP_ACK and NETLINK_EXT_ACK.
HandBuiltMessage error_message(int error, std::string_view text = {},
                               std::uint32_t seq = sequence) {
  std::uint16_t flags = NLM_F_CAPPED;
  if (!text.empty()) flags |= NLM_F_ACK_TLVS;
  HandBuiltMessage message(NLMSG_ERROR, seq, port, flags);
  nlmsgerr body{};
  body.error = error;
  body.msg.nlmsg_len = 300;  // the request's length; its body is not echoed (capped)
  body.msg.nlmsg_seq = seq;
  message.fixed(body);
  if (!text.empty()) {
    std::string with_nul(text);
    message.attribute(NLMSGERR_ATTR_MSG, with_nul.c_str(), with_nul.size() + 1);
  }
  return message;
}

KernelAnswer scan(const std::vector<std::uint8_t>& datagram,
                  std::vector<std::uint16_t>* seen = nullptr) {
  KernelAnswer answer;
  scan_answer(
      datagram, sequence, port,
      [&](const nlmsghdr& header) {
        if (seen) seen->push_back(header.nlmsg_type);
      },
      answer);
  return answer;
}

TEST(NetlinkReply, AckFinishesWithoutError) {
  auto answer = scan(error_message(0).bytes());
  EXPECT_TRUE(answer.finished);
  EXPECT_EQ(answer.error, 0);
  EXPECT_TRUE(answer.kernel_message.empty());
  EXPECT_TRUE(answer.malformed.empty());
}

TEST(NetlinkReply, ErrorCarriesErrnoAndTheKernelsText) {
  auto answer = scan(error_message(-ENOSYS, "Requested AEAD algorithm not found").bytes());
  EXPECT_TRUE(answer.finished);
  EXPECT_EQ(answer.error, ENOSYS);
  EXPECT_EQ(answer.kernel_message, "Requested AEAD algorithm not found");
}

TEST(NetlinkReply, UncappedErrorSkipsTheEchoedRequest) {
  HandBuiltMessage message(NLMSG_ERROR, sequence, port, NLM_F_ACK_TLVS);
  nlmsgerr body{};
  body.error = -EINVAL;
  body.msg.nlmsg_len = sizeof(nlmsghdr) + 8;
  message.fixed(body).raw("12345678", 8);
  const char text[] = "Invalid selector";
  message.attribute(NLMSGERR_ATTR_MSG, text, sizeof(text));
  auto answer = scan(message.bytes());
  EXPECT_EQ(answer.error, EINVAL);
  EXPECT_EQ(answer.kernel_message, "Invalid selector");
}

TEST(NetlinkReply, DataMessagesThenAckAndStaleAnswersSkipped) {
  HandBuiltMessage stale(XFRM_MSG_NEWSA, sequence - 1, port);
  HandBuiltMessage reply(XFRM_MSG_NEWSA, sequence, port);
  reply.raw("data", 4);
  auto ack = error_message(0);
  HandBuiltMessage after(XFRM_MSG_NEWPOLICY, sequence, port);
  std::vector<std::uint16_t> seen;
  auto answer = scan(test::datagram_of({&stale, &reply, &ack, &after}), &seen);
  EXPECT_TRUE(answer.finished);
  EXPECT_EQ(answer.stale_messages, 1u);
  ASSERT_EQ(seen.size(), 1u);  // nothing after the ACK
  EXPECT_EQ(seen.front(), XFRM_MSG_NEWSA);
}

TEST(NetlinkReply, MessagesForAnotherPortAreNotOurs) {
  HandBuiltMessage foreign(NLMSG_ERROR, sequence, port + 1);
  foreign.fixed(nlmsgerr{});
  auto answer = scan(foreign.bytes());
  EXPECT_FALSE(answer.finished);
  EXPECT_EQ(answer.stale_messages, 1u);
}

TEST(NetlinkReply, DumpEndsWithDoneAndReportsInterruption) {
  HandBuiltMessage first(XFRM_MSG_NEWPOLICY, sequence, port, NLM_F_MULTI | NLM_F_DUMP_INTR);
  HandBuiltMessage done(NLMSG_DONE, sequence, port, NLM_F_MULTI);
  int status = 0;
  done.fixed(status);
  std::vector<std::uint16_t> seen;
  auto answer = scan(test::datagram_of({&first, &done}), &seen);
  EXPECT_TRUE(answer.finished);
  EXPECT_TRUE(answer.interrupted);
  EXPECT_EQ(answer.error, 0);
  EXPECT_EQ(seen.size(), 1u);

  HandBuiltMessage failed_done(NLMSG_DONE, sequence, port, NLM_F_MULTI);
  int failure = -ENOBUFS;
  failed_done.fixed(failure);
  EXPECT_EQ(scan(failed_done.bytes()).error, ENOBUFS);
}

TEST(NetlinkReply, AnswerSpreadOverDatagramsAccumulates) {
  HandBuiltMessage reply(XFRM_MSG_NEWSA, sequence, port);
  KernelAnswer answer;
  scan_answer(reply.bytes(), sequence, port, {}, answer);
  EXPECT_FALSE(answer.finished);
  scan_answer(error_message(-EEXIST).bytes(), sequence, port, {}, answer);
  EXPECT_TRUE(answer.finished);
  EXPECT_EQ(answer.error, EEXIST);
}

TEST(NetlinkReply, DamagedAnswersAreMalformed) {
  HandBuiltMessage short_error(NLMSG_ERROR, sequence, port);
  short_error.raw("ab", 2);
  auto answer = scan(short_error.bytes());
  EXPECT_TRUE(answer.finished);
  EXPECT_EQ(answer.malformed, "NLMSG_ERROR of 4 bytes is shorter than struct nlmsgerr");

  auto truncated = error_message(-EINVAL).bytes();
  truncated.resize(truncated.size() - 4);
  auto cut = scan(truncated);
  EXPECT_TRUE(cut.finished);
  EXPECT_NE(cut.malformed.find("truncated"), std::string::npos);

  HandBuiltMessage huge(NLMSG_ERROR, sequence, port);
  huge.fixed(nlmsgerr{}).claim_length(0xfffffffe);
  auto oversized = scan(huge.bytes());
  EXPECT_TRUE(oversized.finished);
  EXPECT_FALSE(oversized.malformed.empty());

  // An absurd errno does not overflow.
  EXPECT_EQ(scan(error_message(INT32_MIN).bytes()).error, EPROTO);
  EXPECT_EQ(scan(error_message(5).bytes()).error, EPROTO);
}

TEST(NetlinkReply, ExtendedAckWithoutNulTerminatorIsIgnored) {
  HandBuiltMessage message(NLMSG_ERROR, sequence, port, NLM_F_CAPPED | NLM_F_ACK_TLVS);
  nlmsgerr body{};
  body.error = -EINVAL;
  message.fixed(body).attribute(NLMSGERR_ATTR_MSG, "abcd", 4);
  auto answer = scan(message.bytes());
  EXPECT_EQ(answer.error, EINVAL);
  EXPECT_TRUE(answer.kernel_message.empty());
}

}  // namespace
}  // namespace ikev2d::xfrm
