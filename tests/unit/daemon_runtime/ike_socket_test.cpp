#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>

#include "runtime/ike_socket.hpp"

namespace ikev2d::runtime {
namespace {

/// A plain UDP socket on loopback playing the peer.
class Peer {
 public:
  explicit Peer(bool v6) : v6_(v6) {
    fd_ = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
    if (v6) {
      sockaddr_in6 address{};
      address.sin6_family = AF_INET6;
      address.sin6_addr = in6addr_loopback;
      ok_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    } else {
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      ok_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    }
    sockaddr_storage bound{};
    socklen_t length = sizeof bound;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&bound), &length);
    port_ = v6 ? ntohs(reinterpret_cast<sockaddr_in6&>(bound).sin6_port)
               : ntohs(reinterpret_cast<sockaddr_in&>(bound).sin_port);
  }
  ~Peer() { ::close(fd_); }
  bool ok() const { return ok_; }
  std::uint16_t port() const { return port_; }
  ike::sa::Endpoint endpoint() const {
    return {*ike::IpAddress::parse(v6_ ? "::1" : "127.0.0.1"), port_};
  }
  void send_to(std::uint16_t port, const ike::Bytes& bytes) {
    if (v6_) {
      sockaddr_in6 to{};
      to.sin6_family = AF_INET6;
      to.sin6_addr = in6addr_loopback;
      to.sin6_port = htons(port);
      ::sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
    } else {
      sockaddr_in to{};
      to.sin_family = AF_INET;
      to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      to.sin_port = htons(port);
      ::sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
    }
  }
  ike::Bytes receive() {
    ike::Bytes buffer(2048);
    for (int tries = 0; tries < 200; ++tries) {
      ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), MSG_DONTWAIT);
      if (n >= 0) {
        buffer.resize(static_cast<std::size_t>(n));
        return buffer;
      }
      ::usleep(1000);
    }
    return {};
  }

 private:
  bool v6_;
  int fd_;
  bool ok_ = false;
  std::uint16_t port_ = 0;
};

std::optional<ReceivedDatagram> wait_receive(IkeSocket& socket) {
  for (int tries = 0; tries < 200; ++tries) {
    auto received = socket.receive();
    if (!received) return std::nullopt;
    if (*received) return **received;
    ::usleep(1000);
  }
  return std::nullopt;
}

TEST(IkeSocket, ReceivesWithTheDestinationAddressAndAnswersFromIt) {
  boost::asio::io_context io;
  auto socket = IkeSocket::open(io, ike::AddressFamily::ipv4, 0, false);
  ASSERT_TRUE(socket) << socket.error().reason;
  EXPECT_NE((*socket)->port(), 0);
  Peer peer(false);
  ASSERT_TRUE(peer.ok());
  ike::Bytes message{0x01, 0x02, 0x03, 0x04, 0x05};
  peer.send_to((*socket)->port(), message);
  auto received = wait_receive(**socket);
  ASSERT_TRUE(received);
  EXPECT_EQ(received->kind, NatTDatagramKind::ike);
  EXPECT_EQ(received->local.address.to_string(), "127.0.0.1");
  EXPECT_EQ(received->local.port, (*socket)->port());
  EXPECT_EQ(received->remote, peer.endpoint());
  EXPECT_EQ(ike::Bytes(received->message.begin(), received->message.end()), message);
  // Nothing more waits.
  auto empty = (*socket)->receive();
  ASSERT_TRUE(empty);
  EXPECT_FALSE(*empty);

  ike::Bytes answer{0xaa, 0xbb};
  ASSERT_TRUE((*socket)->send(received->local, received->remote, answer));
  EXPECT_EQ(peer.receive(), answer);  // no marker on the IKE port
}

