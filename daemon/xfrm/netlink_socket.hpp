#pragma once
/// A NETLINK_XFRM socket through libmnl. Two kinds:
///   - the request socket: blocking with a receive timeout, extended ACKs on
///     (the kernel's own error text) and capped (the request is not echoed
///     back); exchange() sends one request and reads its whole answer;
///   - the event socket: non-blocking, joined to multicast groups;
///     receive_event() reads one datagram, and only the kernel's.
/// Every receive is bounded: a fixed 64 KiB buffer (the kernel's dump
/// datagrams are at most 32 KiB), a timeout per request, and truncated
/// datagrams are errors, not partial reads.

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <vector>

#include "ike/error.hpp"
#include "xfrm/netlink_message.hpp"
#include "xfrm/netlink_reply.hpp"

struct mnl_socket;

namespace ikev2d::xfrm {

class NetlinkSocket {
 public:
  /// The request socket; `timeout` bounds the wait for each answer.
  static ike::Result<NetlinkSocket> open_requests(std::chrono::milliseconds timeout);
  /// The event socket, joined to XFRMNLGRP_* `groups`.
  static ike::Result<NetlinkSocket> open_events(std::initializer_list<unsigned> groups);

  ~NetlinkSocket();
  NetlinkSocket(NetlinkSocket&& other) noexcept;
  NetlinkSocket& operator=(NetlinkSocket&& other) noexcept;
  NetlinkSocket(const NetlinkSocket&) = delete;
  NetlinkSocket& operator=(const NetlinkSocket&) = delete;

  int fd() const noexcept;

  /// Sends `message` (with the next sequence number, our port and
  /// NLM_F_ACK) and reads until its answer is complete, handing every data
  /// message to `on_message`. The Result fails only when no answer could be
  /// read (send/receive error, timeout, malformed or truncated datagram,
  /// whose reason it gives); the kernel's own errors are in
  /// KernelAnswer::error.
  ike::Result<KernelAnswer> exchange(NetlinkMessage& message, const MessageHandler& on_message);

  /// What one non-blocking read of the event socket found.
  struct EventRead {
    enum class Kind {
      datagram,  ///< `bytes` holds one datagram from the kernel
      nothing,   ///< nothing waits
      overflow,  ///< ENOBUFS: the kernel dropped events; reading can go on
    };
    Kind kind = Kind::nothing;
    std::span<const std::uint8_t> bytes;
  };
  /// One waiting datagram from the kernel; datagrams from other senders are
  /// dropped. Fails on other socket errors.
  ike::Result<EventRead> receive_event();

 private:
  NetlinkSocket(mnl_socket* socket, std::chrono::milliseconds timeout);
  /// One datagram's size; nullopt when `wait` is false and none waits.
  /// `overflow` is set (and nullopt returned) on ENOBUFS when not waiting.
  ike::Result<std::optional<std::size_t>> receive(bool wait, bool* overflow = nullptr);

  mnl_socket* socket_ = nullptr;
  std::uint32_t port_ = 0;
  std::uint32_t sequence_ = 0;
  std::chrono::milliseconds timeout_{0};
  /// Aligned (allocated) and reused; wiped after each exchange, since GETSA
  /// answers carry keys.
  std::vector<std::uint8_t> buffer_;
};

}  // namespace ikev2d::xfrm
