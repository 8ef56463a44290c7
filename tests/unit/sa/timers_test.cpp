#include <gtest/gtest.h>

#include "ike/sa/lifetime.hpp"
#include "ike/sa/retransmission.hpp"
#include "support/test_random.hpp"

namespace ike {
namespace {

TEST(Retransmission, DefaultScheduleMatchesTheDocumentedTable) {
  RetransmitPolicy policy;
  EXPECT_EQ(retransmit_wait(policy, 0), milliseconds(4000));
  EXPECT_EQ(retransmit_wait(policy, 1), milliseconds(7200));
  EXPECT_EQ(retransmit_wait(policy, 2), milliseconds(12960));
  EXPECT_EQ(retransmit_wait(policy, 3), milliseconds(23328));
  EXPECT_EQ(retransmit_wait(policy, 4), milliseconds(41990));
  EXPECT_EQ(retransmit_wait(policy, 5), milliseconds(75583));
  EXPECT_EQ(give_up_after(policy), milliseconds(165061));
  EXPECT_FALSE(retransmits_exhausted(policy, 4));
  EXPECT_TRUE(retransmits_exhausted(policy, 5));
}

TEST(Retransmission, LimitCapsEachWait) {
  RetransmitPolicy policy;
  policy.max_timeout = seconds(10);
  EXPECT_EQ(retransmit_wait(policy, 1), milliseconds(7200));
  EXPECT_EQ(retransmit_wait(policy, 2), seconds(10));
  EXPECT_EQ(retransmit_wait(policy, 5), seconds(10));
}

TEST(Lifetime, DefaultChildRekeyFallsBetween42And51Minutes) {
  LifetimePolicy policy;  // 1 h, 9 min margin, 100 % fuzz
  Duration earliest = hours(2), latest = Duration::zero();
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    test::SeededRandom random(seed);
    auto schedule = schedule_lifetime(policy, random);
    ASSERT_TRUE(schedule.rekey_after);
    earliest = std::min(earliest, *schedule.rekey_after);
    latest = std::max(latest, *schedule.rekey_after);
    EXPECT_EQ(schedule.expire_after, hours(1));
  }
  EXPECT_GE(earliest, minutes(42));
  EXPECT_LE(latest, minutes(51));
  EXPECT_LT(earliest, minutes(44));  // the fuzz really spreads the rekeys
  EXPECT_GT(latest, minutes(49));
}

TEST(Lifetime, NoFuzzAndNoRekey) {
  LifetimePolicy policy{hours(3), minutes(9), 0, true};
  test::SeededRandom random(7);
  EXPECT_EQ(schedule_lifetime(policy, random).rekey_after, minutes(171));
  policy.rekey = false;
  auto schedule = schedule_lifetime(policy, random);
  EXPECT_FALSE(schedule.rekey_after);
  EXPECT_EQ(schedule.expire_after, hours(3));
}

TEST(Lifetime, MarginBeyondLifetimeRekeysAtOnce) {
  LifetimePolicy policy{minutes(5), minutes(9), 0, true};
  test::SeededRandom random(7);
  EXPECT_EQ(schedule_lifetime(policy, random).rekey_after, Duration::zero());
}

}  // namespace
}  // namespace ike
