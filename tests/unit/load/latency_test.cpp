// Latency percentiles come from the measured samples (nearest rank).

#include <gtest/gtest.h>

#include "load/latency.hpp"

namespace ikev2d::load {
namespace {

using std::chrono::milliseconds;

TEST(LatencySamples, NearestRankOfOneToHundred) {
  LatencySamples samples;
  // Shuffled on purpose: the order samples arrive in must not matter.
  for (int i = 0; i < 100; ++i)
    samples.add(milliseconds((i * 37) % 100 + 1));
  EXPECT_EQ(*samples.percentile(50), milliseconds(50));
  EXPECT_EQ(*samples.percentile(99), milliseconds(99));
  EXPECT_EQ(*samples.percentile(100), milliseconds(100));
  EXPECT_EQ(*samples.percentile(1), milliseconds(1));
  auto summary = samples.summary();
  EXPECT_EQ(summary.count, 100u);
  EXPECT_DOUBLE_EQ(summary.p50_ms, 50);
  EXPECT_DOUBLE_EQ(summary.p99_ms, 99);
  EXPECT_DOUBLE_EQ(summary.max_ms, 100);
}

TEST(LatencySamples, P99OfAFewSamplesIsTheLargest) {
  LatencySamples samples;
  samples.add(milliseconds(3));
  samples.add(milliseconds(1));
  samples.add(milliseconds(2));
  EXPECT_EQ(*samples.percentile(50), milliseconds(2));
  EXPECT_EQ(*samples.percentile(99), milliseconds(3));
}

TEST(LatencySamples, OneSlowOutlierShowsInP99NotP50) {
  LatencySamples samples;
  for (int i = 0; i < 199; ++i)
    samples.add(milliseconds(4));
  samples.add(milliseconds(4000));
  auto summary = samples.summary();
  EXPECT_DOUBLE_EQ(summary.p50_ms, 4);
  // Rank ceil(0.99 * 200) = 198: still a fast one; max shows the outlier.
  EXPECT_DOUBLE_EQ(summary.p99_ms, 4);
  EXPECT_DOUBLE_EQ(summary.max_ms, 4000);
}

TEST(LatencySamples, SubMillisecondPrecision) {
  LatencySamples samples;
  samples.add(std::chrono::microseconds(1250));
  EXPECT_DOUBLE_EQ(samples.summary().p50_ms, 1.25);
}

TEST(LatencySamples, NoSamplesNoPercentile) {
  LatencySamples samples;
  EXPECT_FALSE(samples.percentile(50));
  auto summary = samples.summary();
  EXPECT_EQ(summary.count, 0u);
  EXPECT_EQ(summary.p99_ms, 0);
}

}  // namespace
}  // namespace ikev2d::load
