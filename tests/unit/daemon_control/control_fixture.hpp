#pragma once
// Test scaffolding for the control socket: a temporary directory, an
// io_context on its own thread (the daemon's loop), a fake CommandHandler
// the tests script, a ControlServer on a temporary path, and a raw blocking
// client that can misbehave (never read, send garbage, hang up).

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "control/command.hpp"
#include "control/control_server.hpp"

namespace ikev2d::control::test {

using namespace std::chrono_literals;

/// mkdtemp under /tmp (short: socket paths are limited to 107 bytes),
/// removed with its contents at the end.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

/// An io_context running on its own thread until destroyed.
class LoopThread {
 public:
  LoopThread();
  ~LoopThread();
  boost::asio::io_context& io() { return io_; }
  /// Runs `work` on the loop thread and waits for it.
  void call(std::function<void()> work);

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::thread thread_;
};

/// Records each command and its reply; answers as `behavior` says (default:
/// finish_ok at once). Called on the loop thread; read from the test thread
/// under the mutex.
class FakeHandler : public CommandHandler {
 public:
  using Behavior = std::function<void(const Command&, ReplyStreamPtr)>;

  void handle(const Command& command, ReplyStreamPtr reply) override;

  void set_behavior(Behavior behavior);
  std::vector<Command> commands() const;
  std::vector<ReplyStreamPtr> replies() const;

 private:
  mutable std::mutex mutex_;
  Behavior behavior_;
  std::vector<Command> commands_;
  std::vector<ReplyStreamPtr> replies_;
};

/// A ControlServer on <tempdir>/ctl.sock, driven by a LoopThread.
class ServerHarness {
 public:
  ServerHarness();
  ~ServerHarness();

  /// Creates and starts the server on the loop thread; options.socket_path
  /// defaults to socket_path(), options.log records into logs().
  ike::Status start(ControlServerOptions options = {});
  /// Destroys the server (on the loop thread).
  void stop_server();
  /// Destroys the server from a later loop turn; for use on the loop thread.
  void stop_server_soon();

  const std::string& socket_path() const { return socket_path_; }
  TempDir& dir() { return dir_; }
  LoopThread& loop() { return loop_; }
  FakeHandler& handler() { return handler_; }
  std::size_t client_count();
  std::vector<std::string> logs() const;

 private:
  TempDir dir_;
  std::string socket_path_;
  FakeHandler handler_;
  mutable std::mutex log_mutex_;
  std::vector<std::string> logs_;
  LoopThread loop_;
  std::unique_ptr<ControlServer> server_;
};

/// A blocking client speaking raw bytes.
class RawClient {
 public:
  explicit RawClient(const std::string& path);
  ~RawClient();
  bool connected() const { return fd_ >= 0; }
  void send(std::string_view bytes);
  /// The next line (without newline); nullopt on EOF, error or timeout.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout = 10s);
  /// Reads and discards until the server closes; false on timeout.
  bool wait_closed(std::chrono::milliseconds timeout = 10s);
  void shutdown_write();
  void close();
  /// Shrinks the receive buffer so a non-reading client stalls sooner.
  void set_receive_buffer(int bytes);

 private:
  int fd_ = -1;
  std::string buffer_;
};

/// Polls `condition` every few milliseconds until it holds or `timeout`.
bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 10s);

/// Every reply line of one command, run with the library client.
struct Collected {
  std::vector<nlohmann::json> lines;
  ike::Result<nlohmann::json> result = nlohmann::json();
};
Collected collect(const std::string& path, const Command& command);

/// The JSON of a line RawClient read; a test failure if there was none.
nlohmann::json parse_line(const std::optional<std::string>& line);

/// A realistic "ike_sa" record (about 900 bytes) for serial `serial`.
nlohmann::json sample_ike_sa(std::uint64_t serial);

}  // namespace ikev2d::control::test
