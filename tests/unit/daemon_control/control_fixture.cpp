#include "control_fixture.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <future>

#include <gtest/gtest.h>
#include <boost/asio/post.hpp>

#include "control/control_client.hpp"

namespace ikev2d::control::test {

TempDir::TempDir() {
  char pattern[] = "/tmp/ikectl-test-XXXXXX";
  const char* made = ::mkdtemp(pattern);
  EXPECT_NE(made, nullptr) << std::strerror(errno);
  path_ = made != nullptr ? made : "/tmp";
}

TempDir::~TempDir() {
  std::error_code ignored;
  if (path_ != "/tmp") std::filesystem::remove_all(path_, ignored);
}

LoopThread::LoopThread()
    : guard_(boost::asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}

LoopThread::~LoopThread() {
  guard_.reset();
  io_.stop();
  thread_.join();
}

void LoopThread::call(std::function<void()> work) {
  auto task = std::make_shared<std::packaged_task<void()>>(std::move(work));
  auto done = task->get_future();
  boost::asio::post(io_, [task] { (*task)(); });
  done.get();
}

void FakeHandler::handle(const Command& command, ReplyStreamPtr reply) {
  Behavior behavior;
  {
    std::lock_guard lock(mutex_);
    commands_.push_back(command);
    replies_.push_back(reply);
    behavior = behavior_;
  }
  if (behavior) {
    behavior(command, reply);
  } else {
    reply->finish_ok();
  }
}

void FakeHandler::set_behavior(Behavior behavior) {
  std::lock_guard lock(mutex_);
  behavior_ = std::move(behavior);
}

std::vector<Command> FakeHandler::commands() const {
  std::lock_guard lock(mutex_);
  return commands_;
}

std::vector<ReplyStreamPtr> FakeHandler::replies() const {
  std::lock_guard lock(mutex_);
  return replies_;
}

ServerHarness::ServerHarness() : socket_path_(dir_.file("ctl.sock")) {}

ServerHarness::~ServerHarness() {
  stop_server();
}

ike::Status ServerHarness::start(ControlServerOptions options) {
  if (options.socket_path == kDefaultSocketPath) options.socket_path = socket_path_;
  options.log = [this](const std::string& message) {
    std::lock_guard lock(log_mutex_);
    logs_.push_back(message);
  };
  ike::Status status;
  loop_.call([&] {
    server_ = std::make_unique<ControlServer>(loop_.io(), handler_, options);
    status = server_->start();
  });
  return status;
}

void ServerHarness::stop_server() {
  loop_.call([this] { server_.reset(); });
}

void ServerHarness::stop_server_soon() {
  boost::asio::post(loop_.io(), [this] { server_.reset(); });
}

std::size_t ServerHarness::client_count() {
  std::size_t count = 0;
  loop_.call([&] { count = server_ ? server_->client_count() : 0; });
  return count;
}

std::vector<std::string> ServerHarness::logs() const {
  std::lock_guard lock(log_mutex_);
  return logs_;
}

RawClient::RawClient(const std::string& path) {
  fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    ADD_FAILURE() << "connect " << path << ": " << std::strerror(errno);
    close();
  }
}

RawClient::~RawClient() {
  close();
}

void RawClient::send(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return;  // tests that expect a closed server check replies
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::optional<std::string> RawClient::read_line(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto newline = buffer_.find('\n'); newline != std::string::npos) {
      std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      return line;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || fd_ < 0) return std::nullopt;
    pollfd poll_fd{fd_, POLLIN, 0};
    if (::poll(&poll_fd, 1, static_cast<int>(left.count())) <= 0) continue;
    char chunk[65536];
    ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n <= 0) return std::nullopt;
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

bool RawClient::wait_closed(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd poll_fd{fd_, POLLIN, 0};
    if (::poll(&poll_fd, 1, static_cast<int>(left.count())) <= 0) continue;
    char chunk[65536];
    ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n <= 0) return true;  // EOF, or ECONNRESET when our unread bytes were dropped
  }
}

void RawClient::shutdown_write() {
  ::shutdown(fd_, SHUT_WR);
}

void RawClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void RawClient::set_receive_buffer(int bytes) {
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
}

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

Collected collect(const std::string& path, const Command& command) {
  Collected collected;
  collected.result = run_command(
      path, command,
      [&](const std::string&, const nlohmann::json& line) { collected.lines.push_back(line); });
  return collected;
}

nlohmann::json parse_line(const std::optional<std::string>& line) {
  EXPECT_TRUE(line.has_value());
  return line ? nlohmann::json::parse(*line) : nlohmann::json();
}

nlohmann::json sample_ike_sa(std::uint64_t serial) {
  char spi[17];
  std::snprintf(spi, sizeof spi, "%016llx", static_cast<unsigned long long>(serial));
  nlohmann::json child = {{"name", "net"},
                          {"serial", serial * 2},
                          {"state", "INSTALLED"},
                          {"mode", "tunnel"},
                          {"reqid", serial},
                          {"spi_in", "c1a2b3c4"},
                          {"spi_out", "c5d6e7f8"},
                          {"algorithms", "AES_GCM_16_256"},
                          {"local_ts", {"10.1.0.0/16"}},
                          {"remote_ts", {"10.2.0.0/16"}},
                          {"encapsulated", false},
                          {"bytes_in", 123456789},
                          {"packets_in", 98765},
                          {"bytes_out", 987654321},
                          {"packets_out", 56789},
                          {"rekey_in_seconds", 3000}};
  return {{"type", "ike_sa"},
          {"connection", "office"},
          {"serial", serial},
          {"state", "ESTABLISHED"},
          {"initiator", true},
          {"spi_i", spi},
          {"spi_r", "0102030405060708"},
          {"local", "192.0.2.1[4500]"},
          {"remote", "198.51.100.7[4500]"},
          {"local_id", "C=CH, O=strongSwan Project, CN=moon.strongswan.org"},
          {"remote_id", "C=CH, O=strongSwan Project, CN=sun.strongswan.org"},
          {"algorithms", "AES_GCM_16_256/PRF_HMAC_SHA2_384/CURVE_25519"},
          {"established_seconds", 1234},
          {"rekey_in_seconds", 12345},
          {"nat_local", false},
          {"nat_remote", true},
          {"children", {child}}};
}

}  // namespace ikev2d::control::test
