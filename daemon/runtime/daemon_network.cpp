// The daemon's UDP sockets and the XFRM event socket (daemon.hpp).

#include <sys/socket.h>

#include "runtime/daemon.hpp"

namespace ikev2d::runtime {

namespace asio = boost::asio;

namespace {

/// Datagrams read per wake-up before the loop turns to other work.
constexpr int kDatagramsPerWakeup = 64;

}  // namespace

ike::Status Daemon::open_sockets() {
  struct Wanted {
    ike::AddressFamily family;
    std::uint16_t port;
    bool nat_t;
  };
  const Wanted wanted[] = {{ike::AddressFamily::ipv4, options_.ike_port, false},
                           {ike::AddressFamily::ipv4, options_.nat_t_port, true},
                           {ike::AddressFamily::ipv6, options_.ike_port, false},
                           {ike::AddressFamily::ipv6, options_.nat_t_port, true}};
  for (const auto& want : wanted) {
    auto socket = IkeSocket::open(io_, want.family, want.port, want.nat_t);
    if (!socket) {
      // A host without IPv6 still runs IKE over IPv4.
      if (want.family == ike::AddressFamily::ipv6) {
        logger_.warning(Subsystem::net, "no IPv6: " + socket.error().reason);
        continue;
      }
      return socket.error();
    }
    int family = want.family == ike::AddressFamily::ipv6 ? AF_INET6 : AF_INET;
    // Our own IPsec policies must never catch IKE (xfrm_kernel.hpp).
    if (auto bypass = xfrm::bypass_ipsec_policies((*socket)->native_handle(), family); !bypass) {
      return ike::make_error(bypass.error().code,
                             (*socket)->describe() + ": policy bypass: " + bypass.error().reason);
    }
    if (want.nat_t) {
      if (auto encap = xfrm::enable_esp_in_udp((*socket)->native_handle()); !encap) {
        return ike::make_error(
            encap.error().code,
            (*socket)->describe() + ": UDP_ENCAP_ESPINUDP: " + encap.error().reason);
      }
    }
    logger_.info(Subsystem::net, "listening on " + (*socket)->describe());
    sockets_.push_back(std::move(*socket));
  }
  for (auto& socket : sockets_)
    watch_socket(*socket);
  return {};
}

void Daemon::watch_socket(IkeSocket& socket) {
  socket.async_wait_readable([this, &socket](const boost::system::error_code& error) {
    if (error || stopped_) return;
    on_socket_readable(socket);
    watch_socket(socket);
  });
}

void Daemon::on_socket_readable(IkeSocket& socket) {
  ike::MonoTime now = begin_input();
  // A batch per wake-up, sorted by owning shard; the shards then handle
  // theirs at once, each on its own thread.
  std::vector<std::vector<ike::sa::Datagram>> inputs(shards_->size());
  for (int i = 0; i < kDatagramsPerWakeup; ++i) {
    auto received = socket.receive();
    if (!received) {
      logger_.warning(Subsystem::net, received.error().reason);
      break;
    }
    if (!*received) break;
    const auto& datagram = **received;
    if (datagram.kind != NatTDatagramKind::ike) {
      // ESP-in-UDP the kernel did not take, keepalives, runts: not for IKE.
      if (datagram.kind != NatTDatagramKind::keepalive) ++dropped_datagrams_;
      if (logger_.enabled(Subsystem::net, LogLevel::debug)) {
        logger_.debug(Subsystem::net, "dropped " + std::string(to_string(datagram.kind)) +
                                          " datagram from " + datagram.remote.to_string() + " on " +
                                          socket.describe());
      }
      continue;
    }
    std::size_t shard = layout_.shard_of_message(datagram.message, datagram.remote.address);
    inputs[shard].push_back(
        ike::sa::Datagram{datagram.local, datagram.remote,
                          ike::Bytes(datagram.message.begin(), datagram.message.end())});
  }
  std::vector<std::size_t> busy;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].empty()) busy.push_back(i);
  }
  shards_->run(busy, [&](std::size_t shard) {
    for (const auto& input : inputs[shard])
      engine(shard).handle_datagram(input, now);
    send_output(shard);
  });
  after_input();
}

IkeSocket* Daemon::socket_for(const ike::sa::Datagram& datagram) const {
  auto family = datagram.remote.address.family();
  // The engine floats to 4500 after NAT detection (RFC 7296 2.23); with
  // --natt-port the NAT-T socket is on another number.
  bool nat_t = datagram.local.port == options_.nat_t_port ||
               (datagram.local.port == ike::sa::kNatTraversalPort &&
                datagram.local.port != options_.ike_port);
  IkeSocket* fallback = nullptr;
  for (auto& socket : sockets_) {
    if (socket->family() != family) continue;
    if (socket->nat_t() == nat_t) return socket.get();
    fallback = socket.get();
  }
  return fallback;
}

void Daemon::send_output(std::size_t shard) {
  while (auto datagram = engine(shard).poll_transmit()) {
    IkeSocket* socket = socket_for(*datagram);
    if (socket == nullptr) {
      logger_.warning(Subsystem::net, "no socket to send to " + datagram->remote.to_string());
      continue;
    }
    if (datagram->nat_keepalive && logger_.enabled(Subsystem::net, LogLevel::debug)) {
      logger_.debug(Subsystem::net, "sending NAT keepalive to " + datagram->remote.to_string() +
                                        " on " + socket->describe());
    }
    // RFC 3948 2.3: a keepalive is the bare 0xFF, without the non-ESP marker.
    auto sent = datagram->nat_keepalive
                    ? socket->send_unframed(datagram->local, datagram->remote, datagram->bytes)
                    : socket->send(datagram->local, datagram->remote, datagram->bytes);
    if (!sent) {
      // IKE retransmits; a lost datagram is not fatal.
      logger_.warning(Subsystem::net, sent.error().reason);
    }
  }
}

void Daemon::watch_kernel_events() {
  if (!kernel_events_) kernel_events_.emplace(io_, kernel_->event_fd());
  kernel_events_->async_wait(asio::posix::stream_descriptor::wait_read,
                             [this](const boost::system::error_code& error) {
                               if (error || stopped_) return;
                               begin_input();
                               if (auto read = kernel_->read_events(*this); !read) {
                                 logger_.warning(Subsystem::knl, read.error().reason);
                               }
                               after_input();
                               watch_kernel_events();
                             });
}

}  // namespace ikev2d::runtime
