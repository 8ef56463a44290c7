#include "runtime/shard_pool.hpp"

#include <numeric>

namespace ikev2d::runtime {

ShardPool::ShardPool(std::vector<std::unique_ptr<Shard>> shards) : shards_(std::move(shards)) {
  // The caller's thread is the first worker; one thread for every other shard.
  workers_.resize(shards_.empty() ? 0 : shards_.size() - 1);
  for (std::size_t i = 0; i < workers_.size(); ++i)
    workers_[i].thread = std::thread([this, i] { serve(i); });
}

ShardPool::~ShardPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  start_.notify_all();
  for (auto& worker : workers_)
    worker.thread.join();
}

void ShardPool::serve(std::size_t index) {
  std::unique_lock lock(mutex_);
  for (;;) {
    start_.wait(lock, [&] { return stopping_ || workers_[index].shard != kIdle; });
    if (stopping_) return;
    std::size_t shard = workers_[index].shard;
    const auto* work = work_;
    lock.unlock();
    std::exception_ptr failed;
    try {
      (*work)(shard);
    } catch (...) {
      failed = std::current_exception();
    }
    lock.lock();
    workers_[index].shard = kIdle;
    if (failed && !failure_) failure_ = failed;
    if (--running_ == 0) finished_.notify_one();
  }
}

void ShardPool::run(std::span<const std::size_t> shards,
                    const std::function<void(std::size_t)>& work) {
  if (shards.empty()) return;
  if (shards.size() == 1) {
    // Nothing to overlap with: no hand-off to another thread.
    work(shards.front());
    return;
  }
  {
    std::lock_guard lock(mutex_);
    work_ = &work;
    failure_ = nullptr;
    running_ = shards.size() - 1;
    for (std::size_t i = 1; i < shards.size(); ++i)
      workers_[i - 1].shard = shards[i];
  }
  start_.notify_all();
  std::exception_ptr failed;
  try {
    work(shards.front());
  } catch (...) {
    failed = std::current_exception();
  }
  std::unique_lock lock(mutex_);
  finished_.wait(lock, [&] { return running_ == 0; });
  work_ = nullptr;
  if (!failed) failed = failure_;
  failure_ = nullptr;
  lock.unlock();
  if (failed) std::rethrow_exception(failed);
}

void ShardPool::run_all(const std::function<void(std::size_t)>& work) {
  std::vector<std::size_t> all(shards_.size());
  std::iota(all.begin(), all.end(), std::size_t{0});
  run(all, work);
}

}  // namespace ikev2d::runtime
