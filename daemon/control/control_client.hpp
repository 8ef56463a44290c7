#pragma once
/// ikectl's end of the control socket: blocking, one request at a time.

#include <cstddef>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "control/command.hpp"
#include "ike/error.hpp"

namespace ikev2d::control {

/// Reply lines longer than this are refused (a daemon bug, not a reply).
inline constexpr std::size_t kMaxReplyLineBytes = 16u << 20;

/// Called for every reply line, the result line included: the line's text
/// as received (without newline) and its JSON.
using ReplyLineCallback = std::function<void(const std::string& text, const nlohmann::json& line)>;

class ControlClient {
 public:
  /// Connects to the daemon's socket. The error is one line for the
  /// operator, e.g. "cannot reach ikev2d at /run/ikev2d/ikev2d.sock: No
  /// such file or directory (is ikev2d running?)".
  static ike::Result<ControlClient> connect(const std::string& socket_path);

  ControlClient(ControlClient&& other) noexcept;
  ControlClient& operator=(ControlClient&& other) noexcept;
  ControlClient(const ControlClient&) = delete;
  ControlClient& operator=(const ControlClient&) = delete;
  ~ControlClient();

  /// Sends one request line.
  ike::Status send(const Command& command);

  /// Reads reply lines, handing each to `on_line` as it arrives, until the
  /// result line, which it returns ({"type":"result","ok":...}). Errors: the
  /// daemon closed the connection first, a malformed or oversized line.
  ike::Result<nlohmann::json> read_reply(const ReplyLineCallback& on_line);

  /// Whether a whole reply line is already read, so the next one needs no
  /// wait: a printer flushes only before a wait, not after every line of
  /// `status` on 100,000 SAs.
  bool line_buffered() const noexcept { return buffer_.find('\n', consumed_) != std::string::npos; }

 private:
  explicit ControlClient(int fd) : fd_(fd) {}
  ike::Result<std::string> read_line();

  int fd_ = -1;
  std::string buffer_;
  /// Bytes of buffer_ already handed out as lines; dropped in one go when
  /// the rest is read, so a line costs its own length, not the buffer's.
  std::size_t consumed_ = 0;
};

/// connect, send `command`, read_reply.
ike::Result<nlohmann::json> run_command(const std::string& socket_path, const Command& command,
                                        const ReplyLineCallback& on_line);

}  // namespace ikev2d::control
