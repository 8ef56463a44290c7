#include "runtime/ike_socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstring>

namespace ikev2d::runtime {

namespace asio = boost::asio;
using ike::Errc;
using ike::make_error;

namespace {

/// Largest UDP payload; IKE messages are far smaller but must not be cut.
constexpr std::size_t kReceiveBufferSize = 65536;

ike::Error system_error(const std::string& what, int error) {
  return make_error(Errc::io_error, what + ": " + std::strerror(error));
}

ike::Error asio_error(const std::string& what, const boost::system::error_code& error) {
  return make_error(Errc::io_error, what + ": " + error.message());
}

ike::sa::Endpoint endpoint_of(const sockaddr_storage& address) {
  ike::sa::Endpoint endpoint;
  if (address.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(address);
    std::array<std::uint8_t, 4> bytes;
    std::memcpy(bytes.data(), &in.sin_addr, 4);
    endpoint.address = ike::IpAddress::v4(bytes);
    endpoint.port = ntohs(in.sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(address);
    std::array<std::uint8_t, 16> bytes;
    std::memcpy(bytes.data(), &in6.sin6_addr, 16);
    endpoint.address = ike::IpAddress::v6(bytes);
    endpoint.port = ntohs(in6.sin6_port);
  }
  return endpoint;
}

socklen_t sockaddr_of(const ike::sa::Endpoint& endpoint, sockaddr_storage& out) {
  std::memset(&out, 0, sizeof out);
  if (endpoint.address.is_v4()) {
    auto& in = reinterpret_cast<sockaddr_in&>(out);
    in.sin_family = AF_INET;
    in.sin_port = htons(endpoint.port);
    std::memcpy(&in.sin_addr, endpoint.address.bytes().data(), 4);
    return sizeof(sockaddr_in);
  }
  auto& in6 = reinterpret_cast<sockaddr_in6&>(out);
  in6.sin6_family = AF_INET6;
  in6.sin6_port = htons(endpoint.port);
  std::memcpy(&in6.sin6_addr, endpoint.address.bytes().data(), 16);
  return sizeof(sockaddr_in6);
}

/// The destination address of a received packet, from its IP_PKTINFO /
/// IPV6_PKTINFO control message.
std::optional<ike::IpAddress> packet_destination(msghdr& message) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      in_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      std::array<std::uint8_t, 4> bytes;
      std::memcpy(bytes.data(), &info.ipi_addr, 4);
      return ike::IpAddress::v4(bytes);
    }
    if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      in6_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      std::array<std::uint8_t, 16> bytes;
      std::memcpy(bytes.data(), &info.ipi6_addr, 16);
      return ike::IpAddress::v6(bytes);
    }
  }
  return std::nullopt;
}

/// The kernel's receive queue for one IKE socket.
constexpr int kSocketReceiveBuffer = 8 << 20;

}  // namespace

IkeSocket::IkeSocket(asio::ip::udp::socket socket, ike::AddressFamily family, std::uint16_t port,
                     bool nat_t)
    : socket_(std::move(socket)), family_(family), port_(port), nat_t_(nat_t) {
  buffer_.resize(kReceiveBufferSize);
}

ike::Result<std::unique_ptr<IkeSocket>> IkeSocket::open(asio::io_context& io,
                                                        ike::AddressFamily family,
                                                        std::uint16_t port, bool nat_t) {
  bool v6 = family == ike::AddressFamily::ipv6;
  std::string name = std::string(v6 ? "IPv6" : "IPv4") + " UDP port " + std::to_string(port);
  asio::ip::udp::socket socket(io);
  boost::system::error_code error;
  socket.open(v6 ? asio::ip::udp::v6() : asio::ip::udp::v4(), error);
  if (error) return asio_error(name + ": socket", error);
  if (v6) {
    // Separate IPv4 and IPv6 sockets: no v4-mapped addresses reach the engine.
    socket.set_option(asio::ip::v6_only(true), error);
    if (error) return asio_error(name + ": IPV6_V6ONLY", error);
  }
  int on = 1;
  int level = v6 ? IPPROTO_IPV6 : IPPROTO_IP;
  int option = v6 ? IPV6_RECVPKTINFO : IP_PKTINFO;
  if (::setsockopt(socket.native_handle(), level, option, &on, sizeof on) != 0) {
    return system_error(name + (v6 ? ": IPV6_RECVPKTINFO" : ": IP_PKTINFO"), errno);
  }
  // A burst (a flood of IKE_SA_INIT, many peers rekeying at once) must not
  // overflow the kernel's default of about 200 KiB before the loop reads it:
  // what is dropped there is dropped blindly, legitimate messages with the
  // flood. As root SO_RCVBUFFORCE passes net.core.rmem_max; otherwise take
  // what rmem_max allows.
  int receive_buffer = kSocketReceiveBuffer;
  if (::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVBUFFORCE, &receive_buffer,
                   sizeof receive_buffer) != 0) {
    (void)::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVBUF, &receive_buffer,
                       sizeof receive_buffer);
  }
  auto any = v6 ? asio::ip::address(asio::ip::address_v6::any())
                : asio::ip::address(asio::ip::address_v4::any());
  socket.bind(asio::ip::udp::endpoint(any, port), error);
  if (error) return asio_error(name + ": bind", error);
  socket.non_blocking(true, error);
  if (error) return asio_error(name + ": non-blocking", error);
  std::uint16_t bound = socket.local_endpoint(error).port();
  if (error) return asio_error(name + ": local address", error);
  return std::unique_ptr<IkeSocket>(new IkeSocket(std::move(socket), family, bound, nat_t));
}

