/// CHILD SA rekeys (RFC 7296 1.3.3, 2.8) from either peer, with and without
/// PFS: the new SAs go in before the old ones leave, the policies stay with
/// the reqid, and the rekey initiator deletes the old CHILD SA. Also the
/// triggers: the operator, the CHILD SA's lifetime, the kernel's expiries.

#include <gtest/gtest.h>

#include <set>

#include "rekey_peers.hpp"

namespace ike::sa {
namespace {

using test::RekeyPeers;
using test::Side;

using test::lines;

std::set<std::uint32_t> sa_spis(const test::FakeKernel& kernel) {
  std::set<std::uint32_t> spis;
  for (const auto& [spi, installed] : kernel.sas)
    spis.insert(spi);
  return spis;
}

std::set<test::FakeKernel::PolicyKey> policy_keys(const test::FakeKernel& kernel) {
  std::set<test::FakeKernel::PolicyKey> keys;
  for (const auto& [key, policy] : kernel.policies)
    keys.insert(key);
  return keys;
}

struct Pfs {
  const char* label;
  const char* esp;
  wire::KeGroup group;
};

constexpr Pfs kPfsCases[] = {
    {"NoPfs", "", wire::KeGroup::none},
    {"Curve25519", "aes256gcm16-x25519", wire::KeGroup::curve25519},
    {"Modp3072", "aes128-sha256-modp3072", wire::KeGroup::modp3072},
};

class ChildRekey : public ::testing::TestWithParam<std::tuple<Side, Pfs>> {};

TEST_P(ChildRekey, NewSasReplaceTheOldOnesWithoutAGapAndPoliciesStay) {
  auto [side, pfs] = GetParam();
  RekeyPeers peers;
  auto [west, east] = test::rekey_connections(pfs.esp, pfs.esp);
  peers.establish(west, east);
  ASSERT_EQ(test::children_of(peers.a()).size(), 1u) << peers.a().events.dump();
  auto old_a = test::children_of(peers.a()).front();
  auto old_b = test::children_of(peers.b()).front();
  auto policies_a = policy_keys(peers.a().kernel);
  auto policies_b = policy_keys(peers.b().kernel);

  ASSERT_TRUE(peers.peer(side).engine.rekey("office", /*ike=*/false, peers.now()));
  // CREATE_CHILD_SA, then the INFORMATIONAL delete of the old CHILD SA.
  EXPECT_EQ(peers.deliver_all(), 4);
  EXPECT_EQ(lines(peers.violations), "");
  EXPECT_EQ(peers.larval_windows, 0);

  ASSERT_EQ(test::children_of(peers.a()).size(), 1u) << peers.a().events.dump();
  ASSERT_EQ(test::children_of(peers.b()).size(), 1u) << peers.b().events.dump();
  const auto& fresh_a = test::children_of(peers.a()).front();
  const auto& fresh_b = test::children_of(peers.b()).front();
  EXPECT_NE(fresh_a.spi_in, old_a.spi_in);
  EXPECT_NE(fresh_a.spi_out, old_a.spi_out);
  EXPECT_EQ(fresh_a.spi_out, fresh_b.spi_in);
  EXPECT_EQ(fresh_b.spi_out, fresh_a.spi_in);
  EXPECT_EQ(fresh_a.reqid, old_a.reqid);
  EXPECT_EQ(fresh_b.reqid, old_b.reqid);
  EXPECT_EQ(fresh_a.state, ChildState::installed);
  EXPECT_EQ(fresh_b.state, ChildState::installed);
  EXPECT_EQ(fresh_a.algorithms.ke_group, pfs.group);
  EXPECT_EQ(fresh_b.algorithms.ke_group, pfs.group);
  EXPECT_TRUE(fresh_a.policies_installed && fresh_b.policies_installed);
  // Exactly the new SAs; the very same policies as before the rekey.
  EXPECT_EQ(sa_spis(peers.a().kernel), (std::set{fresh_a.spi_in, fresh_a.spi_out}));
  EXPECT_EQ(sa_spis(peers.b().kernel), (std::set{fresh_b.spi_in, fresh_b.spi_out}));
  EXPECT_EQ(policy_keys(peers.a().kernel), policies_a);
  EXPECT_EQ(policy_keys(peers.b().kernel), policies_b);
  EXPECT_EQ(lines(test::check_both(peers, /*idle=*/true)), "");
  for (auto* peer : {&peers.a(), &peers.b()}) {
    EXPECT_EQ(peer->events.count(EventKind::child_rekeyed), 1u) << peer->events.dump();
    EXPECT_EQ(peer->events.count(EventKind::child_up), 1u);
    EXPECT_EQ(peer->events.count(EventKind::child_down), 0u) << peer->events.dump();
    EXPECT_EQ(peer->events.count(EventKind::failed), 0u);
    // Policies were never touched: no policy request after IKE_AUTH's three.
    std::size_t policy_requests = 0;
    for (const auto& story : peer->kernel.log())
      policy_requests += story.find("policy") != std::string::npos;
    EXPECT_EQ(policy_requests, 3u);
  }
}

INSTANTIATE_TEST_SUITE_P(BothRolesWithAndWithoutPfs, ChildRekey,
                         ::testing::Combine(::testing::Values(Side::a, Side::b),
                                            ::testing::ValuesIn(kPfsCases)),
                         [](const auto& info) {
                           return std::string("From") +
                                  (std::get<0>(info.param) == Side::a ? "A" : "B") +
                                  std::get<1>(info.param).label;
                         });

TEST(ChildRekeySteps, NewSasGoInBeforeTheOldOnesGoOut) {
  RekeyPeers peers;
  auto [west, east] = test::rekey_connections();
  peers.establish(west, east);
  auto old_a = test::children_of(peers.a()).front();
  auto old_b = test::children_of(peers.b()).front();
  ASSERT_TRUE(peers.a().engine.rekey("office", false, peers.now()));
  // b answers the rekey: its new inbound SA is in, the new outbound one waits
  // (a cannot receive on it yet), b still sends on the old one.
  ASSERT_TRUE(peers.deliver(Side::b));
  EXPECT_EQ(peers.b().kernel.sas.size(), 3u);
  EXPECT_TRUE(peers.b().kernel.sas.contains(old_b.spi_out));
  const auto& waiting = test::children_of(peers.b()).back();
  EXPECT_TRUE(waiting.deferred_outbound.has_value());
  EXPECT_FALSE(peers.b().kernel.sas.contains(waiting.spi_out));
  auto new_b_out = waiting.spi_out;
  // a completes: new SAs in; it stops sending on the old outbound SA as it
  // asks b to delete the old CHILD SA, and keeps receiving on the old one.
  ASSERT_EQ(peers.describe_pending(Side::a), "CREATE_CHILD_SA response");
  ASSERT_TRUE(peers.deliver(Side::a));
  EXPECT_EQ(peers.a().kernel.sas.size(), 3u);
  EXPECT_FALSE(peers.a().kernel.sas.contains(old_a.spi_out));
  EXPECT_TRUE(peers.a().kernel.sas.contains(old_a.spi_in));
  // b gets the delete of the old CHILD SA: the new outbound SA goes in (a has
  // its inbound twin since the previous step), the old ones go out.
  ASSERT_EQ(peers.describe_pending(Side::b), "INFORMATIONAL request");
  ASSERT_TRUE(peers.deliver(Side::b));
  EXPECT_EQ(peers.b().kernel.sas.size(), 2u);
  EXPECT_TRUE(peers.b().kernel.sas.contains(new_b_out));
  EXPECT_FALSE(peers.b().kernel.sas.contains(old_b.spi_in));
  EXPECT_FALSE(test::children_of(peers.b()).back().deferred_outbound.has_value());
  ASSERT_TRUE(peers.deliver(Side::a));
  EXPECT_EQ(peers.a().kernel.sas.size(), 2u);
  EXPECT_EQ(peers.pending(Side::a) + peers.pending(Side::b), 0u);
  EXPECT_EQ(lines(peers.violations), "");
  EXPECT_EQ(peers.larval_windows, 0) << "nobody sent on an SA its peer could not receive on";
  EXPECT_EQ(lines(test::check_both(peers, true)), "");
}

TEST(ChildRekeySteps, RepeatedRekeysThenDeleteLeaveNothingBehind) {
  RekeyPeers peers;
  auto [west, east] = test::rekey_connections("aes256gcm16-x25519", "aes256gcm16-x25519");
  peers.establish(west, east);
  ASSERT_TRUE(peers.a().engine.initiate("office", "lab", peers.now()));
  peers.deliver_all();
  for (int round = 0; round < 3; ++round) {
    auto side = round % 2 ? Side::b : Side::a;
    ASSERT_TRUE(peers.peer(side).engine.rekey("office", false, peers.now()));
    // Two CHILD SAs: two rekeys and two deletes.
    EXPECT_EQ(peers.deliver_all(), 8) << "round " << round;
    EXPECT_EQ(test::children_of(peers.a()).size(), 2u);
    EXPECT_EQ(lines(test::check_both(peers, true)), "");
  }
  EXPECT_EQ(peers.a().events.count(EventKind::child_rekeyed), 6u);
  EXPECT_EQ(lines(peers.violations), "");
  // The IKE delete takes everything down, a before b: no rekey checks here.
  ASSERT_TRUE(peers.b().engine.terminate("office", peers.now()));
  peers.deliver_all();
  for (auto* peer : {&peers.a(), &peers.b()}) {
    EXPECT_TRUE(peer->engine.ike_sas().empty());
    EXPECT_TRUE(peer->kernel.sas.empty());
    EXPECT_TRUE(peer->kernel.policies.empty());
    EXPECT_TRUE(peer->kernel.larval.empty());
    EXPECT_EQ(peer->events.count(EventKind::child_down), 2u) << peer->events.dump();
  }
}

TEST(ChildRekeyTriggers, TheChildSaLifetimeRekeysItAndTheNewOneIsScheduledAgain) {
  RekeyPeers peers;
  auto [west, east] = test::rekey_connections();
  // a rekeys 50 s in, b would at 55 s: a is first every time.
  west->children.front().lifetime = LifetimePolicy{seconds(60), seconds(10), 0, true};
  east->children.front().lifetime = LifetimePolicy{seconds(60), seconds(5), 0, true};
  west->dpd_delay = east->dpd_delay = Duration::zero();
  peers.establish(west, east);
  peers.run_for(seconds(49));
  EXPECT_EQ(peers.a().events.count(EventKind::child_rekeyed), 0u);
  peers.run_for(seconds(2));
  EXPECT_EQ(peers.a().events.count(EventKind::child_rekeyed), 1u) << peers.a().events.dump();
  EXPECT_EQ(peers.b().events.count(EventKind::child_rekeyed), 1u);
  // The new CHILD SA of a is due 50 s after its creation, b's 55 s after.
  peers.run_for(seconds(50));
  EXPECT_EQ(peers.a().events.count(EventKind::child_rekeyed), 2u) << peers.a().events.dump();
  EXPECT_EQ(test::children_of(peers.a()).size(), 1u);
  EXPECT_EQ(peers.a().events.count(EventKind::child_down), 0u);
  EXPECT_EQ(lines(peers.violations), "");
  EXPECT_EQ(lines(test::check_both(peers, true)), "");
}

TEST(ChildRekeyTriggers, KernelSoftExpireRekeysHardExpireDeletes) {
  RekeyPeers peers;
  auto [west, east] = test::rekey_connections();
  peers.establish(west, east);
  auto child = test::children_of(peers.a()).front();
  KernelExpire soft;
  soft.sa.destination = *IpAddress::parse("10.77.0.2");
  soft.sa.spi = child.spi_in;
  peers.a().engine.handle_kernel_expire(soft, peers.now());
  EXPECT_EQ(peers.deliver_all(), 4);
  EXPECT_EQ(peers.a().events.count(EventKind::child_rekeyed), 1u) << peers.a().events.dump();
  // A soft expire of an SA that no longer exists is ignored.
  peers.a().engine.handle_kernel_expire(soft, peers.now());
  EXPECT_EQ(peers.deliver_all(), 0);

  // The kernel drops b's outbound SA at its hard limit and tells us.
  auto current = test::children_of(peers.b()).front();
  peers.b().kernel.sas.erase(current.spi_out);
  KernelExpire hard;
  hard.sa.destination = *IpAddress::parse("10.77.0.2");
  hard.sa.spi = current.spi_out;
  hard.hard = true;
  peers.b().engine.handle_kernel_expire(hard, peers.now());
  EXPECT_EQ(peers.deliver_all(), 2);  // INFORMATIONAL delete
  for (auto* peer : {&peers.a(), &peers.b()}) {
    EXPECT_TRUE(test::children_of(*peer).empty()) << peer->events.dump();
    EXPECT_TRUE(peer->kernel.sas.empty());
    EXPECT_TRUE(peer->kernel.policies.empty());
    EXPECT_EQ(peer->events.count(EventKind::child_down), 1u) << peer->events.dump();
    EXPECT_EQ(peer->engine.ike_sas().size(), 1u) << "the IKE SA stays";
  }
  EXPECT_EQ(lines(test::check_both(peers, true)), "");
}

TEST(ChildRekeyTriggers, HardExpireOfTheInboundSaStillAnnouncesTheChildDown) {
  RekeyPeers peers;
  auto [west, east] = test::rekey_connections();
  peers.establish(west, east);
  // The kernel drops a's inbound SA at its hard limit: the CHILD SA ends on
  // both sides, and a's listeners (updown, ikectl) hear of it.
  auto child = test::children_of(peers.a()).front();
  peers.a().kernel.sas.erase(child.spi_in);
  KernelExpire hard;
  hard.sa.destination = *IpAddress::parse("10.77.0.2");
  hard.sa.spi = child.spi_in;
  hard.hard = true;
  peers.a().engine.handle_kernel_expire(hard, peers.now());
  EXPECT_EQ(peers.deliver_all(), 2);
  for (auto* peer : {&peers.a(), &peers.b()}) {
    EXPECT_TRUE(test::children_of(*peer).empty()) << peer->events.dump();
    EXPECT_TRUE(peer->kernel.sas.empty());
    EXPECT_TRUE(peer->kernel.policies.empty());
    EXPECT_EQ(peer->events.count(EventKind::child_down), 1u) << peer->events.dump();
  }
  EXPECT_EQ(lines(test::check_both(peers, true)), "");
}

TEST(ChildRekeyTriggers, HardLifetimeWithoutRekeyDeletesTheChildSa) {
  RekeyPeers peers;
  auto [west, east] = test::rekey_connections();
  west->children.front().lifetime = LifetimePolicy{seconds(60), seconds(10), 0, false};
  east->children.front().lifetime = LifetimePolicy{seconds(90), seconds(10), 0, false};
  west->dpd_delay = east->dpd_delay = Duration::zero();
  peers.establish(west, east);
  peers.run_for(seconds(59));
  EXPECT_EQ(test::children_of(peers.a()).size(), 1u);
  peers.run_for(seconds(2));
  for (auto* peer : {&peers.a(), &peers.b()}) {
    EXPECT_TRUE(test::children_of(*peer).empty()) << peer->events.dump();
    EXPECT_EQ(peer->events.count(EventKind::child_rekeyed), 0u);
    EXPECT_EQ(peer->events.count(EventKind::child_down), 1u);
  }
  EXPECT_EQ(lines(test::check_both(peers, true)), "");
  EXPECT_EQ(lines(peers.violations), "");
}

TEST(ChildRekeyTriggers, PeerGoneDuringTheRekeyReleasesTheAllocatedSpi) {
  RekeyPeers peers;
  auto [west, east] = test::rekey_connections("aes256gcm16-x25519", "aes256gcm16-x25519");
  west->dpd_delay = east->dpd_delay = Duration::zero();
  peers.establish(west, east);
  peers.set_down(Side::b, true);
  ASSERT_TRUE(peers.a().engine.rekey("office", false, peers.now()));
  EXPECT_EQ(peers.a().kernel.larval.size(), 1u);
  peers.run_for(minutes(3));  // retransmissions run out after 165 s
  EXPECT_TRUE(peers.a().engine.ike_sas().empty()) << peers.a().events.dump();
  EXPECT_TRUE(peers.a().kernel.larval.empty()) << "the rekey's SPI went with the IKE SA";
  EXPECT_TRUE(peers.a().kernel.sas.empty());
  EXPECT_TRUE(peers.a().kernel.policies.empty());
}

TEST(ChildRekeyTriggers, ReplacedChildSaExpiringBeforeThePeersDeleteGoesQuietly) {
  RekeyPeers peers;
  auto [west, east] = test::rekey_connections();
  west->children.front().lifetime = LifetimePolicy{seconds(120), seconds(20), 0, true};
  east->children.front().lifetime = LifetimePolicy{seconds(120), seconds(10), 0, true};
  west->dpd_delay = east->dpd_delay = Duration::zero();
  peers.establish(west, east);
  peers.advance(seconds(100));  // a's rekey time
  ASSERT_EQ(peers.describe_pending(Side::b), "CREATE_CHILD_SA request");
  ASSERT_TRUE(peers.deliver(Side::b));  // b answers: its old CHILD SA is replaced
  ASSERT_TRUE(peers.drop(Side::a));     // the answer is lost
  peers.advance(seconds(21));           // b's old CHILD SA reaches its hard lifetime
  // b removed it without a Delete: a is still rekeying it, and a Delete would
  // read as "delete the CHILD SA" (RFC 7296 2.25.1) and take the new one too.
  EXPECT_EQ(test::children_of(peers.b()).size(), 1u);
  EXPECT_EQ(peers.pending(Side::a), 0u);
  peers.run_for(seconds(30));  // a's retransmission, the cached answer, a's Delete
  ASSERT_EQ(test::children_of(peers.a()).size(), 1u) << peers.a().events.dump();
  ASSERT_EQ(test::children_of(peers.b()).size(), 1u) << peers.b().events.dump();
  EXPECT_EQ(test::children_of(peers.a()).front().spi_out,
            test::children_of(peers.b()).front().spi_in);
  for (auto* peer : {&peers.a(), &peers.b()}) {
    EXPECT_EQ(peer->events.count(EventKind::child_down), 0u) << peer->events.dump();
    EXPECT_EQ(peer->events.count(EventKind::child_rekeyed), 1u) << peer->events.dump();
  }
  EXPECT_EQ(lines(test::check_both(peers, true)), "");
}

TEST(ChildRekeyTriggers, RekeyOfAnUnknownConnectionIsAnError) {
  RekeyPeers peers;
  auto [west, east] = test::rekey_connections();
  peers.establish(west, east);
  EXPECT_FALSE(peers.a().engine.rekey("nonexistent", false, peers.now()));
}

}  // namespace
}  // namespace ike::sa
