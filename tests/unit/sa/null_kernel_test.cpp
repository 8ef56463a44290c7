// The null kernel (ike/sa/null_kernel.hpp) accepts everything and hands out unique SPIs.

#include <gtest/gtest.h>

#include <set>

#include "ike/sa/null_kernel.hpp"

namespace ike::sa {
namespace {

TEST(NullKernel, SpisAreUniqueAndNeverReserved) {
  NullKernel kernel(0xfffffffe);
  std::set<std::uint32_t> seen;
  for (int i = 0; i < 10; ++i) {
    auto spi = kernel.allocate_spi({});
    ASSERT_TRUE(spi);
    // RFC 4303 2.1: SPIs 1..255 are reserved, 0 is never used.
    EXPECT_GE(*spi, 256u);
    EXPECT_TRUE(seen.insert(*spi).second) << "SPI " << *spi << " handed out twice";
  }
  // It wrapped from 0xffffffff to 256.
  EXPECT_TRUE(seen.contains(256));
  EXPECT_EQ(kernel.counters().spis_allocated, 10u);
}

TEST(NullKernel, LowFirstSpiIsRaised) {
  NullKernel kernel(1);
  EXPECT_EQ(*kernel.allocate_spi({}), 256u);
}

TEST(NullKernel, EveryRequestSucceedsAndIsCounted) {
  NullKernel kernel;
  EXPECT_TRUE(kernel.add_sa({}));
  EXPECT_TRUE(kernel.add_sa({}));
  EXPECT_TRUE(kernel.update_sa_addresses({}));
  EXPECT_TRUE(kernel.delete_sa({}));
  EXPECT_TRUE(kernel.add_policy({}));
  EXPECT_TRUE(kernel.delete_policy({}));
  auto usage = kernel.query_sa({});
  ASSERT_TRUE(usage);
  EXPECT_EQ(usage->bytes, 0u);
  EXPECT_EQ(kernel.counters().sas_added, 2u);
  EXPECT_EQ(kernel.counters().sas_deleted, 1u);
  EXPECT_EQ(kernel.counters().policies_added, 1u);
  EXPECT_EQ(kernel.counters().policies_deleted, 1u);
}

}  // namespace
}  // namespace ike::sa
