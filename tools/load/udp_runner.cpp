#include "load/udp_runner.hpp"

#include <sys/socket.h>

#include <chrono>
#include <csignal>

namespace ikev2d::load {

namespace asio = boost::asio;

namespace {

/// Datagrams read per wake-up before the loop turns to other work.
constexpr int kDatagramsPerWakeup = 64;
/// Room for bursts of responses while the loop computes.
constexpr int kSocketBufferBytes = 4 << 20;
/// RFC 3948 2.2: IKE on the NAT-T port goes behind four zero octets.
constexpr std::uint8_t kNonEspMarker[4] = {0, 0, 0, 0};

ike::MonoTime mono_now() {
  return std::chrono::steady_clock::now();
}
ike::WallTime wall_now() {
  return std::chrono::system_clock::now();
}

asio::ip::address to_asio(const ike::IpAddress& address) {
  if (address.is_v4()) {
    asio::ip::address_v4::bytes_type bytes;
    std::copy(address.bytes().begin(), address.bytes().end(), bytes.begin());
    return asio::ip::address_v4(bytes);
  }
  asio::ip::address_v6::bytes_type bytes;
  std::copy(address.bytes().begin(), address.bytes().end(), bytes.begin());
  return asio::ip::address_v6(bytes);
}

ike::sa::Endpoint from_asio(const asio::ip::udp::endpoint& endpoint) {
  ike::sa::Endpoint out;
  auto address = endpoint.address();
  if (address.is_v4()) {
    out.address = ike::IpAddress::v4(address.to_v4().to_bytes());
  } else {
    out.address = ike::IpAddress::v6(address.to_v6().to_bytes());
  }
  out.port = endpoint.port();
  return out;
}

}  // namespace

UdpRunner::UdpRunner(LoadDriver& driver)
    : driver_(driver), timer_(io_), signals_(io_, SIGINT, SIGTERM), buffer_(65536) {}

ike::Result<std::unique_ptr<UdpRunner>> UdpRunner::open(
    const std::vector<ike::sa::Endpoint>& sources, LoadDriver& driver) {
  std::unique_ptr<UdpRunner> runner(new UdpRunner(driver));
  for (const auto& source : sources) {
    auto socket = std::make_unique<Socket>(Socket{source, asio::ip::udp::socket(runner->io_)});
    asio::ip::udp::endpoint local(to_asio(source.address), source.port);
    boost::system::error_code error;
    socket->socket.open(local.protocol(), error);
    if (!error) socket->socket.bind(local, error);
    if (!error) socket->socket.non_blocking(true, error);
    if (error) {
      return ike::make_error(ike::Errc::io_error,
                             "bind " + source.to_string() + ": " + error.message());
    }
    // Best effort: a small buffer only means more retransmissions.
    int size = kSocketBufferBytes;
    ::setsockopt(socket->socket.native_handle(), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    ::setsockopt(socket->socket.native_handle(), SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    runner->by_endpoint_[{source.address, source.port}] = socket.get();
    runner->sockets_.push_back(std::move(socket));
  }
  return runner;
}

void UdpRunner::run() {
  signals_.async_wait([this](const boost::system::error_code& error, int) {
    if (error) return;
    driver_.interrupt(mono_now());
    io_.stop();
  });
  for (auto& socket : sockets_)
    watch(*socket);
  driver_.start(mono_now(), wall_now());
  after_input();
  if (!driver_.finished()) io_.run();
}

void UdpRunner::watch(Socket& socket) {
  socket.socket.async_wait(asio::ip::udp::socket::wait_read,
                           [this, &socket](const boost::system::error_code& error) {
                             if (error || driver_.finished()) return;
                             on_readable(socket);
                             watch(socket);
                           });
}

void UdpRunner::on_readable(Socket& socket) {
  for (int i = 0; i < kDatagramsPerWakeup; ++i) {
    asio::ip::udp::endpoint from;
    boost::system::error_code error;
    std::size_t size = socket.socket.receive_from(asio::buffer(buffer_), from, 0, error);
    if (error) break;  // would_block, or an ICMP error: IKE retransmits
    ike::sa::Endpoint remote = from_asio(from);
    std::size_t skip = 0;
    if (remote.port == ike::sa::kNatTraversalPort) {
      // Strip the non-ESP marker; anything else (keepalives) is not IKE.
      if (size < 4 || std::equal(buffer_.begin(), buffer_.begin() + 4, kNonEspMarker) == false) {
        continue;
      }
      skip = 4;
    }
    ike::sa::Datagram datagram{socket.local, remote,
                               ike::Bytes(buffer_.begin() + static_cast<std::ptrdiff_t>(skip),
                                          buffer_.begin() + static_cast<std::ptrdiff_t>(size))};
    ike::MonoTime now = mono_now();
    driver_.handle_datagram(datagram, now, wall_now());
    if (driver_.finished()) break;
  }
  after_input();
}

void UdpRunner::after_input() {
  send_output();
  if (driver_.finished()) {
    timer_.cancel();
    signals_.cancel();
    io_.stop();
    return;
  }
  rearm_timer();
}

void UdpRunner::send_output() {
  while (auto datagram = driver_.poll_transmit()) {
    auto it = by_endpoint_.find({datagram->local.address, datagram->local.port});
    if (it == by_endpoint_.end()) {
      ++send_errors_;
      continue;
    }
    asio::ip::udp::endpoint to(to_asio(datagram->remote.address), datagram->remote.port);
    boost::system::error_code error;
    bool marker = datagram->remote.port == ike::sa::kNatTraversalPort && !datagram->nat_keepalive;
    if (marker) {
      std::array<asio::const_buffer, 2> parts{asio::buffer(kNonEspMarker),
                                              asio::buffer(datagram->bytes)};
      it->second->socket.send_to(parts, to, 0, error);
    } else {
      it->second->socket.send_to(asio::buffer(datagram->bytes), to, 0, error);
    }
    if (error) ++send_errors_;  // IKE retransmits
  }
}

void UdpRunner::rearm_timer() {
  auto deadline = driver_.next_deadline();
  if (deadline == armed_for_) return;
  armed_for_ = deadline;
  if (!deadline) {
    timer_.cancel();
    return;
  }
  timer_.expires_at(*deadline);
  timer_.async_wait([this, armed = *deadline](const boost::system::error_code& error) {
    if (error || armed_for_ != armed) return;
    armed_for_.reset();
    driver_.handle_timeout(mono_now(), wall_now());
    after_input();
  });
}

}  // namespace ikev2d::load
