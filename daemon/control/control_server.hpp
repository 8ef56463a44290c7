#pragma once
/// The daemon's end of the control socket: a UNIX stream socket that many
/// ikectl clients may use at once, each sending newline-delimited JSON
/// requests (command.hpp) and reading the reply lines its CommandHandler
/// produces. Everything runs on the io_context's thread; no locks.

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>

#include "control/command.hpp"
#include "control/socket_file.hpp"
#include "ike/error.hpp"

namespace ikev2d::control {

class ControlSession;

struct ControlServerOptions {
  std::string socket_path{kDefaultSocketPath};
  /// Applied with chmod after bind() and before listen(), so no client can
  /// connect while the file still has the umask's mode. The owner is the
  /// daemon's user (root).
  mode_t mode = 0600;
  /// kKeepGroup, or a group to chown the socket to (for a mode like 0660).
  gid_t group = kKeepGroup;
  /// A client must send a complete request line within this long of
  /// connecting or of its previous reply's end; then it gets an error line
  /// and is closed.
  std::chrono::milliseconds request_timeout{10'000};
  /// A client that reads nothing of a pending reply for this long is dropped.
  std::chrono::milliseconds write_stall_timeout{60'000};
  /// Reply bytes a client may leave unread across loop turns before it is
  /// dropped. What one handler call queues at once (a `status` of 100,000
  /// SAs) does not count until the loop turns.
  std::size_t max_queued_bytes = 64u << 20;
  /// Clients beyond this many get an error line and are closed.
  std::size_t max_clients = 64;
  /// Where the server reports a dropped client or an accept failure; may be
  /// empty.
  std::function<void(const std::string&)> log;
};

class ControlServer {
 public:
  ControlServer(boost::asio::io_context& io, CommandHandler& handler,
                ControlServerOptions options = {});
  /// stop().
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  /// Creates the socket's directory (0700) if missing, replaces a stale
  /// socket file, refuses if a live daemon answers on the path, binds,
  /// applies mode and group, listens and starts accepting.
  ike::Status start();

  /// Stops accepting, closes every client (their replies become closed())
  /// and removes the socket file if it is still ours. Idempotent.
  void stop();

  /// Clients currently connected.
  std::size_t client_count() const { return sessions_.size(); }

  const ControlServerOptions& options() const { return options_; }

 private:
  void accept_next();
  void on_accept(const boost::system::error_code& error,
                 boost::asio::local::stream_protocol::socket socket);
  void turn_away(boost::asio::local::stream_protocol::socket& socket);
  void log(const std::string& message) const;

  CommandHandler& handler_;
  ControlServerOptions options_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
  boost::asio::steady_timer accept_retry_;
  std::unordered_map<ControlSession*, std::shared_ptr<ControlSession>> sessions_;
  /// Expires with the server: handlers still queued in the io_context check
  /// it before touching `this`.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
  /// The socket file we bound (device, inode), so stop() removes only ours.
  dev_t socket_device_ = 0;
  ino_t socket_inode_ = 0;
  bool listening_ = false;
};

}  // namespace ikev2d::control
