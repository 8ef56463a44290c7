#pragma once
/// The I/O shell of ikev2d-load: one Asio loop, one UDP socket bound to each
/// source address:port, one timer at the driver's next deadline, SIGINT and
/// SIGTERM ending the run with a report. It drives the LoadDriver exactly as
/// daemon/runtime drives the engine: wall time first, then the input, then
/// everything poll_transmit() returns, then the timer re-armed.
///
/// One thread; --threads N runs one UdpRunner per thread (load_threads.hpp),
/// each with its own driver and a share of the source endpoints.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "ike/error.hpp"
#include "load/load_driver.hpp"

namespace ikev2d::load {

class UdpRunner {
 public:
  /// Binds every source endpoint; the error names the one that failed
  /// ("bind 10.77.0.1:500: Cannot assign requested address").
  static ike::Result<std::unique_ptr<UdpRunner>> open(const std::vector<ike::sa::Endpoint>& sources,
                                                      LoadDriver& driver);

  /// Runs until the driver has finished (or a signal interrupted it).
  void run();

  /// Datagrams the engine wanted to send from an endpoint we have no socket
  /// for, or that the kernel refused to send.
  std::uint64_t send_errors() const noexcept { return send_errors_; }

 private:
  struct Socket {
    ike::sa::Endpoint local;
    boost::asio::ip::udp::socket socket;
  };
  using EndpointKey = std::pair<ike::IpAddress, std::uint16_t>;

  explicit UdpRunner(LoadDriver& driver);
  void watch(Socket& socket);
  void on_readable(Socket& socket);
  void after_input();
  void send_output();
  void rearm_timer();

  LoadDriver& driver_;
  boost::asio::io_context io_;
  boost::asio::steady_timer timer_;
  boost::asio::signal_set signals_;
  std::vector<std::unique_ptr<Socket>> sockets_;
  std::map<EndpointKey, Socket*> by_endpoint_;
  std::optional<ike::MonoTime> armed_for_;
  std::vector<std::uint8_t> buffer_;
  std::uint64_t send_errors_ = 0;
};

}  // namespace ikev2d::load
