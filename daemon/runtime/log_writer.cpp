#include "runtime/log_writer.hpp"

#include <unistd.h>

#include <cerrno>

namespace ikev2d::runtime {

LogWriter::LogWriter(int fd, std::size_t capacity)
    : fd_(fd), capacity_(capacity), thread_([this] { run(); }) {}

LogWriter::~LogWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_writer_.notify_one();
  thread_.join();
}

bool LogWriter::write_line(std::string line) {
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= capacity_) {
      ++dropped_;
      return false;
    }
    queue_.push_back(std::move(line));
  }
  wake_writer_.notify_one();
  return true;
}

std::uint64_t LogWriter::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

void LogWriter::flush() {
  std::unique_lock lock(mutex_);
  drained_.wait(lock, [this] { return (queue_.empty() && !busy_) || stopping_; });
}

void LogWriter::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_writer_.wait(lock, [this] { return !queue_.empty() || stopping_; });
    if (queue_.empty() && stopping_) break;
    std::deque<std::string> batch;
    batch.swap(queue_);
    std::uint64_t new_drops = dropped_ - dropped_reported_;
    dropped_reported_ = dropped_;
    busy_ = true;
    lock.unlock();
    // One write per batch: fewer system calls when the loop is busy.
    std::string text;
    for (const auto& line : batch)
      text += line;
    if (new_drops != 0) {
      text += "ikev2d: log queue full, " + std::to_string(new_drops) + " line(s) dropped\n";
    }
    write_all(text);
    lock.lock();
    busy_ = false;
    if (queue_.empty()) drained_.notify_all();
  }
  drained_.notify_all();
}

void LogWriter::write_all(const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // stderr is gone: nothing better to do than drop
    }
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace ikev2d::runtime
