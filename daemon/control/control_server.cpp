#include "control/control_server.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <utility>
#include <vector>

#include "control/control_session.hpp"

namespace ikev2d::control {
namespace {

namespace asio = boost::asio;
using stream_protocol = asio::local::stream_protocol;

constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

ike::Error io_error(std::string reason) {
  return ike::make_error(ike::Errc::io_error, std::move(reason));
}

}  // namespace

ControlServer::ControlServer(asio::io_context& io, CommandHandler& handler,
                             ControlServerOptions options)
    : handler_(handler), options_(std::move(options)), acceptor_(io), accept_retry_(io) {}

ControlServer::~ControlServer() {
  stop();
}

ike::Status ControlServer::start() {
  if (listening_) return io_error("control socket already listening on " + options_.socket_path);
  const std::string& path = options_.socket_path;
  if (auto status = check_socket_path(path); !status) return status;
  if (auto status = ensure_socket_directory(path); !status) return status;
  if (auto status = claim_socket_path(path); !status) return status;

  boost::system::error_code error;
  acceptor_.open(stream_protocol(), error);
  if (!error) set_close_on_exec(acceptor_.native_handle());
  if (!error) acceptor_.bind(stream_protocol::endpoint(path), error);
  if (error) {
    acceptor_.close(error);
    return io_error("cannot bind control socket " + path + ": " + error.message());
  }
  // Before listen(): until then a connect() is refused, so the file's
  // initial (umask) mode never lets anyone in.
  struct stat info {};
  auto status = set_socket_permissions(path, options_.mode, options_.group);
  if (status && ::stat(path.c_str(), &info) != 0) status = io_error("cannot stat " + path);
  if (status) acceptor_.listen(stream_protocol::acceptor::max_listen_connections, error);
  if (!status || error) {
    acceptor_.close(error);
    ::unlink(path.c_str());
    if (!status) return status;
    return io_error("cannot listen on control socket " + path + ": " + error.message());
  }
  socket_device_ = info.st_dev;
  socket_inode_ = info.st_ino;
  listening_ = true;
  accept_next();
  return {};
}

void ControlServer::stop() {
  boost::system::error_code ignored;
  accept_retry_.cancel();
  if (listening_) {
    acceptor_.close(ignored);
    listening_ = false;
    struct stat info {};
    const std::string& path = options_.socket_path;
    if (::lstat(path.c_str(), &info) == 0 && info.st_dev == socket_device_ &&
        info.st_ino == socket_inode_) {
      ::unlink(path.c_str());
    }
  }
  std::vector<std::shared_ptr<ControlSession>> sessions;
  for (auto& [pointer, session] : sessions_)
    sessions.push_back(session);
  sessions_.clear();
  for (auto& session : sessions)
    session->detach_and_close();
  // Queued accept handlers must not touch a stopped (or destroyed) server.
  alive_ = std::make_shared<int>(0);
}

void ControlServer::accept_next() {
  acceptor_.async_accept(
      [this, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& error,
                                                 stream_protocol::socket socket) {
        if (alive.expired()) return;
        on_accept(error, std::move(socket));
      });
}

void ControlServer::on_accept(const boost::system::error_code& error,
                              stream_protocol::socket socket) {
  if (!listening_ || error == asio::error::operation_aborted) return;
  if (error) {
    // EMFILE and the like: try again a little later rather than spin.
    log("control socket: accept failed: " + error.message());
    accept_retry_.expires_after(kAcceptRetryDelay);
    accept_retry_.async_wait(
        [this, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& wait_error) {
          if (alive.expired() || wait_error) return;
          accept_next();
        });
    return;
  }
  set_close_on_exec(socket.native_handle());
  if (sessions_.size() >= options_.max_clients) {
    turn_away(socket);
  } else {
    SessionLimits limits{options_.request_timeout, options_.write_stall_timeout,
                         options_.max_queued_bytes};
    auto session = std::make_shared<ControlSession>(
        std::move(socket), handler_, limits,
        [this](ControlSession* closed) { sessions_.erase(closed); }, options_.log);
    sessions_.emplace(session.get(), session);
    session->start();
  }
  accept_next();
}

void ControlServer::turn_away(stream_protocol::socket& socket) {
  log("control socket: refusing a client: " + std::to_string(sessions_.size()) +
      " clients connected already");
  // A fresh socket's send buffer is empty: a short line never blocks.
  static constexpr std::string_view kBusy =
      R"({"type":"result","ok":false,"error":"too many control clients, try again later"})"
      "\n";
  boost::system::error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(asio::buffer(kBusy), ignored);
  socket.close(ignored);
}

void ControlServer::log(const std::string& message) const {
  if (options_.log) options_.log(message);
}

}  // namespace ikev2d::control
