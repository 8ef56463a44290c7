#include "control/control_session.hpp"

#include <sys/socket.h>
#include <sys/uio.h>

#include <cassert>
#include <cerrno>
#include <exception>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>

#include "control/request_codec.hpp"

namespace ikev2d::control {
namespace {

namespace asio = boost::asio;

/// Lines handed to one sendmsg() (Linux's IOV_MAX is 1024).
constexpr std::size_t kMaxLinesPerSend = 256;

/// Never throws: invalid UTF-8 from the runtime (a peer's identity, say)
/// becomes U+FFFD instead of an exception in the event loop.
std::string serialize_line(const nlohmann::json& line) {
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + '\n';
}

std::string result_line(bool ok, nlohmann::json fields) {
  nlohmann::json line = nlohmann::json::object();
  line["type"] = "result";
  line["ok"] = ok;
  if (fields.is_object()) {
    for (auto& [key, value] : fields.items()) {
      if (key != "type" && key != "ok") line[key] = std::move(value);
    }
  } else if (!fields.is_null()) {
    line["value"] = std::move(fields);
  }
  return serialize_line(line);
}

/// The ReplyStream a handler gets: forwards lines to its session while the
/// session lives and the reply is not finished.
class SessionReply final : public ReplyStream {
 public:
  SessionReply(std::weak_ptr<ControlSession> session, asio::any_io_executor executor)
      : session_(std::move(session)), executor_(std::move(executor)) {}

  void send(const nlohmann::json& line) override {
    assert(line.is_object() && line.contains("type"));
    if (auto session = live_session()) session->queue_line(serialize_line(line));
  }

  // Already JSON text (status records): no parse and dump on the way.
  void send_serialized(std::string line) override {
    assert(line.find('\n') == std::string::npos);  // one line: the framing
    if (auto session = live_session()) session->queue_line(std::move(line) + '\n');
  }

  void finish_ok(nlohmann::json result) override { finish(result_line(true, std::move(result))); }

  void finish_error(const std::string& reason) override {
    finish(result_line(false, nlohmann::json{{"error", reason}}));
  }

  bool closed() const override { return live_session() == nullptr; }

  std::size_t queued_bytes() const override {
    auto session = session_.lock();
    return session ? session->queued_bytes() : 0;
  }

  void when_drained(std::function<void()> ready) override {
    if (auto session = live_session()) {
      session->when_drained(std::move(ready));
    } else {
      // Finished or hung up: wake the producer at once (it sees closed()),
      // still from a later handler, and never touch a session's next reply.
      asio::post(executor_, std::move(ready));
    }
  }

 private:
  std::shared_ptr<ControlSession> live_session() const {
    if (finished_) return nullptr;
    auto session = session_.lock();
    if (!session || session->is_closed()) return nullptr;
    return session;
  }

  void finish(std::string line) {
    auto session = live_session();
    finished_ = true;
    if (!session) return;
    session->queue_line(std::move(line));
    session->finish_reply();
  }

