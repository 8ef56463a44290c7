#pragma once
/// Runs the shards' engines on several cores (DESIGN.md "Scale", issue 6).
///
/// The loop thread owns everything, shards included; what the pool adds is
/// run(): a fork-join step in which the shards that have work each run it on
/// their own thread, the first on the loop thread itself, and run() returns
/// when all are done. Between steps no worker touches a shard, so commands,
/// reloads and kernel events use the engines directly, as with one shard.
/// Inside a step a shard touches only its own engine; what it shares with
/// the others (the kernel, the log, the sockets) is safe for that
/// (locked_kernel.hpp, LogWriter, sendmsg).

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "runtime/shard.hpp"

namespace ikev2d::runtime {

class ShardPool {
 public:
  /// One thread for every shard but the first, which runs on the caller's.
  explicit ShardPool(std::vector<std::unique_ptr<Shard>> shards);
  ~ShardPool();
  ShardPool(const ShardPool&) = delete;
  ShardPool& operator=(const ShardPool&) = delete;

  std::size_t size() const noexcept { return shards_.size(); }
  Shard& operator[](std::size_t index) noexcept { return *shards_[index]; }
  const Shard& operator[](std::size_t index) const noexcept { return *shards_[index]; }

  /// work(i) for every listed shard, in parallel, returning when all have
  /// finished. The first runs on the calling thread. An exception thrown by
  /// any is rethrown here, after all have finished.
  void run(std::span<const std::size_t> shards, const std::function<void(std::size_t)>& work);
  /// run() over every shard.
  void run_all(const std::function<void(std::size_t)>& work);

 private:
  struct Worker {
    std::thread thread;
    /// The shard to run in the current step; npos: none.
    std::size_t shard = kIdle;
  };
  static constexpr std::size_t kIdle = static_cast<std::size_t>(-1);

  void serve(std::size_t worker);

  std::vector<std::unique_ptr<Shard>> shards_;
  std::vector<Worker> workers_;
  std::mutex mutex_;
  std::condition_variable start_;
  std::condition_variable finished_;
  const std::function<void(std::size_t)>* work_ = nullptr;
  std::size_t running_ = 0;
  std::exception_ptr failure_;
  bool stopping_ = false;
};

}  // namespace ikev2d::runtime