TEST(IkeSocket, NatTPortStripsAndAddsTheNonEspMarker) {
  boost::asio::io_context io;
  auto socket = IkeSocket::open(io, ike::AddressFamily::ipv4, 0, true);
  ASSERT_TRUE(socket) << socket.error().reason;
  Peer peer(false);
  peer.send_to((*socket)->port(), ike::Bytes{0, 0, 0, 0, 0x21, 0x20});
  auto received = wait_receive(**socket);
  ASSERT_TRUE(received);
  EXPECT_EQ(received->kind, NatTDatagramKind::ike);
  EXPECT_EQ(ike::Bytes(received->message.begin(), received->message.end()),
            (ike::Bytes{0x21, 0x20}));

  peer.send_to((*socket)->port(), ike::Bytes{0xff});
  received = wait_receive(**socket);
  ASSERT_TRUE(received);
  EXPECT_EQ(received->kind, NatTDatagramKind::keepalive);
  peer.send_to((*socket)->port(), ike::Bytes{0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1});
  received = wait_receive(**socket);
  ASSERT_TRUE(received);
  EXPECT_EQ(received->kind, NatTDatagramKind::esp);

  ASSERT_TRUE((*socket)->send(received->local, peer.endpoint(), ike::Bytes{0x21}));
  EXPECT_EQ(peer.receive(), (ike::Bytes{0, 0, 0, 0, 0x21}));
  // RFC 3948 2.3: a NAT keepalive leaves as the bare 0xFF.
  ASSERT_TRUE((*socket)->send_unframed(received->local, peer.endpoint(), ike::Bytes{0xff}));
  EXPECT_EQ(peer.receive(), (ike::Bytes{0xff}));
}

TEST(IkeSocket, Ipv6SocketIsV6OnlyAndReportsTheDestination) {
  boost::asio::io_context io;
  auto socket = IkeSocket::open(io, ike::AddressFamily::ipv6, 0, false);
  if (!socket) GTEST_SKIP() << "no IPv6 here: " << socket.error().reason;
  int v6only = 0;
  socklen_t length = sizeof v6only;
  ASSERT_EQ(::getsockopt((*socket)->native_handle(), IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &length),
            0);
  EXPECT_EQ(v6only, 1);
  Peer peer(true);
  if (!peer.ok()) GTEST_SKIP() << "no IPv6 loopback";
  peer.send_to((*socket)->port(), ike::Bytes{9, 9});
  auto received = wait_receive(**socket);
  ASSERT_TRUE(received);
  EXPECT_EQ(received->local.address.to_string(), "::1");
  EXPECT_EQ(received->remote, peer.endpoint());
  ASSERT_TRUE((*socket)->send(received->local, received->remote, ike::Bytes{7}));
  EXPECT_EQ(peer.receive(), (ike::Bytes{7}));
}

TEST(IkeSocket, BindingAPortInUseFailsWithTheReason) {
  boost::asio::io_context io;
  auto first = IkeSocket::open(io, ike::AddressFamily::ipv4, 0, false);
  ASSERT_TRUE(first);
  auto second = IkeSocket::open(io, ike::AddressFamily::ipv4, (*first)->port(), false);
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().reason.find("bind"), std::string::npos) << second.error().reason;
}

}  // namespace
}  // namespace ikev2d::runtime

namespace ikev2d::runtime {
namespace {

TEST(IkeSocket, HasAReceiveQueueForBursts) {
  boost::asio::io_context io;
  auto socket = IkeSocket::open(io, ike::AddressFamily::ipv4, 0, false);
  ASSERT_TRUE(socket) << socket.error().reason;
  int size = 0;
  socklen_t length = sizeof size;
  ASSERT_EQ(::getsockopt((*socket)->native_handle(), SOL_SOCKET, SO_RCVBUF, &size, &length), 0);
  if (::geteuid() != 0) GTEST_SKIP() << "without root the size is capped by net.core.rmem_max";
  // The kernel reports twice what was asked for (bookkeeping).
  EXPECT_GE(size, 8 << 20);
}

}  // namespace
}  // namespace ikev2d::runtime
