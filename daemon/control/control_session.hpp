#pragma once
/// One client of the control socket (internal to ControlServer): reads one
/// request line at a time, hands it to the CommandHandler, writes the reply
/// lines in order, and reads the next request only once the previous reply
/// is finished and written. Everything runs on the io_context's thread.

#include <array>
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>

#include "control/command.hpp"

namespace ikev2d::control {

/// How long and how much a client may take; see ControlServerOptions.
struct SessionLimits {
  std::chrono::milliseconds request_timeout{10'000};
  std::chrono::milliseconds write_stall_timeout{60'000};
  std::size_t max_queued_bytes = 64u << 20;
};

class ControlSession : public std::enable_shared_from_this<ControlSession> {
 public:
  using Socket = boost::asio::local::stream_protocol::socket;
  using ClosedCallback = std::function<void(ControlSession*)>;
  using LogCallback = std::function<void(const std::string&)>;

  ControlSession(Socket socket, CommandHandler& handler, SessionLimits limits,
                 ClosedCallback on_closed, LogCallback log);

  /// Starts waiting for the first request.
  void start();

  /// Closes the socket now; queued output is dropped, the current reply
  /// becomes closed(). Idempotent.
  void close();

  /// close() without telling the owner (which is going away itself).
  void detach_and_close();

  bool is_closed() const { return closed_; }

  /// Queues one serialized reply line (with its newline) for writing. Drops
  /// the client if replies from earlier loop turns pile up unread beyond
  /// max_queued_bytes.
  void queue_line(std::string line);

  /// The current reply queued its result line: once it is written the next
  /// request is read.
  void finish_reply();

  /// Reply bytes not yet written to the socket.
  std::size_t queued_bytes() const { return queued_bytes_; }

  /// ReplyStream::when_drained for the current reply.
  void when_drained(std::function<void()> ready);

 private:
  enum class Deadline { none, request, write_stall };

  void start_read();
  void on_read(const boost::system::error_code& error, std::size_t size);
  void process_input();
  void dispatch(std::string_view line);
  void refuse_and_close(const std::string& reason);
  void schedule_flush();
  void flush();
  void consume_written(std::size_t bytes);
  void wait_writable();
  void after_drained();
  void release_drained_waiter();
  void arm(Deadline deadline, std::chrono::milliseconds after);
  void on_deadline(Deadline deadline);
  void count_this_turn(std::size_t bytes);
  void log(const std::string& message) const;

  Socket socket_;
  boost::asio::steady_timer timer_;
  CommandHandler& handler_;
  SessionLimits limits_;
  ClosedCallback on_closed_;
  LogCallback log_;

  std::string input_;
  std::array<char, 4096> read_chunk_{};
  bool reading_ = false;
  bool peer_done_sending_ = false;

  ReplyStreamPtr reply_;            ///< the reply being produced or written
  bool reply_finished_ = false;     ///< its result line is queued
  bool close_after_write_ = false;  ///< refuse_and_close(): go once drained
  std::function<void()> drained_waiter_;

  /// Lines in order, each written from where it was serialized (no
  /// concatenation); the front one may be partly written.
  std::deque<std::string> output_;
  std::size_t front_written_ = 0;
  std::size_t queued_bytes_ = 0;
  bool flush_posted_ = false;
  bool waiting_writable_ = false;
  bool wrote_since_armed_ = false;

  /// Bytes queued since the current loop turn began: one handler call may
  /// queue a whole `status` at once; only what stays unread counts.
  std::size_t bytes_this_turn_ = 0;
  bool turn_end_posted_ = false;

  Deadline deadline_ = Deadline::none;
  std::uint64_t deadline_generation_ = 0;
  bool closed_ = false;
};

}  // namespace ikev2d::control
