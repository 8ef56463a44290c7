#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "runtime/shard_pool.hpp"
#include "support/engine_fixtures.hpp"
#include "support/fake_kernel.hpp"

namespace ikev2d::runtime {
namespace {

class ShardPoolTest : public ::testing::Test {
 protected:
  std::unique_ptr<ShardPool> pool(std::size_t count) {
    std::vector<std::unique_ptr<Shard>> shards;
    for (std::size_t i = 0; i < count; ++i) {
      ike::sa::EngineSettings settings;
      settings.shard = static_cast<std::uint8_t>(i);
      settings.shard_bits = 2;
      shards.push_back(std::make_unique<Shard>(settings, kernel_, events_, credentials_));
    }
    return std::make_unique<ShardPool>(std::move(shards));
  }

  ike::test::FakeKernel kernel_;
  ike::test::EventRecorder events_;
  std::shared_ptr<ike::test::MemoryCredentials> credentials_ =
      std::make_shared<ike::test::MemoryCredentials>();
};

TEST_F(ShardPoolTest, RunsEveryShardOnceAndAtTheSameTime) {
  auto shards = pool(3);
  std::mutex mutex;
  std::condition_variable all_arrived;
  std::size_t arrived = 0;
  std::set<std::size_t> ran;
  std::set<std::thread::id> threads;
  bool overlapped = true;
  shards->run_all([&](std::size_t shard) {
    std::unique_lock lock(mutex);
    ran.insert(shard);
    threads.insert(std::this_thread::get_id());
    if (++arrived == 3) all_arrived.notify_all();
    // Only shards that run at once can all be here together.
    if (!all_arrived.wait_for(lock, std::chrono::seconds(10), [&] { return arrived == 3; }))
      overlapped = false;
  });
  EXPECT_EQ(ran, (std::set<std::size_t>{0, 1, 2}));
  EXPECT_EQ(threads.size(), 3U);
  EXPECT_TRUE(threads.count(std::this_thread::get_id()));
  EXPECT_TRUE(overlapped);
}

TEST_F(ShardPoolTest, RunsOnlyTheListedShardsAndOneOnTheCallersThread) {
  auto shards = pool(3);
  std::mutex mutex;
  std::set<std::size_t> ran;
  const std::size_t listed[] = {2};
  std::thread::id runner;
  shards->run(listed, [&](std::size_t shard) {
    std::lock_guard lock(mutex);
    ran.insert(shard);
    runner = std::this_thread::get_id();
  });
  EXPECT_EQ(ran, std::set<std::size_t>{2});
  EXPECT_EQ(runner, std::this_thread::get_id());
  shards->run({}, [&](std::size_t) { FAIL() << "nothing listed"; });
}

TEST_F(ShardPoolTest, AFailureReachesTheCallerAfterEveryShardFinished) {
  auto shards = pool(2);
  std::atomic<int> finished{0};
  EXPECT_THROW(shards->run_all([&](std::size_t shard) {
    if (shard == 1) throw std::runtime_error("shard 1 failed");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ++finished;
  }),
               std::runtime_error);
  EXPECT_EQ(finished.load(), 1);
  // The pool goes on serving.
  std::atomic<int> runs{0};
  for (int step = 0; step < 100; ++step)
    shards->run_all([&](std::size_t) { ++runs; });
  EXPECT_EQ(runs.load(), 200);
}

TEST_F(ShardPoolTest, EachShardHasItsOwnEngine) {
  auto shards = pool(2);
  EXPECT_NE(&(*shards)[0].engine(), &(*shards)[1].engine());
  EXPECT_EQ(shards->size(), 2U);
}

}  // namespace
}  // namespace ikev2d::runtime
