#pragma once
/// One UDP socket of the daemon: IKE (500) or NAT-T (4500), IPv4 or IPv6.
/// Datagrams are read and written with recvmsg/sendmsg and IP_PKTINFO /
/// IPV6_PKTINFO, so the engine learns which local address each message came
/// to and the answer leaves from that same address (a host with several
/// addresses must not answer from another one: the peer would drop it, and
/// NAT-D would hash the wrong address). On the NAT-T socket the non-ESP
/// marker is stripped on receipt and added on sending (nat_t_framing.hpp).
///
/// The socket is non-blocking; the loop waits for readability with Asio
/// (async_wait) and drains it with receive() until nothing waits.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ip/v6_only.hpp>

#include "ike/error.hpp"
#include "ike/sa/endpoint.hpp"
#include "runtime/nat_t_framing.hpp"

namespace ikev2d::runtime {

struct ReceivedDatagram {
  /// Where it arrived (the packet's destination address and our port).
  ike::sa::Endpoint local;
  ike::sa::Endpoint remote;
  /// For the NAT-T socket: what it was; always `ike` on the IKE socket.
  NatTDatagramKind kind = NatTDatagramKind::ike;
  /// The IKE message (marker stripped); valid until the next receive().
  ike::ByteView message;
};

class IkeSocket {
 public:
  /// Binds the wildcard address of `family` on `port` (0: any free port, for
  /// tests), IPV6_V6ONLY on IPv6, with packet-info reception on.
  static ike::Result<std::unique_ptr<IkeSocket>> open(boost::asio::io_context& io,
                                                      ike::AddressFamily family, std::uint16_t port,
                                                      bool nat_t);

  int native_handle() noexcept { return socket_.native_handle(); }
  ike::AddressFamily family() const noexcept { return family_; }
  /// The bound port (the real one when opened with 0).
  std::uint16_t port() const noexcept { return port_; }
  bool nat_t() const noexcept { return nat_t_; }
  /// "IPv4 UDP 500" / "IPv6 UDP 4500 (NAT-T)".
  std::string describe() const;

  /// Reads one waiting datagram; nullopt when nothing waits.
  ike::Result<std::optional<ReceivedDatagram>> receive();
  /// Sends `message` to `remote` from `local.address` (unless it is zero,
  /// then the kernel picks), with the marker on the NAT-T socket.
  ike::Status send(const ike::sa::Endpoint& local, const ike::sa::Endpoint& remote,
                   ike::ByteView message);
  /// Sends `payload` as it is, without the marker also on the NAT-T socket:
  /// NAT keepalives (RFC 3948 2.3).
  ike::Status send_unframed(const ike::sa::Endpoint& local, const ike::sa::Endpoint& remote,
                            ike::ByteView payload);
  /// Calls `handler` once when a datagram waits (or on error/cancel).
  void async_wait_readable(std::function<void(const boost::system::error_code&)> handler);
  void close();

 private:
  ike::Status send_with_marker(const ike::sa::Endpoint& local, const ike::sa::Endpoint& remote,
                               bool marker, ike::ByteView message);

  IkeSocket(boost::asio::ip::udp::socket socket, ike::AddressFamily family, std::uint16_t port,
            bool nat_t);

  boost::asio::ip::udp::socket socket_;
  ike::AddressFamily family_;
  std::uint16_t port_;
  bool nat_t_;
  ike::Bytes buffer_;
};

}  // namespace ikev2d::runtime
