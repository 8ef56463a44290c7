/// IKE SA rekeys (RFC 7296 1.3.2, 2.18) from either peer: a new IKE SA with
/// new SPIs and keys takes the CHILD SAs over, the old one is deleted by the
/// rekey initiator, the kernel is not touched, and the new IKE SA carries on.

#include <gtest/gtest.h>

#include <set>

#include "ike/proposal/parser.hpp"
#include "rekey_peers.hpp"

namespace ike::sa {
namespace {

using test::RekeyPeers;
using test::Side;

using test::lines;

std::vector<std::string> kernel_log_since(const test::FakeKernel& kernel, std::size_t from) {
  return {kernel.log().begin() + static_cast<std::ptrdiff_t>(from), kernel.log().end()};
}

struct IkeGroup {
  const char* label;
  const char* ike;  ///< empty: defaults
  wire::KeGroup group;
};

constexpr IkeGroup kIkeGroups[] = {
    {"DefaultCurve25519", "", wire::KeGroup::curve25519},
    {"Ecp384", "aes256gcm16-prfsha384-ecp384", wire::KeGroup::ecp384},
};

class IkeRekey : public ::testing::TestWithParam<std::tuple<Side, IkeGroup>> {};

TEST_P(IkeRekey, ChildSasMoveToANewIkeSaAndTheOldOneIsDeleted) {
  auto [side, group] = GetParam();
  RekeyPeers peers;
  auto [west, east] = test::rekey_connections();
  if (*group.ike) {
    auto parsed = proposal::parse_proposals(group.ike, wire::ProtocolId::ike);
    west->ike_proposals = east->ike_proposals = parsed->proposals;
  }
  peers.establish(west, east);
  ASSERT_TRUE(peers.a().engine.initiate("office", "lab", peers.now()));
  peers.deliver_all();
  ASSERT_EQ(test::children_of(peers.b()).size(), 2u);
  const auto* before = test::only_ike_sa(peers.a());
  auto old_spis = std::pair(before->spi_i, before->spi_r);
  auto old_serial_a = before->serial;
  auto old_peer_id = before->peer_id;
  auto children_a = test::children_of(peers.a());
  auto children_b = test::children_of(peers.b());
  auto kernel_requests_a = peers.a().kernel.request_count();
  auto kernel_requests_b = peers.b().kernel.request_count();

  ASSERT_TRUE(peers.peer(side).engine.rekey("office", /*ike=*/true, peers.now()));
  EXPECT_EQ(peers.deliver_all(), 4);  // CREATE_CHILD_SA, INFORMATIONAL D(IKE)

  const auto* after_a = test::only_ike_sa(peers.a());
  const auto* after_b = test::only_ike_sa(peers.b());
  ASSERT_NE(after_a, nullptr) << peers.a().events.dump();
  ASSERT_NE(after_b, nullptr) << peers.b().events.dump();
  EXPECT_NE(after_a->serial, old_serial_a);
  EXPECT_EQ(after_a->state, IkeState::established);
  EXPECT_EQ(after_b->state, IkeState::established);
  EXPECT_NE(after_a->spi_i, old_spis.first);
  EXPECT_NE(after_a->spi_r, old_spis.second);
  EXPECT_EQ(after_a->spi_i, after_b->spi_i);
  EXPECT_EQ(after_a->spi_r, after_b->spi_r);
  // The rekey initiator is the original initiator of the new IKE SA (2.18).
  EXPECT_EQ(after_a->initiator, side == Side::a);
  EXPECT_EQ(after_b->initiator, side == Side::b);
  EXPECT_EQ(after_a->algorithms->ke_group, group.group);
  EXPECT_EQ(after_a->peer_id, old_peer_id);
  ASSERT_EQ(after_a->children.size(), 2u);
  ASSERT_EQ(after_b->children.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(after_a->children[i].spi_in, children_a[i].spi_in);
    EXPECT_EQ(after_b->children[i].spi_in, children_b[i].spi_in);
  }
  // Not one kernel request: the CHILD SAs did not move in the kernel.
  EXPECT_EQ(peers.a().kernel.request_count(), kernel_requests_a)
      << lines(kernel_log_since(peers.a().kernel, kernel_requests_a));
  EXPECT_EQ(peers.b().kernel.request_count(), kernel_requests_b);
  for (auto* peer : {&peers.a(), &peers.b()}) {
    EXPECT_EQ(peer->events.count(EventKind::ike_rekeyed), 1u) << peer->events.dump();
    EXPECT_EQ(peer->events.count(EventKind::ike_down), 0u) << peer->events.dump();
    EXPECT_EQ(peer->events.count(EventKind::failed), 0u) << peer->events.dump();
  }
  EXPECT_EQ(lines(peers.violations), "");

  // The new IKE SA works: a CHILD rekey from the other side, then a delete.
  ASSERT_TRUE(peers.peer(test::other(side)).engine.rekey("office", false, peers.now()));
  EXPECT_EQ(peers.deliver_all(), 8);
  EXPECT_EQ(peers.a().events.count(EventKind::child_rekeyed), 2u) << peers.a().events.dump();
  EXPECT_EQ(lines(test::check_both(peers, true)), "");
  ASSERT_TRUE(peers.peer(side).engine.terminate("office", peers.now()));
  peers.deliver_all();
  for (auto* peer : {&peers.a(), &peers.b()}) {
    EXPECT_TRUE(peer->engine.ike_sas().empty());
    EXPECT_TRUE(peer->kernel.sas.empty());
    EXPECT_TRUE(peer->kernel.policies.empty());
    EXPECT_EQ(peer->events.count(EventKind::ike_down), 1u);
  }
}

INSTANTIATE_TEST_SUITE_P(BothRoles, IkeRekey,
                         ::testing::Combine(::testing::Values(Side::a, Side::b),
                                            ::testing::ValuesIn(kIkeGroups)),
                         [](const auto& info) {
                           return std::string("From") +
                                  (std::get<0>(info.param) == Side::a ? "A" : "B") +
                                  std::get<1>(info.param).label;
                         });

TEST(IkeRekeyTriggers, TheIkeLifetimeRekeysAndTheNewIkeSaIsScheduledAgain) {
  RekeyPeers peers;
  auto [west, east] = test::rekey_connections();
  west->ike_lifetime = LifetimePolicy{seconds(300), seconds(60), 0, true};
  east->ike_lifetime = LifetimePolicy{seconds(300), seconds(30), 0, true};
  west->dpd_delay = east->dpd_delay = Duration::zero();
  peers.establish(west, east);
  auto first = test::only_ike_sa(peers.a())->serial;
  peers.run_for(seconds(239));
  EXPECT_EQ(test::only_ike_sa(peers.a())->serial, first);
  peers.run_for(seconds(2));
  ASSERT_NE(test::only_ike_sa(peers.a()), nullptr) << peers.a().events.dump();
  EXPECT_NE(test::only_ike_sa(peers.a())->serial, first);
  EXPECT_EQ(peers.b().events.count(EventKind::ike_rekeyed), 1u);
  // The new IKE SA rekeys 240 s after its creation on a, never expires.
  peers.run_for(seconds(240));
  EXPECT_EQ(peers.a().events.count(EventKind::ike_rekeyed), 2u) << peers.a().events.dump();
  EXPECT_EQ(peers.a().events.count(EventKind::ike_down), 0u);
  EXPECT_EQ(test::children_of(peers.a()).size(), 1u);
  EXPECT_EQ(lines(test::check_both(peers, true)), "");
  EXPECT_EQ(lines(peers.violations), "");
}

TEST(IkeRekeyTriggers, ResponderBusyWithItsOwnExchangeAnswersTemporaryFailureAndTheRekeyIsRetried) {
  RekeyPeers peers;
  auto [west, east] = test::rekey_connections();
  west->dpd_delay = east->dpd_delay = Duration::zero();
  peers.establish(west, east);
  ASSERT_TRUE(peers.b().engine.rekey("office", /*ike=*/false, peers.now()));
  ASSERT_TRUE(peers.a().engine.rekey("office", /*ike=*/true, peers.now()));
  // a's IKE rekey reaches b while b's CHILD rekey is in flight, and b's CHILD
  // rekey reaches a while a's IKE rekey is: both are refused (RFC 7296 2.25).
  ASSERT_EQ(peers.describe_pending(Side::b), "CREATE_CHILD_SA request");
  ASSERT_EQ(peers.describe_pending(Side::a), "CREATE_CHILD_SA request");
  peers.deliver_all();
  EXPECT_EQ(test::only_ike_sa(peers.a())->serial, 1u);
  EXPECT_EQ(peers.a().events.count(EventKind::ike_rekeyed), 0u);
  EXPECT_EQ(peers.b().events.count(EventKind::child_rekeyed), 0u);
  // Each tries again 10 to 20 s later; the jitter keeps them apart.
  peers.run_for(seconds(25));
  EXPECT_EQ(peers.a().events.count(EventKind::ike_rekeyed), 1u) << peers.a().events.dump();
  EXPECT_EQ(peers.b().events.count(EventKind::ike_rekeyed), 1u) << peers.b().events.dump();
  EXPECT_EQ(peers.a().events.count(EventKind::child_rekeyed), 1u) << peers.a().events.dump();
  EXPECT_EQ(peers.a().engine.ike_sas().size(), 1u);
  EXPECT_EQ(test::children_of(peers.b()).size(), 1u);
  EXPECT_EQ(lines(test::check_both(peers, true)), "");
  EXPECT_EQ(lines(peers.violations), "");
}

}  // namespace
}  // namespace ike::sa
