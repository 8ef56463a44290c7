#include "xfrm/netlink_socket.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

namespace ikev2d::xfrm {

namespace {

constexpr std::size_t receive_buffer_size = 65536;
/// Room for bursts of events (an ACQUIRE is about 400 bytes) while the
/// daemon's loop is busy.
constexpr int event_socket_buffer_bytes = 1 << 20;

ike::Error socket_error(const std::string& what, int error_number) {
  return ike::make_error(ike::Errc::io_error, what + ": " + std::strerror(error_number) +
                                                  " (errno " + std::to_string(error_number) + ")");
}

void set_flag_option(mnl_socket* socket, int option) {
  int on = 1;
  // Best effort: kernels before 4.3 / 4.12 lack CAP_ACK / EXT_ACK, and
  // answers are still read correctly without them.
  (void)mnl_socket_setsockopt(socket, option, &on, sizeof(on));
}

}  // namespace

NetlinkSocket::NetlinkSocket(mnl_socket* socket, std::chrono::milliseconds timeout)
    : socket_(socket),
      port_(mnl_socket_get_portid(socket)),
      timeout_(timeout),
      buffer_(receive_buffer_size) {}

NetlinkSocket::~NetlinkSocket() {
  if (socket_ != nullptr) mnl_socket_close(socket_);
}

NetlinkSocket::NetlinkSocket(NetlinkSocket&& other) noexcept
    : socket_(std::exchange(other.socket_, nullptr)),
      port_(other.port_),
      sequence_(other.sequence_),
      timeout_(other.timeout_),
      buffer_(std::move(other.buffer_)) {}

NetlinkSocket& NetlinkSocket::operator=(NetlinkSocket&& other) noexcept {
  if (this != &other) {
    if (socket_ != nullptr) mnl_socket_close(socket_);
    socket_ = std::exchange(other.socket_, nullptr);
    port_ = other.port_;
    sequence_ = other.sequence_;
    timeout_ = other.timeout_;
    buffer_ = std::move(other.buffer_);
  }
  return *this;
}

int NetlinkSocket::fd() const noexcept {
  return mnl_socket_get_fd(socket_);
}

ike::Result<NetlinkSocket> NetlinkSocket::open_requests(std::chrono::milliseconds timeout) {
  mnl_socket* socket = mnl_socket_open2(NETLINK_XFRM, SOCK_CLOEXEC);
  if (socket == nullptr) return socket_error("opening the XFRM netlink socket", errno);
  set_flag_option(socket, NETLINK_CAP_ACK);
  set_flag_option(socket, NETLINK_EXT_ACK);
  if (mnl_socket_bind(socket, 0, MNL_SOCKET_AUTOPID) < 0) {
    int error = errno;
    mnl_socket_close(socket);
    return socket_error("binding the XFRM netlink socket", error);
  }
  return NetlinkSocket(socket, timeout);
}

ike::Result<NetlinkSocket> NetlinkSocket::open_events(std::initializer_list<unsigned> groups) {
  mnl_socket* socket = mnl_socket_open2(NETLINK_XFRM, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (socket == nullptr) return socket_error("opening the XFRM event socket", errno);
  unsigned mask = 0;
  for (unsigned group : groups)
    mask |= 1u << (group - 1);
  int size = event_socket_buffer_bytes;
  int fd = mnl_socket_get_fd(socket);
  // SO_RCVBUFFORCE passes the rmem_max limit with CAP_NET_ADMIN, which we have.
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) != 0) {
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
  }
  if (mnl_socket_bind(socket, mask, MNL_SOCKET_AUTOPID) < 0) {
    int error = errno;
    mnl_socket_close(socket);
    return socket_error("joining the XFRM ACQUIRE/EXPIRE/MAPPING groups", error);
  }
  return NetlinkSocket(socket, std::chrono::milliseconds(0));
}

