#include <gtest/gtest.h>

#include <string>

#include "ike/ts/narrowing.hpp"
#include "ts_helpers.hpp"

namespace ike::ts {
namespace {

using test::selector;
using test::selectors;

/// narrow() of two lists written as subnet lists, printed.
std::string narrowed(std::string_view proposed, std::string_view configured) {
  return to_string(narrow(selectors(proposed), selectors(configured)));
}

TEST(Narrow, IdenticalSelectorsStayAsTheyAre) {
  EXPECT_EQ(narrowed("10.1.0.0/16", "10.1.0.0/16"), "10.1.0.0/16");
  EXPECT_EQ(narrowed("10.1.0.0/16[tcp/80]", "10.1.0.0/16[tcp/80]"), "10.1.0.0/16[tcp/80]");
}

TEST(Narrow, ProposalInsideOurPolicyIsKept) {
  EXPECT_EQ(narrowed("10.1.2.0/24", "10.1.0.0/16"), "10.1.2.0/24");
  EXPECT_EQ(narrowed("10.1.2.3[tcp/22]", "10.0.0.0/8"), "10.1.2.3/32[tcp/22]");
}

TEST(Narrow, ProposalWiderThanOurPolicyIsNarrowedToIt) {
  EXPECT_EQ(narrowed("0.0.0.0/0", "10.1.0.0/16"), "10.1.0.0/16");
  EXPECT_EQ(narrowed("10.0.0.0/8", "10.1.0.0/16[udp/53]"), "10.1.0.0/16[udp/53]");
}

TEST(Narrow, PartialOverlapsAreIntersectedPerDimension) {
  // Addresses.
  EXPECT_EQ(narrowed("10.1.0.0-10.1.0.100", "10.1.0.50-10.1.0.200"), "10.1.0.50..10.1.0.100");
  // Ports.
  EXPECT_EQ(narrowed("10.1.0.0/16[tcp/1000-2000]", "10.1.0.0/16[tcp/1500-3000]"),
            "10.1.0.0/16[tcp/1500-2000]");
  // Protocol: any against tcp is tcp.
  EXPECT_EQ(narrowed("10.1.0.0/16", "10.0.0.0/8[tcp]"), "10.1.0.0/16[tcp]");
  // All three at once.
  EXPECT_EQ(narrowed("10.1.0.0/24[%any/1-1024]", "10.1.0.128-10.1.1.255[udp/53-2000]"),
            "10.1.0.128/25[udp/53-1024]");
}

TEST(Narrow, DisjointSelectorsLeaveNothing) {
  EXPECT_EQ(narrowed("10.3.0.0/16", "10.2.0.0/16"), "");
  EXPECT_EQ(narrowed("10.1.0.0/16[tcp]", "10.1.0.0/16[udp]"), "");
  EXPECT_EQ(narrowed("10.1.0.0/16[tcp/80]", "10.1.0.0/16[tcp/443]"), "");
  EXPECT_EQ(narrowed("10.1.0.0/16[gre/%opaque]", "10.1.0.0/16[gre/80]"), "");
}

TEST(Narrow, MultipleSelectorsKeepEveryOverlapOnce) {
  EXPECT_EQ(narrowed("10.1.0.0/16, 10.2.0.0/16, 10.3.0.0/16", "10.2.0.0/16, 10.1.5.0/24"),
            "10.1.5.0/24, 10.2.0.0/16");
  // Duplicates and selectors contained in another result are dropped.
  EXPECT_EQ(narrowed("10.1.0.0/16, 10.1.0.0/16", "10.0.0.0/8"), "10.1.0.0/16");
  EXPECT_EQ(narrowed("10.1.0.0/24[tcp/80], 10.1.0.0/16", "10.0.0.0/8"), "10.1.0.0/16");
  EXPECT_EQ(narrowed("0.0.0.0/0", "10.1.0.0/16, 10.1.2.0/24[tcp]"), "10.1.0.0/16");
}

TEST(Narrow, IpV4AndIpV6NeverMix) {
  EXPECT_EQ(narrowed("0.0.0.0/0, ::/0", "2001:db8::/32"), "2001:db8::/32");
  EXPECT_EQ(narrowed("0.0.0.0/0, ::/0", "10.0.0.0/8, 2001:db8::/32"), "10.0.0.0/8, 2001:db8::/32");
  EXPECT_EQ(narrowed("::ffff:10.0.0.0/104", "10.0.0.0/8"), "");
  EXPECT_EQ(narrowed("10.0.0.0/8", "::/0"), "");
}

TEST(Narrow, TrafficOfTheFirstProposedSelectorComesFirst) {
  // RFC 7296 2.9: the packet that triggered the SA first, then the wider
  // policy. The packet's own intersection is contained in the wider result
  // and dropped; the result that carries the packet is moved to the front.
  EXPECT_EQ(narrowed("10.1.2.3[tcp/1234], 10.0.0.0/8", "10.9.0.0/16, 10.1.0.0/16"),
            "10.1.0.0/16, 10.9.0.0/16");
  // Without the packet selector the order is the initiator's, then ours.
  EXPECT_EQ(narrowed("10.0.0.0/8", "10.9.0.0/16, 10.1.0.0/16"), "10.9.0.0/16, 10.1.0.0/16");
  // A packet selector our policy does not allow changes nothing.
  EXPECT_EQ(narrowed("172.16.0.1[tcp/80], 10.0.0.0/8", "10.9.0.0/16, 10.1.0.0/16"),
            "10.9.0.0/16, 10.1.0.0/16");
}

TEST(NarrowAsResponder, AcceptsWhenBothSidesOverlap) {
  // The peer (initiator) is 10.2.0.0/16, we are 10.1.0.0/16.
  auto result = narrow_as_responder(selectors("10.2.0.0/16"), selectors("10.1.0.0/16"),
                                    selectors("10.2.0.0/16"), selectors("10.1.0.0/16"));
  ASSERT_TRUE(result.accepted());
  EXPECT_EQ(to_string(result.tsi), "10.2.0.0/16");
  EXPECT_EQ(to_string(result.tsr), "10.1.0.0/16");
  EXPECT_TRUE(result.covers_first_selectors);
  EXPECT_TRUE(result.reason.empty());
}

TEST(NarrowAsResponder, NarrowsARoadWarriorsWildcardRequest) {
  // A client asks for everything; we allow its virtual IP to our LAN.
  auto result = narrow_as_responder(selectors("0.0.0.0/0, ::/0"), selectors("0.0.0.0/0, ::/0"),
                                    selectors("10.3.0.7"), selectors("10.1.0.0/16"));
  ASSERT_TRUE(result.accepted());
  EXPECT_EQ(to_string(result.tsi), "10.3.0.7/32");
  EXPECT_EQ(to_string(result.tsr), "10.1.0.0/16");
  EXPECT_FALSE(result.covers_first_selectors);
}

TEST(NarrowAsResponder, ReportsWhetherTheTriggeringPacketIsCarried) {
  auto result = narrow_as_responder(selectors("10.2.0.9[tcp/40000], 10.2.0.0/16"),
                                    selectors("10.1.0.5[tcp/22], 10.1.0.0/16"),
                                    selectors("10.2.0.0/16"), selectors("10.1.0.0/24"));
  ASSERT_TRUE(result.accepted());
  EXPECT_EQ(to_string(result.tsi), "10.2.0.0/16");
  EXPECT_EQ(to_string(result.tsr), "10.1.0.0/24");
  EXPECT_TRUE(result.covers_first_selectors);

  auto elsewhere = narrow_as_responder(selectors("10.2.0.9[tcp/40000], 10.2.0.0/16"),
                                       selectors("10.1.7.5[tcp/22], 10.1.0.0/16"),
                                       selectors("10.2.0.0/16"), selectors("10.1.0.0/24"));
  ASSERT_TRUE(elsewhere.accepted());
  EXPECT_FALSE(elsewhere.covers_first_selectors);
}

TEST(NarrowAsResponder, DisjointProposalIsTsUnacceptableWithAReason) {
  auto tsi = narrow_as_responder(selectors("10.3.0.0/16"), selectors("10.1.0.0/16"),
                                 selectors("10.2.0.0/16"), selectors("10.1.0.0/16"));
  EXPECT_EQ(tsi.status, NarrowingStatus::ts_unacceptable);
  EXPECT_TRUE(tsi.tsi.empty());
  EXPECT_TRUE(tsi.tsr.empty());
  EXPECT_EQ(tsi.reason,
            "TSi 10.3.0.0/16 does not overlap the remote selectors we allow (10.2.0.0/16)");

  auto tsr = narrow_as_responder(selectors("10.2.0.0/16"), selectors("10.1.0.0/16[tcp]"),
                                 selectors("10.2.0.0/16"), selectors("10.1.0.0/16[udp]"));
  EXPECT_EQ(tsr.status, NarrowingStatus::ts_unacceptable);
  EXPECT_EQ(
      tsr.reason,
      "TSr 10.1.0.0/16[tcp] does not overlap the local selectors we allow (10.1.0.0/16[udp])");

  auto families = narrow_as_responder(selectors("::/0"), selectors("::/0"), selectors("0.0.0.0/0"),
                                      selectors("0.0.0.0/0"));
  EXPECT_FALSE(families.accepted());

  auto nothing = narrow_as_responder(selectors("10.2.0.0/16"), selectors("10.1.0.0/16"), {},
                                     selectors("10.1.0.0/16"));
  EXPECT_EQ(nothing.reason, "TSi 10.2.0.0/16 cannot be accepted: we allow no remote selectors");
}

TEST(NarrowAsResponder, RefusesListsTooLongToNarrowCheaply) {
  std::vector<TrafficSelector> many;
  for (unsigned i = 0; i < 100; ++i)
    many.push_back(TrafficSelector::host(IpAddress::v4(10, 2, 0, static_cast<std::uint8_t>(i))));
  std::vector<TrafficSelector> ours(41, selector("10.2.0.0/16"));
  auto result = narrow_as_responder(many, selectors("10.1.0.0/16"), ours, selectors("10.1.0.0/16"));
  EXPECT_FALSE(result.accepted());
  EXPECT_EQ(result.reason,
            "TSi carries 100 selectors; against our 41 that is more than 4096 "
            "intersections");
  ours.resize(40);  // 4000 intersections: still fine
  EXPECT_TRUE(narrow_as_responder(many, selectors("10.1.0.0/16"), ours, selectors("10.1.0.0/16"))
                  .accepted());
}

TEST(IsCovered, AcceptsUnionsOfAdjacentRanges) {
  EXPECT_TRUE(is_covered(selector("10.1.0.0/16"), selectors("10.0.0.0/8")));
  EXPECT_TRUE(is_covered(selector("10.1.0.0/16"), selectors("10.1.128.0/17, 10.1.0.0/17")));
  EXPECT_TRUE(is_covered(selector("10.1.0.5-10.1.0.9"),
                         selectors("10.1.0.0-10.1.0.6, 10.1.0.7-10.1.0.7, 10.1.0.8/29")));
  EXPECT_FALSE(is_covered(selector("10.1.0.0/16"), selectors("10.1.128.0/17, 10.1.0.0/18")));
  EXPECT_FALSE(
      is_covered(selector("10.1.0.0/16[tcp]"), selectors("10.1.0.0/17[tcp], 10.1.128.0/17[udp]")));
  EXPECT_TRUE(
      is_covered(selector("10.1.0.0/16[tcp/80]"), selectors("10.1.0.0/17, 10.1.128.0/17[tcp]")));
  EXPECT_FALSE(is_covered(selector("10.1.0.0/16"), selectors("::/0")));
  EXPECT_FALSE(is_covered(selector("10.1.0.0/16"), {}));
  EXPECT_TRUE(
      is_covered(selector("255.255.255.0/24"), selectors("255.255.255.0/25, 255.255.255.128/25")));
}

TEST(CheckResponderNarrowing, AcceptsSubsetsAndRefusesAnythingElse) {
  auto proposed_tsi = selectors("10.2.0.0/16");
  auto proposed_tsr = selectors("10.1.0.0/16, 2001:db8::/32");
  EXPECT_TRUE(check_responder_narrowing(proposed_tsi, proposed_tsr, selectors("10.2.0.0/16"),
                                        selectors("10.1.0.0/16, 2001:db8::/32")));
  EXPECT_TRUE(check_responder_narrowing(proposed_tsi, proposed_tsr, selectors("10.2.3.4[tcp/80]"),
                                        selectors("10.1.7.0/24")));

  auto wider = check_responder_narrowing(proposed_tsi, proposed_tsr, selectors("10.2.0.0/16"),
                                         selectors("10.0.0.0/8"));
  ASSERT_FALSE(wider);
  EXPECT_EQ(wider.error().reason,
            "TSr 10.0.0.0/8 from the responder is not within what we proposed (10.1.0.0/16, "
            "2001:db8::/32)");

  auto other = check_responder_narrowing(proposed_tsi, proposed_tsr, selectors("10.9.0.0/16"),
                                         selectors("10.1.0.0/16"));
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().reason,
            "TSi 10.9.0.0/16 from the responder is not within what we proposed (10.2.0.0/16)");

  auto empty = check_responder_narrowing(proposed_tsi, proposed_tsr, {}, selectors("10.1.0.0/16"));
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().reason, "the responder returned no TSi selectors");

  auto protocol = check_responder_narrowing(selectors("10.2.0.0/16[tcp]"), proposed_tsr,
                                            selectors("10.2.0.0/16"), selectors("10.1.0.0/16"));
  EXPECT_FALSE(protocol);
}

}  // namespace
}  // namespace ike::ts
