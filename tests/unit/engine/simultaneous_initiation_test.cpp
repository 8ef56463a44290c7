/// Both peers bring the same connection up at the same time with no IKE SA
/// between them (auto=start on both sides): two IKE SAs come up, each with
/// the same CHILD SA. As in strongSwan, the two CHILD SAs get the same reqid
/// and share the kernel policies (XFRM adds a policy only once: EEXIST), so
/// both work: each kernel holds the policies once and the SAs of both CHILD
/// SAs, and whichever outbound SA the kernel picks for the reqid has its
/// inbound twin at the peer. Deleting one IKE SA leaves the other's CHILD SA
/// and the shared policies; deleting both removes everything.

#include <gtest/gtest.h>

#include "property_checks.hpp"
#include "support/two_peer_harness.hpp"

namespace ike::sa {
namespace {

using test::HarnessPeer;
using test::Side;
using test::TwoPeerHarness;

std::string lines(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items)
    out += item + "\n";
  return out;
}

/// Both peers initiate "office" before either hears from the other.
void initiate_at_once(TwoPeerHarness& h) {
  auto [west, east] = test::psk_connection_pair("office");
  west->dpd_delay = east->dpd_delay = Duration::zero();
  h.add_connections(west, east);
  test::set_psk(h, "simultaneous");
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  ASSERT_TRUE(h.b().engine.initiate("office", "", h.now()));
  h.deliver_all();
}

/// Every CHILD SA of `peer`, all established IKE SAs' together.
std::vector<const ChildSa*> children_of(HarnessPeer& peer) {
  std::vector<const ChildSa*> out;
  for (const auto* ike : peer.engine.ike_sas()) {
    EXPECT_EQ(ike->state, IkeState::established) << ike->label();
    for (const auto& child : ike->children)
      out.push_back(&child);
  }
  return out;
}

/// The kernel of `peer` holds the three policies of the one selector pair
/// exactly once, bound to the CHILD SAs' common reqid, and the inbound and
/// outbound SA of each of its `expected_children` CHILD SAs.
void expect_shared_kernel_state(HarnessPeer& peer, std::size_t expected_children, const char* who) {
  SCOPED_TRACE(who);
  auto children = children_of(peer);
  ASSERT_EQ(children.size(), expected_children);
  auto reqid = children.front()->reqid;
  EXPECT_NE(reqid, 0u);
  for (const auto* child : children) {
    EXPECT_EQ(child->state, ChildState::installed);
    EXPECT_EQ(child->reqid, reqid) << "CHILD SAs with the same config and selectors share a reqid";
    for (auto spi : {child->spi_in, child->spi_out}) {
      auto it = peer.kernel.sas.find(spi);
      ASSERT_NE(it, peer.kernel.sas.end()) << "SPI " << spi;
      EXPECT_EQ(it->second.request.reqid, reqid);
      EXPECT_EQ(it->second.request.inbound, spi == child->spi_in);
    }
  }
  EXPECT_EQ(peer.kernel.sas.size(), 2 * expected_children);
  // out, in, fwd (tunnel mode) for 10.77.x.0/24 === 10.77.y.0/24, once.
  ASSERT_EQ(peer.kernel.policies.size(), 3u);
  for (const auto& [key, policy] : peer.kernel.policies) {
    EXPECT_EQ(policy.reqid, reqid) << policy.story;
    EXPECT_FALSE(policy.trap);
  }
  EXPECT_TRUE(peer.kernel.larval.empty());
}

/// Each outbound SA has the peer's inbound twin with the same keys.
void expect_twins(HarnessPeer& from, HarnessPeer& to) {
  for (const auto& [spi, installed] : from.kernel.sas) {
    if (installed.request.inbound) continue;
    auto it = to.kernel.sas.find(spi);
    ASSERT_NE(it, to.kernel.sas.end()) << "outbound SPI " << spi << " has no twin at the peer";
    EXPECT_TRUE(it->second.request.inbound);
    EXPECT_EQ(it->second.request.encryption_key, installed.request.encryption_key);
  }
}

TEST(SimultaneousInitiation, BothIkeSasComeUpAndBothChildSasShareReqidAndPolicies) {
  TwoPeerHarness h;
  initiate_at_once(h);
  ASSERT_EQ(h.a().engine.ike_sas().size(), 2u) << h.dump();
  ASSERT_EQ(h.b().engine.ike_sas().size(), 2u) << h.dump();
  expect_shared_kernel_state(h.a(), 2, "a");
  expect_shared_kernel_state(h.b(), 2, "b");
  expect_twins(h.a(), h.b());
  expect_twins(h.b(), h.a());
  EXPECT_EQ(lines(test::final_mismatches(h)), "");
  for (auto side : {Side::a, Side::b}) {
    EXPECT_EQ(h.peer(side).events.count(EventKind::child_up), 2u)
        << to_string(side) << ": no install failed\n"
        << h.dump();
  }
}

/// Which IKE SA goes first: the one a initiated or the one b initiated.
class SimultaneousInitiationDelete : public ::testing::TestWithParam<bool> {};

TEST_P(SimultaneousInitiationDelete, OneIkeSaGoesTheOtherKeepsItsChildSaAndThePolicies) {
  bool delete_a_initiated = GetParam();
  TwoPeerHarness h;
  initiate_at_once(h);
  ASSERT_EQ(h.a().engine.ike_sas().size(), 2u) << h.dump();
  const IkeSa* doomed = nullptr;
  for (const auto* ike : h.a().engine.ike_sas()) {
    if (ike->initiator == delete_a_initiated) doomed = ike;
  }
  ASSERT_NE(doomed, nullptr);
  auto doomed_spis = std::pair(doomed->spi_i, doomed->spi_r);
  ASSERT_TRUE(h.a().engine.terminate_ike_sa(doomed->serial, h.now()));
  h.deliver_all();

  for (auto side : {Side::a, Side::b}) {
    auto sas = h.peer(side).engine.ike_sas();
    ASSERT_EQ(sas.size(), 1u) << to_string(side) << "\n" << h.dump();
    EXPECT_NE(std::pair(sas.front()->spi_i, sas.front()->spi_r), doomed_spis);
  }
  expect_shared_kernel_state(h.a(), 1, "a");
  expect_shared_kernel_state(h.b(), 1, "b");
  expect_twins(h.a(), h.b());
  expect_twins(h.b(), h.a());
  EXPECT_EQ(lines(test::final_mismatches(h)), "");
  for (auto side : {Side::a, Side::b}) {
    for (const auto& line : h.peer(side).kernel.log()) {
      EXPECT_EQ(line.find("remove outbound policy"), std::string::npos)
          << to_string(side) << ": the shared policies stay: " << line;
    }
  }

  // The second one takes the last CHILD SA and with it the policies.
  ASSERT_TRUE(h.b().engine.terminate("office", h.now()));
  h.deliver_all();
  for (auto side : {Side::a, Side::b}) {
    auto& peer = h.peer(side);
    EXPECT_TRUE(peer.engine.ike_sas().empty()) << to_string(side);
    EXPECT_TRUE(peer.kernel.sas.empty()) << to_string(side);
    EXPECT_TRUE(peer.kernel.policies.empty()) << to_string(side);
    EXPECT_TRUE(peer.kernel.larval.empty()) << to_string(side);
  }
}

INSTANTIATE_TEST_SUITE_P(Which, SimultaneousInitiationDelete, ::testing::Bool(),
                         [](const auto& info) {
                           return info.param ? "TheOneAInitiated" : "TheOneBInitiated";
                         });

}  // namespace
}  // namespace ike::sa
