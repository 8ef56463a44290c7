#pragma once
/// Reading the kernel's answer to one request (pure, so it can be tested with
/// hand-built datagrams): data messages for the request's sequence number
/// go to a callback, and the answer ends with an ACK (NLMSG_ERROR with error
/// 0), an error (NLMSG_ERROR with -errno and the kernel's extended-ack text)
/// or, for dumps, NLMSG_DONE.

#include <linux/netlink.h>

#include <cstdint>
#include <functional>
#include <span>
#include <string>

namespace ikev2d::xfrm {

/// What is known so far about the answer to one request.
struct KernelAnswer {
  /// An ACK, an error or NLMSG_DONE has arrived: stop reading.
  bool finished = false;
  /// errno the kernel reported (positive), 0 for success.
  int error = 0;
  /// The kernel's extended ACK message (NLMSGERR_ATTR_MSG), if any.
  std::string kernel_message;
  /// A dump message carried NLM_F_DUMP_INTR: the tables changed during the
  /// dump, which must be repeated.
  bool interrupted = false;
  /// Messages of other sequence numbers (answers to requests that timed out
  /// earlier), skipped.
  std::size_t stale_messages = 0;
  /// Why a message of ours could not be read; set together with finished.
  std::string malformed;
};

using MessageHandler = std::function<void(const nlmsghdr&)>;

/// Scans one received datagram (4-byte aligned) for the answer to request
/// `sequence` sent from netlink port `port`, updating `answer`; stops at the
/// message that finishes the answer.
void scan_answer(std::span<const std::uint8_t> datagram, std::uint32_t sequence, std::uint32_t port,
                 const MessageHandler& on_message, KernelAnswer& answer);

}  // namespace ikev2d::xfrm
