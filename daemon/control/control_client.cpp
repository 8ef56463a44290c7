#include "control/control_client.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "control/request_codec.hpp"
#include "control/socket_file.hpp"

namespace ikev2d::control {
namespace {

ike::Error io_error(std::string reason) {
  return ike::make_error(ike::Errc::io_error, std::move(reason));
}

std::string connect_hint(int error) {
  switch (error) {
    case ENOENT:
    case ECONNREFUSED:
      return " (is ikev2d running?)";
    case EACCES:
    case EPERM:
      return " (the control socket is for root)";
    default:
      return "";
  }
}

}  // namespace

ike::Result<ControlClient> ControlClient::connect(const std::string& socket_path) {
  std::string prefix = "cannot reach ikev2d at " + socket_path + ": ";
  if (auto status = check_socket_path(socket_path); !status) {
    return io_error(prefix + status.error().reason);
  }
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return io_error(prefix + std::strerror(errno));
  ControlClient client(fd);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, socket_path.data(), socket_path.size());
  int result;
  do {
    result = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
  } while (result != 0 && errno == EINTR);
  if (result != 0) {
    int error = errno;
    return io_error(prefix + std::strerror(error) + connect_hint(error));
  }
  return client;
}

ControlClient::ControlClient(ControlClient&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      buffer_(std::move(other.buffer_)),
      consumed_(std::exchange(other.consumed_, 0)) {}

ControlClient& ControlClient::operator=(ControlClient&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    buffer_ = std::move(other.buffer_);
    consumed_ = std::exchange(other.consumed_, 0);
  }
  return *this;
}

ControlClient::~ControlClient() {
  if (fd_ >= 0) ::close(fd_);
}

ike::Status ControlClient::send(const Command& command) {
  std::string line = encode_request(command) + '\n';
  std::size_t sent = 0;
  while (sent < line.size()) {
    // MSG_NOSIGNAL: a daemon that went away is an error, not a SIGPIPE.
    ssize_t n = ::send(fd_, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error(std::string("cannot send the request: ") + std::strerror(errno));
    sent += static_cast<std::size_t>(n);
  }
  return {};
}

ike::Result<std::string> ControlClient::read_line() {
  std::size_t scanned = consumed_;
  for (;;) {
    auto newline = buffer_.find('\n', scanned);
    if (newline != std::string::npos) {
      std::string line = buffer_.substr(consumed_, newline - consumed_);
      consumed_ = newline + 1;
      return line;
    }
    buffer_.erase(0, consumed_);
    scanned = buffer_.size();
    consumed_ = 0;
    if (buffer_.size() > kMaxReplyLineBytes) {
      return io_error("reply line from ikev2d longer than " + std::to_string(kMaxReplyLineBytes) +
                      " bytes");
    }
    char chunk[65536];
    ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error(std::string("cannot read the reply: ") + std::strerror(errno));
    if (n == 0) return io_error("ikev2d closed the connection before the result");
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

ike::Result<nlohmann::json> ControlClient::read_reply(const ReplyLineCallback& on_line) {
  for (;;) {
    auto text = read_line();
    if (!text) return std::move(text).error();
    auto line = nlohmann::json::parse(*text, nullptr, false);
    if (line.is_discarded() || !line.is_object() || !line.contains("type") ||
        !line["type"].is_string()) {
      return io_error("malformed reply line from ikev2d: " + printable_for_message(*text));
    }
    if (on_line) on_line(*text, line);
    if (line["type"] == "result") {
      if (!line.contains("ok") || !line["ok"].is_boolean()) {
        return io_error("malformed result line from ikev2d: " + printable_for_message(*text));
      }
      return line;
    }
  }
}

ike::Result<nlohmann::json> run_command(const std::string& socket_path, const Command& command,
                                        const ReplyLineCallback& on_line) {
  auto client = ControlClient::connect(socket_path);
  if (!client) return std::move(client).error();
  if (auto status = client->send(command); !status) return std::move(status).error();
  return client->read_reply(on_line);
}

}  // namespace ikev2d::control