ike::Result<std::optional<std::size_t>> NetlinkSocket::receive(bool wait, bool* overflow) {
  for (;;) {
    if (wait) {
      pollfd poll_fd{fd(), POLLIN, 0};
      int ready = ::poll(&poll_fd, 1, static_cast<int>(timeout_.count()));
      if (ready < 0 && errno == EINTR) continue;
      if (ready < 0) return socket_error("waiting for the kernel's answer", errno);
      if (ready == 0) {
        return ike::make_error(ike::Errc::io_error, "no answer from the kernel within " +
                                                        std::to_string(timeout_.count()) + " ms");
      }
    }
    sockaddr_nl sender{};
    iovec vector{buffer_.data(), buffer_.size()};
    msghdr header{};
    header.msg_name = &sender;
    header.msg_namelen = sizeof(sender);
    header.msg_iov = &vector;
    header.msg_iovlen = 1;
    ssize_t received = ::recvmsg(fd(), &header, MSG_DONTWAIT);
    if (received < 0) {
      if (errno == EINTR || (errno == EAGAIN && wait)) continue;
      if (errno == EAGAIN) return std::optional<std::size_t>{};
      if (errno == ENOBUFS && overflow != nullptr) {
        *overflow = true;
        return std::optional<std::size_t>{};
      }
      if (errno == ENOBUFS) {
        return ike::make_error(ike::Errc::io_error,
                               "the kernel dropped netlink messages: the socket's receive "
                               "buffer overflowed (ENOBUFS)");
      }
      return socket_error("reading from the XFRM netlink socket", errno);
    }
    if ((header.msg_flags & MSG_TRUNC) != 0) {
      return ike::make_error(ike::Errc::io_error, "a netlink datagram was larger than the " +
                                                      std::to_string(buffer_.size()) +
                                                      "-byte receive buffer");
    }
    // Only the kernel (port 0) speaks XFRM to us; drop anything else.
    if (header.msg_namelen != sizeof(sender) || sender.nl_pid != 0) continue;
    return std::optional<std::size_t>{static_cast<std::size_t>(received)};
  }
}

ike::Result<KernelAnswer> NetlinkSocket::exchange(NetlinkMessage& message,
                                                  const MessageHandler& on_message) {
  nlmsghdr* header = message.header();
  header->nlmsg_seq = ++sequence_;
  header->nlmsg_pid = port_;
  header->nlmsg_flags |= NLM_F_ACK;
  auto bytes = message.bytes();
  if (mnl_socket_sendto(socket_, bytes.data(), bytes.size()) < 0) {
    return socket_error("sending to the XFRM netlink socket", errno);
  }
  KernelAnswer answer;
  std::size_t used = 0;
  ike::Result<KernelAnswer> result = answer;
  while (!answer.finished) {
    auto received = receive(/*wait=*/true);
    if (!received) {
      result = std::move(received).error();
      break;
    }
    std::size_t size = received->value_or(0);
    used = std::max(used, size);
    scan_answer(std::span<const std::uint8_t>(buffer_.data(), size), header->nlmsg_seq, port_,
                on_message, answer);
  }
  // Answers to GETSA carry keys.
  std::memset(buffer_.data(), 0, used);
  if (!result) return result;
  if (!answer.malformed.empty()) {
    return ike::make_error(ike::Errc::io_error, "unreadable answer: " + answer.malformed);
  }
  return answer;
}

ike::Result<NetlinkSocket::EventRead> NetlinkSocket::receive_event() {
  bool overflow = false;
  auto received = receive(/*wait=*/false, &overflow);
  if (!received) return std::move(received).error();
  if (overflow) return EventRead{EventRead::Kind::overflow, {}};
  if (!*received) return EventRead{EventRead::Kind::nothing, {}};
  return EventRead{EventRead::Kind::datagram,
                   std::span<const std::uint8_t>(buffer_.data(), **received)};
}

}  // namespace ikev2d::xfrm
