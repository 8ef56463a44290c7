// ikev2d-load --threads: how a run is split over workers.

#include <gtest/gtest.h>

#include <set>

#include "load/load_threads.hpp"

namespace ikev2d::load {
namespace {

std::vector<ike::sa::Endpoint> endpoints(int count) {
  std::vector<ike::sa::Endpoint> out;
  for (int i = 0; i < count; ++i) {
    out.push_back({ike::IpAddress::v4({10, 77, 0, static_cast<std::uint8_t>(1 + i / 4)}),
                   static_cast<std::uint16_t>(1000 + i % 4)});
  }
  return out;
}

DriverSettings settings(std::uint64_t count, std::uint64_t concurrency, double rate = 0) {
  DriverSettings out;
  out.count = count;
  out.concurrency = concurrency;
  out.rate = rate;
  return out;
}

TEST(SplitLoad, EveryEndpointGoesToExactlyOneWorkerInOrder) {
  auto sources = endpoints(10);
  auto shares = split_load(settings(100, 64), sources, 3);
  ASSERT_EQ(shares.size(), 3u);
  EXPECT_EQ(shares[0].sources.size(), 4u);
  EXPECT_EQ(shares[1].sources.size(), 3u);
  EXPECT_EQ(shares[2].sources.size(), 3u);
  std::set<std::pair<ike::IpAddress, std::uint16_t>> seen;
  for (std::size_t w = 0; w < shares.size(); ++w) {
    for (std::size_t k = 0; k < shares[w].sources.size(); ++k) {
      // Endpoint j goes to worker j mod 3, keeping the order.
      EXPECT_EQ(shares[w].sources[k], sources[w + 3 * k]);
      EXPECT_TRUE(seen.insert({shares[w].sources[k].address, shares[w].sources[k].port}).second);
    }
  }
  EXPECT_EQ(seen.size(), sources.size());
}

TEST(SplitLoad, CountsAndConcurrencyAddUpAndRateIsDivided) {
  auto shares = split_load(settings(100, 64, 300), endpoints(10), 3);
  ASSERT_EQ(shares.size(), 3u);
  EXPECT_EQ(shares[0].settings.count, 34u);
  EXPECT_EQ(shares[1].settings.count, 33u);
  EXPECT_EQ(shares[2].settings.count, 33u);
  EXPECT_EQ(shares[0].settings.concurrency + shares[1].settings.concurrency +
                shares[2].settings.concurrency,
            64u);
  for (const auto& share : shares)
    EXPECT_DOUBLE_EQ(share.settings.rate, 100);
}

TEST(SplitLoad, NeverMoreWorkersThanEndpointsOrIkeSas) {
  EXPECT_EQ(split_load(settings(100, 64), endpoints(2), 8).size(), 2u);
  EXPECT_EQ(split_load(settings(3, 64), endpoints(10), 8).size(), 3u);
  auto one = split_load(settings(5, 64), endpoints(10), 1);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].sources, endpoints(10));
  EXPECT_EQ(one[0].settings.count, 5u);
}

TEST(SplitLoad, EveryWorkerMayHaveOneHandshakeInFlight) {
  auto shares = split_load(settings(10, 1), endpoints(4), 4);
  ASSERT_EQ(shares.size(), 4u);
  for (const auto& share : shares)
    EXPECT_EQ(share.settings.concurrency, 1u);
}

}  // namespace
}  // namespace ikev2d::load
