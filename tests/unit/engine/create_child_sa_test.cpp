/// CREATE_CHILD_SA for a further CHILD SA on an established IKE SA (RFC 7296
/// 1.3.1), from either peer, with and without PFS; INVALID_KE_PAYLOAD and
/// NO_PROPOSAL_CHOSEN; one IKE SA per connection.

#include <gtest/gtest.h>

#include "rekey_peers.hpp"

namespace ike::sa {
namespace {

using test::RekeyPeers;
using test::Side;

using test::lines;

const ChildSa* child_named(test::HarnessPeer& peer, std::string_view name) {
  for (const auto& child : test::children_of(peer)) {
    if (child.name() == name) return &child;
  }
  return nullptr;
}

struct Pfs {
  const char* label;
  const char* esp;
  wire::KeGroup group;
};

constexpr Pfs kPfsCases[] = {
    {"NoPfs", "", wire::KeGroup::none},
    {"Curve25519", "aes256gcm16-x25519", wire::KeGroup::curve25519},
    {"Ecp256", "aes128-sha256-ecp256", wire::KeGroup::ecp256},
};

class CreateChildSa : public ::testing::TestWithParam<std::tuple<Side, Pfs>> {};

TEST_P(CreateChildSa, SecondChildSaComesOnTheSameIkeSa) {
  auto [side, pfs] = GetParam();
  RekeyPeers peers;
  auto [west, east] = test::rekey_connections(pfs.esp, pfs.esp);
  peers.establish(west, east);
  auto& initiator = peers.peer(side);
  ASSERT_NE(test::only_ike_sa(initiator), nullptr) << initiator.events.dump();
  auto ike_serial = test::only_ike_sa(initiator)->serial;

  auto result = initiator.engine.initiate("office", "lab", peers.now());
  ASSERT_TRUE(result) << result.error().reason;
  EXPECT_EQ(*result, ike_serial);
  EXPECT_EQ(peers.deliver_all(), 2);  // one CREATE_CHILD_SA exchange

  for (auto* peer : {&peers.a(), &peers.b()}) {
    ASSERT_EQ(peer->engine.ike_sas().size(), 1u);
    ASSERT_EQ(test::children_of(*peer).size(), 2u) << peer->events.dump();
    const auto* lab = child_named(*peer, "lab");
    ASSERT_NE(lab, nullptr);
    EXPECT_EQ(lab->algorithms.ke_group, pfs.group);
    // The first CHILD SA came with IKE_AUTH: never a key exchange of its own.
    EXPECT_EQ(child_named(*peer, "office")->algorithms.ke_group, wire::KeGroup::none);
    EXPECT_EQ(peer->kernel.sas.size(), 4u);
    EXPECT_EQ(peer->kernel.policies.size(), 6u);
    EXPECT_EQ(peer->events.count(EventKind::child_up), 2u);
    EXPECT_EQ(peer->events.count(EventKind::failed), 0u) << peer->events.dump();
  }
  EXPECT_EQ(child_named(peers.a(), "lab")->spi_out, child_named(peers.b(), "lab")->spi_in);
  EXPECT_EQ(child_named(peers.b(), "lab")->spi_out, child_named(peers.a(), "lab")->spi_in);
  EXPECT_NE(child_named(peers.a(), "lab")->reqid, child_named(peers.a(), "office")->reqid);
  EXPECT_EQ(lines(test::check_both(peers, /*idle=*/true)), "");
  EXPECT_EQ(lines(peers.violations), "");
}

INSTANTIATE_TEST_SUITE_P(BothRolesWithAndWithoutPfs, CreateChildSa,
                         ::testing::Combine(::testing::Values(Side::a, Side::b),
                                            ::testing::ValuesIn(kPfsCases)),
                         [](const auto& info) {
                           return std::string("From") +
                                  (std::get<0>(info.param) == Side::a ? "A" : "B") +
                                  std::get<1>(info.param).label;
                         });

TEST(CreateChildSaPfs, InvalidKePayloadMakesTheInitiatorRetryWithTheAskedGroup) {
  RekeyPeers peers;
  auto [west, east] = test::rekey_connections("aes256gcm16-x25519-ecp256", "aes256gcm16-ecp256");
  peers.establish(west, east);
  ASSERT_TRUE(peers.a().engine.initiate("office", "lab", peers.now()));
  ASSERT_EQ(peers.describe_pending(Side::b), "CREATE_CHILD_SA request");
  ASSERT_TRUE(peers.deliver(Side::b));
  EXPECT_EQ(test::children_of(peers.b()).size(), 1u) << "the refusal installs nothing";
  EXPECT_EQ(peers.deliver_all(), 3);  // INVALID_KE_PAYLOAD answer, retry, its answer
  for (auto* peer : {&peers.a(), &peers.b()}) {
    const auto* lab = child_named(*peer, "lab");
    ASSERT_NE(lab, nullptr) << peer->events.dump();
    EXPECT_EQ(lab->algorithms.ke_group, wire::KeGroup::ecp256);
  }
  EXPECT_EQ(lines(test::check_both(peers, true)), "");
  EXPECT_EQ(lines(peers.violations), "");
}

TEST(CreateChildSaPfs, ResponderRequiringPfsRefusesAnOfferWithoutAndNothingLeaks) {
  RekeyPeers peers;
  auto [west, east] = test::rekey_connections("aes256gcm16", "aes256gcm16-x25519");
  peers.establish(west, east);
  ASSERT_TRUE(peers.a().engine.initiate("office", "lab", peers.now()));
  EXPECT_EQ(peers.deliver_all(), 2);
  EXPECT_EQ(child_named(peers.a(), "lab"), nullptr);
  EXPECT_EQ(child_named(peers.b(), "lab"), nullptr);
  EXPECT_EQ(peers.a().events.count(EventKind::failed), 1u) << peers.a().events.dump();
  bool named = false;
  for (const auto& event : peers.a().events.events)
    named |= event.message.find("NO_PROPOSAL_CHOSEN") != std::string::npos;
  EXPECT_TRUE(named) << peers.a().events.dump();
  // The IKE SA and its first CHILD SA are untouched, the allocated SPI freed.
  EXPECT_EQ(test::children_of(peers.a()).size(), 1u);
  EXPECT_EQ(lines(test::check_both(peers, true)), "");
}

TEST(CreateChildSaInitiate, OneIkeSaPerConnectionEvenWhileItIsBeingSetUp) {
  RekeyPeers peers;
  auto [west, east] = test::rekey_connections();
  peers.a().engine.add_connection(west);
  peers.b().engine.add_connection(east);
  auto first = peers.a().engine.initiate("office", "office", peers.now());
  auto second = peers.a().engine.initiate("office", "lab", peers.now());
  ASSERT_TRUE(first && second);
  EXPECT_EQ(*first, *second);
  EXPECT_EQ(peers.deliver_all(), 6);  // IKE_SA_INIT, IKE_AUTH, CREATE_CHILD_SA
  EXPECT_EQ(peers.a().engine.ike_sas().size(), 1u);
  EXPECT_EQ(peers.b().engine.ike_sas().size(), 1u);
  EXPECT_EQ(test::children_of(peers.a()).size(), 2u) << peers.a().events.dump();
  EXPECT_EQ(test::children_of(peers.b()).size(), 2u);

  // "up" again for a CHILD SA that is up changes nothing and sends nothing.
  auto again = peers.a().engine.initiate("office", "lab", peers.now());
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *first);
  EXPECT_EQ(peers.deliver_all(), 0);
  EXPECT_EQ(test::children_of(peers.a()).size(), 2u);
  EXPECT_EQ(lines(test::check_both(peers, true)), "");
}

TEST(CreateChildSaInitiate, PeerGoneDuringTheExchangeLeavesNoAllocatedSpi) {
  RekeyPeers peers;
  auto [west, east] = test::rekey_connections();
  west->dpd_delay = east->dpd_delay = Duration::zero();
  peers.establish(west, east);
  peers.set_down(Side::b, true);
  ASSERT_TRUE(peers.a().engine.initiate("office", "lab", peers.now()));
  EXPECT_EQ(peers.a().kernel.larval.size(), 1u);
  peers.run_for(minutes(3));
  EXPECT_TRUE(peers.a().engine.ike_sas().empty());
  EXPECT_TRUE(peers.a().kernel.larval.empty());
  EXPECT_TRUE(peers.a().kernel.sas.empty());
}

TEST(CreateChildSaInitiate, ResponderAnswersTemporaryFailureWhileItsIkeSaIsRekeying) {
  RekeyPeers peers;
  auto [west, east] = test::rekey_connections();
  peers.establish(west, east);
  ASSERT_TRUE(peers.b().engine.rekey("office", /*ike=*/true, peers.now()));
  ASSERT_TRUE(peers.a().engine.initiate("office", "lab", peers.now()));
  // a's CREATE_CHILD_SA reaches b while b's IKE rekey is in flight (RFC 7296 2.25).
  ASSERT_EQ(peers.describe_pending(Side::b), "CREATE_CHILD_SA request");
  ASSERT_TRUE(peers.deliver(Side::b));
  bool refused = false;
  for (const auto& event : peers.b().events.events)
    refused |= event.message.find("TEMPORARY_FAILURE") != std::string::npos;
  EXPECT_TRUE(refused) << peers.b().events.dump();
  peers.deliver_all();
  EXPECT_EQ(child_named(peers.a(), "lab"), nullptr);
  EXPECT_EQ(lines(test::check_both(peers, true)), "");
  EXPECT_EQ(lines(peers.violations), "");
}

}  // namespace
}  // namespace ike::sa