  std::weak_ptr<ControlSession> session_;
  asio::any_io_executor executor_;
  bool finished_ = false;
};

}  // namespace

ControlSession::ControlSession(Socket socket, CommandHandler& handler, SessionLimits limits,
                               ClosedCallback on_closed, LogCallback log)
    : socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      handler_(handler),
      limits_(limits),
      on_closed_(std::move(on_closed)),
      log_(std::move(log)) {}

void ControlSession::start() {
  arm(Deadline::request, limits_.request_timeout);
  start_read();
}

void ControlSession::close() {
  if (closed_) return;
  auto keep_alive = shared_from_this();  // the owner may drop its reference below
  closed_ = true;
  ++deadline_generation_;
  timer_.cancel();
  boost::system::error_code ignored;
  socket_.shutdown(Socket::shutdown_both, ignored);
  socket_.close(ignored);
  output_.clear();
  front_written_ = 0;
  queued_bytes_ = 0;
  reply_.reset();
  release_drained_waiter();  // a paused producer must learn the reply closed
  if (auto on_closed = std::move(on_closed_)) on_closed(this);
}

void ControlSession::detach_and_close() {
  on_closed_ = nullptr;
  close();
}

// Reading: while a reply is in progress we keep reading (bounded) so a
// hang-up is noticed; bytes that arrive are the next request, kept for later.
void ControlSession::start_read() {
  if (closed_ || reading_ || peer_done_sending_) return;
  if (input_.size() > kMaxRequestBytes) return;  // enough to decide; wait for the reply
  reading_ = true;
  socket_.async_read_some(
      asio::buffer(read_chunk_),
      [self = shared_from_this()](const boost::system::error_code& error, std::size_t size) {
        self->on_read(error, size);
      });
}

void ControlSession::on_read(const boost::system::error_code& error, std::size_t size) {
  reading_ = false;
  if (closed_ || close_after_write_) return;  // refused: nothing more is read
  if (error == asio::error::eof) {
    // The client sent all it will send; a last line without newline counts.
    peer_done_sending_ = true;
    if (!input_.empty() && input_.back() != '\n') input_ += '\n';
  } else if (error) {
    close();
    return;
  } else {
    input_.append(read_chunk_.data(), size);
  }
  if (reply_ == nullptr) {
    process_input();
  } else {
    start_read();
  }
}

void ControlSession::process_input() {
  auto newline = input_.find('\n');
  if (newline != std::string::npos && newline <= kMaxRequestBytes) {
    std::string line = input_.substr(0, newline);
    input_.erase(0, newline + 1);
    dispatch(line);
    return;
  }
  if (newline != std::string::npos || input_.size() > kMaxRequestBytes) {
    refuse_and_close("request longer than " + std::to_string(kMaxRequestBytes) + " bytes");
    return;
  }
  if (peer_done_sending_) {
    if (output_.empty()) {
      close();
    } else {
      close_after_write_ = true;
    }
    return;
  }
  start_read();
}

void ControlSession::dispatch(std::string_view line) {
  ++deadline_generation_;  // no deadline while the handler works: `up` may take a while
  deadline_ = Deadline::none;
  timer_.cancel();
  reply_finished_ = false;
  auto reply = std::make_shared<SessionReply>(weak_from_this(), socket_.get_executor());
  reply_ = reply;
  auto command = parse_request(line);
  if (!command) {
    reply->finish_error(command.error().reason);
  } else {
    // No exception may leave an event-loop handler (DESIGN.md "Errors").
    try {
      handler_.handle(*command, reply);
    } catch (const std::exception& e) {
      log(std::string("command handler threw: ") + e.what());
      reply->finish_error(std::string("internal error: ") + e.what());
    } catch (...) {
      log("command handler threw a non-standard exception");
      reply->finish_error("internal error");
    }
  }
  start_read();
}

void ControlSession::refuse_and_close(const std::string& reason) {
  peer_done_sending_ = true;
  input_.clear();
  queue_line(result_line(false, nlohmann::json{{"error", reason}}));
  close_after_write_ = true;
}

void ControlSession::queue_line(std::string line) {
  if (closed_) return;
  std::size_t unread_from_earlier_turns =
      queued_bytes_ > bytes_this_turn_ ? queued_bytes_ - bytes_this_turn_ : 0;
  if (unread_from_earlier_turns > limits_.max_queued_bytes) {
    log("dropping a control client: " + std::to_string(unread_from_earlier_turns) +
        " bytes of replies unread, over the " + std::to_string(limits_.max_queued_bytes) +
        "-byte limit");
    close();
    return;
  }
  count_this_turn(line.size());
  queued_bytes_ += line.size();
  output_.push_back(std::move(line));
  schedule_flush();
}

void ControlSession::count_this_turn(std::size_t bytes) {
  bytes_this_turn_ += bytes;
  if (turn_end_posted_) return;
  turn_end_posted_ = true;
  // Runs after every handler already queued on the loop, i.e. after this turn.
  asio::post(socket_.get_executor(), [weak = weak_from_this()] {
    if (auto self = weak.lock()) {
      self->bytes_this_turn_ = 0;
      self->turn_end_posted_ = false;
    }
  });
}

void ControlSession::finish_reply() {
  reply_finished_ = true;
  release_drained_waiter();  // the waiter belonged to the reply that ended
}

// Writing: once per loop turn (so a handler's many send() calls cost one
// system call, not one each), write as much as the socket takes with
// gathered sendmsg() calls; then wait until it is writable again.
void ControlSession::schedule_flush() {
  if (closed_ || flush_posted_ || waiting_writable_) return;
  flush_posted_ = true;
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    self->flush_posted_ = false;
    self->flush();
  });
}

