#pragma once
/// Log lines leave the loop through a bounded queue that a writer thread
/// drains to a file descriptor (stderr), so a slow journald or a full pipe
/// never stalls IKE (DESIGN.md "Scale": synchronous logging was one of the
/// things that made the anchors fall over). When the queue is full the line
/// is dropped and counted; the writer reports the count in the stream.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace ikev2d::runtime {

/// Where formatted lines go; tests record them.
class LineSink {
 public:
  virtual ~LineSink() = default;
  /// Never blocks. Returns false when the line was dropped.
  virtual bool write_line(std::string line) = 0;
};

class LogWriter final : public LineSink {
 public:
  /// Writes to `fd` (not owned) from its own thread; at most `capacity`
  /// lines wait.
  explicit LogWriter(int fd = 2, std::size_t capacity = 16384);
  /// Writes what is queued, then stops the thread.
  ~LogWriter() override;
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  bool write_line(std::string line) override;
  /// Lines dropped so far because the queue was full.
  std::uint64_t dropped() const;
  /// Blocks until every line queued before the call is written.
  void flush();

 private:
  void run();
  void write_all(const std::string& text);

  int fd_;
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable wake_writer_;
  std::condition_variable drained_;
  std::deque<std::string> queue_;
  std::uint64_t dropped_ = 0;
  std::uint64_t dropped_reported_ = 0;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ikev2d::runtime