std::string IkeSocket::describe() const {
  return std::string(family_ == ike::AddressFamily::ipv6 ? "IPv6" : "IPv4") + " UDP " +
         std::to_string(port_) + (nat_t_ ? " (NAT-T)" : "");
}

ike::Result<std::optional<ReceivedDatagram>> IkeSocket::receive() {
  sockaddr_storage from{};
  alignas(cmsghdr) char control[256];
  iovec io_vector{buffer_.data(), buffer_.size()};
  msghdr message{};
  message.msg_name = &from;
  message.msg_namelen = sizeof from;
  message.msg_iov = &io_vector;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  ssize_t n;
  do {
    n = ::recvmsg(socket_.native_handle(), &message, MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return std::optional<ReceivedDatagram>{};
    return system_error(describe() + ": recvmsg", errno);
  }
  ReceivedDatagram received;
  received.remote = endpoint_of(from);
  received.local.port = port_;
  if (auto destination = packet_destination(message)) {
    received.local.address = *destination;
  } else {
    received.local.address = ike::IpAddress::zero(family_);
  }
  ike::ByteView payload(buffer_.data(), static_cast<std::size_t>(n));
  if (nat_t_) {
    auto framed = classify_nat_t_datagram(payload);
    received.kind = framed.kind;
    received.message = framed.ike_message;
  } else {
    received.message = payload;
  }
  return std::optional<ReceivedDatagram>(received);
}

ike::Status IkeSocket::send(const ike::sa::Endpoint& local, const ike::sa::Endpoint& remote,
                            ike::ByteView message) {
  return send_with_marker(local, remote, nat_t_, message);
}

ike::Status IkeSocket::send_unframed(const ike::sa::Endpoint& local,
                                     const ike::sa::Endpoint& remote, ike::ByteView payload) {
  return send_with_marker(local, remote, false, payload);
}

ike::Status IkeSocket::send_with_marker(const ike::sa::Endpoint& local,
                                        const ike::sa::Endpoint& remote, bool marker,
                                        ike::ByteView message) {
  sockaddr_storage to;
  socklen_t to_length = sockaddr_of(remote, to);
  iovec parts[2];
  std::size_t part_count = 0;
  if (marker) {
    parts[part_count++] =
        iovec{const_cast<std::uint8_t*>(kNonEspMarker.data()), kNonEspMarker.size()};
  }
  parts[part_count++] = iovec{const_cast<std::uint8_t*>(message.data()), message.size()};
  msghdr header{};
  header.msg_name = &to;
  header.msg_namelen = to_length;
  header.msg_iov = parts;
  header.msg_iovlen = part_count;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in6_pktinfo))] = {};
  if (!local.address.is_zero() && local.address.family() == family_) {
    // Leave from the address the peer talks to (IP_PKTINFO / IPV6_PKTINFO).
    header.msg_control = control;
    cmsghdr* c;
    if (family_ == ike::AddressFamily::ipv4) {
      header.msg_controllen = CMSG_SPACE(sizeof(in_pktinfo));
      c = CMSG_FIRSTHDR(&header);
      c->cmsg_level = IPPROTO_IP;
      c->cmsg_type = IP_PKTINFO;
      c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
      in_pktinfo info{};
      std::memcpy(&info.ipi_spec_dst, local.address.bytes().data(), 4);
      std::memcpy(CMSG_DATA(c), &info, sizeof info);
    } else {
      header.msg_controllen = CMSG_SPACE(sizeof(in6_pktinfo));
      c = CMSG_FIRSTHDR(&header);
      c->cmsg_level = IPPROTO_IPV6;
      c->cmsg_type = IPV6_PKTINFO;
      c->cmsg_len = CMSG_LEN(sizeof(in6_pktinfo));
      in6_pktinfo info{};
      std::memcpy(&info.ipi6_addr, local.address.bytes().data(), 16);
      std::memcpy(CMSG_DATA(c), &info, sizeof info);
    }
  }
  ssize_t n;
  do {
    n = ::sendmsg(socket_.native_handle(), &header, MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    return system_error(describe() + ": send to " + remote.to_string(), errno);
  }
  return {};
}

void IkeSocket::async_wait_readable(std::function<void(const boost::system::error_code&)> handler) {
  socket_.async_wait(asio::ip::udp::socket::wait_read, std::move(handler));
}

void IkeSocket::close() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

}  // namespace ikev2d::runtime