void ControlSession::flush() {
  while (!closed_ && !output_.empty()) {
    std::array<iovec, kMaxLinesPerSend> pieces;
    std::size_t count = 0;
    for (auto line = output_.begin(); line != output_.end() && count < pieces.size(); ++line) {
      std::size_t skip = count == 0 ? front_written_ : 0;
      pieces[count++] = iovec{line->data() + skip, line->size() - skip};
    }
    msghdr message{};
    message.msg_iov = pieces.data();
    message.msg_iovlen = count;
    // MSG_NOSIGNAL: a client that hung up is EPIPE, not a SIGPIPE.
    ssize_t sent = ::sendmsg(socket_.native_handle(), &message, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      wait_writable();
      return;
    }
    if (sent < 0) {
      close();  // EPIPE / ECONNRESET: the client hung up
      return;
    }
    consume_written(static_cast<std::size_t>(sent));
  }
  if (!closed_) after_drained();
}

void ControlSession::consume_written(std::size_t bytes) {
  wrote_since_armed_ = wrote_since_armed_ || bytes > 0;
  queued_bytes_ -= bytes;
  while (bytes > 0) {
    std::size_t left_in_front = output_.front().size() - front_written_;
    if (bytes < left_in_front) {
      front_written_ += bytes;
      break;
    }
    bytes -= left_in_front;
    front_written_ = 0;
    output_.pop_front();
  }
  if (queued_bytes_ < kDrainedBytes) release_drained_waiter();
}

void ControlSession::wait_writable() {
  waiting_writable_ = true;
  // The stall clock restarts whenever the client took some bytes.
  if (deadline_ != Deadline::write_stall || wrote_since_armed_) {
    arm(Deadline::write_stall, limits_.write_stall_timeout);
    wrote_since_armed_ = false;
  }
  socket_.async_wait(Socket::wait_write,
                     [self = shared_from_this()](const boost::system::error_code& error) {
                       self->waiting_writable_ = false;
                       if (self->closed_) return;
                       if (error) {
                         self->close();
                         return;
                       }
                       self->flush();
                     });
}

void ControlSession::when_drained(std::function<void()> ready) {
  drained_waiter_ = std::move(ready);
  if (closed_ || queued_bytes_ < kDrainedBytes) release_drained_waiter();
}

void ControlSession::release_drained_waiter() {
  if (!drained_waiter_) return;
  // From a later handler: the producer must not re-enter us mid-flush.
  asio::post(socket_.get_executor(), std::move(drained_waiter_));
  drained_waiter_ = nullptr;
}

void ControlSession::after_drained() {
  ++deadline_generation_;
  deadline_ = Deadline::none;
  timer_.cancel();
  if (close_after_write_) {
    close();
    return;
  }
  if (reply_ == nullptr || !reply_finished_) return;  // the handler is still at work
  reply_.reset();
  arm(Deadline::request, limits_.request_timeout);
  process_input();
}

void ControlSession::arm(Deadline deadline, std::chrono::milliseconds after) {
  deadline_ = deadline;
  std::uint64_t generation = ++deadline_generation_;
  timer_.expires_after(after);
  timer_.async_wait(
      [weak = weak_from_this(), deadline, generation](const boost::system::error_code& error) {
        auto self = weak.lock();
        if (error || !self || self->deadline_generation_ != generation) return;
        self->on_deadline(deadline);
      });
}

void ControlSession::on_deadline(Deadline deadline) {
  deadline_ = Deadline::none;
  if (closed_) return;
  if (deadline == Deadline::write_stall || close_after_write_) {
    log("dropping a control client that stopped reading its reply");
    close();
    return;
  }
  auto milliseconds = limits_.request_timeout.count();
  refuse_and_close("no complete request within " + (milliseconds % 1000 == 0
                                                        ? std::to_string(milliseconds / 1000) + " s"
                                                        : std::to_string(milliseconds) + " ms"));
}

void ControlSession::log(const std::string& message) const {
  if (log_) log_(message);
}

}  // namespace ikev2d::control
