#include "xfrm/netlink_reply.hpp"

#include <libmnl/libmnl.h>

#include <cstring>

#include "xfrm/netlink_message.hpp"

namespace ikev2d::xfrm {

namespace {

/// -error as a positive errno; the kernel sends small negative numbers, but
/// the value is read from the wire and INT_MIN must not overflow.
int errno_of(int error) {
  if (error >= 0) return error == 0 ? 0 : EPROTO;
  if (error < -4095) return EPROTO;
  return -error;
}

/// NLMSGERR_ATTR_MSG from the TLVs after the echoed request (NLM_F_ACK_TLVS).
std::string extended_ack_message(const nlmsghdr& header, const nlmsgerr& error) {
  if ((header.nlmsg_flags & NLM_F_ACK_TLVS) == 0) return {};
  auto payload = message_payload(header);
  std::size_t offset = sizeof(nlmsgerr);
  if ((header.nlmsg_flags & NLM_F_CAPPED) == 0) {
    if (error.msg.nlmsg_len < sizeof(nlmsghdr)) return {};
    offset += error.msg.nlmsg_len - sizeof(nlmsghdr);
  }
  offset = MNL_ALIGN(offset);
  while (offset + sizeof(nlattr) <= payload.size()) {
    const auto* attribute = reinterpret_cast<const nlattr*>(payload.data() + offset);
    if (!mnl_attr_ok(attribute, static_cast<int>(payload.size() - offset))) break;
    if (mnl_attr_get_type(attribute) == NLMSGERR_ATTR_MSG &&
        mnl_attr_validate(attribute, MNL_TYPE_NUL_STRING) == 0) {
      auto text = attribute_payload(*attribute);
      return std::string(reinterpret_cast<const char*>(text.data()),
                         strnlen(reinterpret_cast<const char*>(text.data()), text.size()));
    }
    offset += MNL_ALIGN(attribute->nla_len);
  }
  return {};
}

void finish_with_error_message(const nlmsghdr& header, KernelAnswer& answer) {
  auto error = read_struct<nlmsgerr>(message_payload(header));
  answer.finished = true;
  if (!error) {
    answer.malformed = "NLMSG_ERROR of " + std::to_string(message_payload(header).size()) +
                       " bytes is shorter than struct nlmsgerr";
    return;
  }
  answer.error = errno_of(error->error);
  if (answer.error != 0) answer.kernel_message = extended_ack_message(header, *error);
}

void finish_with_done(const nlmsghdr& header, KernelAnswer& answer) {
  answer.finished = true;
  // A dump that failed midway says so with a negative int in NLMSG_DONE.
  auto status = read_struct<int>(message_payload(header));
  if (status && *status < 0) answer.error = errno_of(*status);
}

}  // namespace

void scan_answer(std::span<const std::uint8_t> datagram, std::uint32_t sequence, std::uint32_t port,
                 const MessageHandler& on_message, KernelAnswer& answer) {
  std::size_t offset = 0;
  while (!answer.finished && offset < datagram.size()) {
    const auto* header = reinterpret_cast<const nlmsghdr*>(datagram.data() + offset);
    std::size_t remaining = datagram.size() - offset;
    if (remaining < sizeof(nlmsghdr) || !netlink_message_fits(*header, remaining)) {
      answer.finished = true;
      answer.malformed = "netlink message at offset " + std::to_string(offset) +
                         " is truncated or has a bad length";
      return;
    }
    offset = next_message_offset(offset, header->nlmsg_len);
    if (header->nlmsg_seq != sequence || header->nlmsg_pid != port) {
      ++answer.stale_messages;
      continue;
    }
    if ((header->nlmsg_flags & NLM_F_DUMP_INTR) != 0) answer.interrupted = true;
    switch (header->nlmsg_type) {
      case NLMSG_ERROR:
        finish_with_error_message(*header, answer);
        break;
      case NLMSG_DONE:
        finish_with_done(*header, answer);
        break;
      case NLMSG_NOOP:
      case NLMSG_OVERRUN:
        break;
      default:
        if (on_message) on_message(*header);
    }
  }
}

}  // namespace ikev2d::xfrm
