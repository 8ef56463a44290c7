/// Exchange collisions of RFC 7296 2.8.1 and 2.25, every ordering a
/// parameter: both peers rekey the same CHILD SA at once (nonces pinned so
/// either side holds the lowest), a rekey crosses a delete of the same CHILD
/// SA, and both peers rekey the IKE SA at once. After each, both kernels hold
/// exactly one CHILD SA pair and its policies, and at no step was a reqid
/// without its SAs.

#include <gtest/gtest.h>

#include "rekey_peers.hpp"

namespace ike::sa {
namespace {

using test::RekeyPeers;
using test::Side;

using test::lines;

const char* name_of(Side side) {
  return side == Side::a ? "A" : "B";
}

/// The SPI a peer's kernel allocated last and did not install yet.
std::uint32_t newest_larval(test::HarnessPeer& peer) {
  return peer.kernel.larval.empty() ? 0 : peer.kernel.larval.rbegin()->first;
}

bool logged(test::HarnessPeer& peer, std::string_view text) {
  for (const auto& event : peer.events.events) {
    if (event.message.find(text) != std::string::npos) return true;
  }
  return false;
}

std::pair<std::shared_ptr<Connection>, std::shared_ptr<Connection>> quiet_connections(
    const char* esp = "") {
  auto pair = test::rekey_connections(esp, esp);
  pair.first->dpd_delay = pair.second->dpd_delay = Duration::zero();
  return pair;
}

// ------------------------------------------------------------------------
// Simultaneous CHILD SA rekeys (RFC 7296 2.8.1)

/// Where the lowest of the four nonces sits, relative to the exchange the
/// loser started.
enum class Lowest { losers_ni, winners_nr };

struct ChildCollision {
  Side first;  ///< whose request is delivered first
  Side loser;  ///< whose exchange holds the lowest nonce
  Lowest lowest;
  bool pfs;
};

class SimultaneousChildRekey : public ::testing::TestWithParam<ChildCollision> {};

TEST_P(SimultaneousChildRekey, LowestNonceLosesAndExactlyOneChildSaSurvives) {
  auto param = GetParam();
  RekeyPeers peers;
  auto [west, east] = quiet_connections(param.pfs ? "aes256gcm16-x25519" : "");
  peers.establish(west, east);
  auto old_reqid_a = test::children_of(peers.a()).front().reqid;
  auto winner = test::other(param.loser);
  // Nonces: loser's Ni meets winner's Nr in the loser's exchange.
  Bytes loser_ni = test::nonce_of(0x50), winner_nr = test::nonce_of(0x60);
  Bytes winner_ni = test::nonce_of(0x70), loser_nr = test::nonce_of(0x80);
  (param.lowest == Lowest::losers_ni ? loser_ni : winner_nr) = test::nonce_of(0x10);
  // Octet by octet: only the last octet tells these two apart.
  winner_ni = test::nonce_of(0x10);
  winner_ni.back() = 0x11;

  std::uint32_t initiator_spi[2] = {};
  for (auto side : {param.first, test::other(param.first)}) {
    auto& peer = peers.peer(side);
    peer.random.push(side == param.loser ? loser_ni : winner_ni);
    ASSERT_TRUE(peer.engine.rekey("office", false, peers.now()));
    initiator_spi[side == Side::a ? 0 : 1] = newest_larval(peer);
    peers.collect();
  }
  peers.peer(param.loser).random.push(loser_nr);
  peers.peer(winner).random.push(winner_nr);
  ASSERT_EQ(peers.describe_pending(Side::a), "CREATE_CHILD_SA request");
  ASSERT_EQ(peers.describe_pending(Side::b), "CREATE_CHILD_SA request");
  ASSERT_TRUE(peers.deliver(test::other(param.first)));  // first's request
  ASSERT_TRUE(peers.deliver(param.first));               // the other's request
  // Both exchanges complete, then the loser deletes its redundant CHILD SA
  // and the winner the old one.
  EXPECT_EQ(peers.deliver_all(), 6);

  EXPECT_EQ(lines(peers.violations), "");
  EXPECT_EQ(peers.larval_windows, 0) << "nobody sent on an SA its peer could not receive on";
  EXPECT_EQ(lines(test::check_both(peers, /*idle=*/true)), "");
  const auto& a = test::children_of(peers.a());
  const auto& b = test::children_of(peers.b());
  ASSERT_EQ(a.size(), 1u) << peers.a().events.dump();
  ASSERT_EQ(b.size(), 1u) << peers.b().events.dump();
  EXPECT_EQ(a.front().spi_out, b.front().spi_in);
  EXPECT_EQ(b.front().spi_out, a.front().spi_in);
  EXPECT_EQ(a.front().reqid, old_reqid_a);
  EXPECT_EQ(a.front().state, ChildState::installed);
  EXPECT_TRUE(a.front().policies_installed && b.front().policies_installed);
  // The survivor is the CHILD SA of the winner's exchange: the one whose
  // inbound SPI the winner allocated as initiator.
  const auto& winners_child = test::children_of(peers.peer(winner)).front();
  EXPECT_EQ(winners_child.spi_in, initiator_spi[winner == Side::a ? 0 : 1]);
  EXPECT_EQ(a.front().algorithms.ke_group,
            param.pfs ? wire::KeGroup::curve25519 : wire::KeGroup::none);
  for (auto* peer : {&peers.a(), &peers.b()}) {
    EXPECT_EQ(peer->kernel.sas.size(), 2u);
    EXPECT_EQ(peer->kernel.policies.size(), 3u);
    EXPECT_EQ(peer->events.count(EventKind::child_down), 0u) << peer->events.dump();
    EXPECT_EQ(peer->events.count(EventKind::failed), 0u) << peer->events.dump();
    EXPECT_EQ(peer->events.count(EventKind::child_rekeyed), 1u) << peer->events.dump();
  }
  EXPECT_TRUE(logged(peers.peer(param.loser), "lost on nonces"));
  EXPECT_TRUE(logged(peers.peer(winner), "won on nonces"));
}

std::vector<ChildCollision> all_child_collisions() {
  std::vector<ChildCollision> out;
  for (auto first : {Side::a, Side::b})
    for (auto loser : {Side::a, Side::b})
      for (auto lowest : {Lowest::losers_ni, Lowest::winners_nr})
        for (bool pfs : {false, true})
          out.push_back({first, loser, lowest, pfs});
  return out;
}

INSTANTIATE_TEST_SUITE_P(EveryOrdering, SimultaneousChildRekey,
                         ::testing::ValuesIn(all_child_collisions()), [](const auto& info) {
                           const auto& p = info.param;
                           return std::string(name_of(p.first)) + "First" + name_of(p.loser) +
                                  "Loses" +
                                  (p.lowest == Lowest::losers_ni ? "ByItsNi" : "ByPeersNr") +
                                  (p.pfs ? "Pfs" : "");
                         });

TEST(SimultaneousChildRekeyReordered, ResponseOvertakingThePeersRequestIsAnsweredTemporaryFailure) {
  RekeyPeers peers;
  auto [west, east] = quiet_connections();
  peers.establish(west, east);
  ASSERT_TRUE(peers.a().engine.rekey("office", false, peers.now()));
  ASSERT_TRUE(peers.b().engine.rekey("office", false, peers.now()));
  ASSERT_TRUE(peers.deliver(Side::b));  // a's request: b answers, notes the collision
  // b's answer reaches a before b's own request does: a completes its rekey
  // and is deleting the old CHILD SA when b's request for it arrives.
  ASSERT_EQ(peers.describe_pending(Side::a, 1), "CREATE_CHILD_SA response");
  ASSERT_TRUE(peers.deliver(Side::a, 1));
  ASSERT_TRUE(peers.deliver(Side::a, 0));
  EXPECT_TRUE(logged(peers.a(), "TEMPORARY_FAILURE")) << peers.a().events.dump();
  peers.deliver_all();
  EXPECT_EQ(lines(peers.violations), "");
  EXPECT_EQ(peers.larval_windows, 0);
  EXPECT_EQ(lines(test::check_both(peers, true)), "");
  ASSERT_EQ(test::children_of(peers.a()).size(), 1u) << peers.a().events.dump();
  ASSERT_EQ(test::children_of(peers.b()).size(), 1u) << peers.b().events.dump();
  EXPECT_EQ(test::children_of(peers.a()).front().spi_out,
            test::children_of(peers.b()).front().spi_in);
  // b does not retry: a's rekey replaced the CHILD SA it wanted to rekey.
  peers.run_for(seconds(30));
  EXPECT_EQ(peers.b().events.count(EventKind::child_rekeyed), 1u) << peers.b().events.dump();
  EXPECT_EQ(peers.b().events.count(EventKind::failed), 0u);
}

// ------------------------------------------------------------------------
// A rekey crossing a delete of the same CHILD SA (RFC 7296 2.25.1)

enum class DeleteOrder { rekey_arrives_first, delete_arrives_first, delete_completes_first };

struct RekeyDelete {
  Side rekeyer;
  DeleteOrder order;
};

class RekeyVersusDelete : public ::testing::TestWithParam<RekeyDelete> {};

TEST_P(RekeyVersusDelete, TheDeleteWinsAndNothingIsLeftBehind) {
  auto [rekeyer, order] = GetParam();
  auto deleter = test::other(rekeyer);
  RekeyPeers peers;
  auto [west, east] = quiet_connections();
  // The deleter's CHILD SA reaches its hard lifetime (no rekey) at 60 s.
  auto& deleting_config = deleter == Side::a ? *west : *east;
  deleting_config.children.front().lifetime = LifetimePolicy{seconds(60), seconds(10), 0, false};
  peers.establish(west, east);
  peers.advance(seconds(60));
  ASSERT_EQ(peers.describe_pending(rekeyer), "INFORMATIONAL request");
  ASSERT_TRUE(peers.peer(rekeyer).engine.rekey("office", false, peers.now()));
  peers.collect();
  ASSERT_EQ(peers.describe_pending(deleter), "CREATE_CHILD_SA request");

  const char* expected_answer = "TEMPORARY_FAILURE";
  switch (order) {
    case DeleteOrder::rekey_arrives_first:
      ASSERT_TRUE(peers.deliver(deleter));  // deleter is deleting it: TEMPORARY_FAILURE
      ASSERT_TRUE(peers.deliver(rekeyer));  // the delete: answered as usual
      break;
    case DeleteOrder::delete_arrives_first:
      ASSERT_TRUE(peers.deliver(rekeyer));
      ASSERT_TRUE(peers.deliver(deleter, 0));  // the rekey, before the delete's answer
      break;
    case DeleteOrder::delete_completes_first:
      ASSERT_TRUE(peers.deliver(rekeyer));
      ASSERT_EQ(peers.describe_pending(deleter, 1), "INFORMATIONAL response");
      ASSERT_TRUE(peers.deliver(deleter, 1));  // the delete's answer: the CHILD SA is gone
      ASSERT_TRUE(peers.deliver(deleter, 0));  // then the rekey: CHILD_SA_NOT_FOUND
      expected_answer = "CHILD_SA_NOT_FOUND";
      break;
  }
  peers.deliver_all();
  EXPECT_TRUE(logged(peers.peer(deleter), expected_answer)) << peers.peer(deleter).events.dump();
  EXPECT_EQ(lines(peers.violations), "");
  EXPECT_EQ(lines(test::check_both(peers, true)), "");
  for (auto* peer : {&peers.a(), &peers.b()}) {
    EXPECT_EQ(peer->engine.ike_sas().size(), 1u) << "the IKE SA stays";
    EXPECT_TRUE(test::children_of(*peer).empty()) << peer->events.dump();
    EXPECT_TRUE(peer->kernel.sas.empty());
    EXPECT_TRUE(peer->kernel.policies.empty());
    EXPECT_TRUE(peer->kernel.larval.empty());
    EXPECT_EQ(peer->events.count(EventKind::child_down), 1u) << peer->events.dump();
    EXPECT_EQ(peer->events.count(EventKind::child_rekeyed), 0u);
  }
  // Nobody comes back to it: no rekey retry, no re-creation.
  peers.run_for(minutes(2));
  EXPECT_TRUE(test::children_of(peers.a()).empty());
  EXPECT_TRUE(test::children_of(peers.b()).empty());
}

std::vector<RekeyDelete> all_rekey_delete_orders() {
  std::vector<RekeyDelete> out;
  for (auto rekeyer : {Side::a, Side::b})
    for (auto order : {DeleteOrder::rekey_arrives_first, DeleteOrder::delete_arrives_first,
                       DeleteOrder::delete_completes_first})
      out.push_back({rekeyer, order});
  return out;
}

std::string rekey_delete_name(const ::testing::TestParamInfo<RekeyDelete>& info) {
  static constexpr const char* kOrders[] = {"RekeyArrivesFirst", "DeleteArrivesFirst",
                                            "DeleteCompletesFirst"};
  return std::string(name_of(info.param.rekeyer)) + "Rekeys" +
         kOrders[static_cast<int>(info.param.order)];
}

INSTANTIATE_TEST_SUITE_P(EveryOrdering, RekeyVersusDelete,
                         ::testing::ValuesIn(all_rekey_delete_orders()), rekey_delete_name);

// ------------------------------------------------------------------------
// Simultaneous IKE SA rekeys (RFC 7296 2.8.1)

struct IkeCollision {
  Side first;
  Side loser;
};

class SimultaneousIkeRekey : public ::testing::TestWithParam<IkeCollision> {};

TEST_P(SimultaneousIkeRekey, LowestNonceLosesAndTheChildSasEndOnTheSurvivor) {
  auto [first, loser] = GetParam();
  auto winner = test::other(loser);
  RekeyPeers peers;
  auto [west, east] = quiet_connections();
  peers.establish(west, east);
  auto child_a = test::children_of(peers.a()).front();
  auto requests_a = peers.a().kernel.request_count();
  auto requests_b = peers.b().kernel.request_count();

  for (auto side : {first, test::other(first)}) {
    auto& peer = peers.peer(side);
    peer.random.push(test::nonce_of(side == loser ? 0x20 : 0x90));
    ASSERT_TRUE(peer.engine.rekey("office", /*ike=*/true, peers.now()));
    peers.collect();
  }
  peers.peer(loser).random.push(test::nonce_of(0xa0));
  peers.peer(winner).random.push(test::nonce_of(0xb0));
  ASSERT_TRUE(peers.deliver(test::other(first)));
  ASSERT_TRUE(peers.deliver(first));
  // Both rekeys complete; the loser deletes its redundant IKE SA, the winner
  // the old one.
  EXPECT_EQ(peers.deliver_all(), 6);

  EXPECT_EQ(lines(peers.violations), "");
  const auto* a = test::only_ike_sa(peers.a());
  const auto* b = test::only_ike_sa(peers.b());
  ASSERT_NE(a, nullptr) << peers.a().events.dump();
  ASSERT_NE(b, nullptr) << peers.b().events.dump();
  EXPECT_EQ(a->spi_i, b->spi_i);
  EXPECT_EQ(a->spi_r, b->spi_r);
  EXPECT_EQ(a->state, IkeState::established);
  EXPECT_EQ(b->state, IkeState::established);
  // The survivor came from the winner's exchange: the winner initiated it.
  EXPECT_TRUE(test::only_ike_sa(peers.peer(winner))->initiator);
  EXPECT_FALSE(test::only_ike_sa(peers.peer(loser))->initiator);
  ASSERT_EQ(a->children.size(), 1u);
  ASSERT_EQ(b->children.size(), 1u);
  EXPECT_EQ(a->children.front().spi_in, child_a.spi_in);
  EXPECT_EQ(peers.a().kernel.request_count(), requests_a) << "the kernel was not touched";
  EXPECT_EQ(peers.b().kernel.request_count(), requests_b);
  for (auto* peer : {&peers.a(), &peers.b()}) {
    EXPECT_EQ(peer->events.count(EventKind::ike_rekeyed), 1u) << peer->events.dump();
    EXPECT_EQ(peer->events.count(EventKind::ike_down), 0u) << peer->events.dump();
    EXPECT_EQ(peer->events.count(EventKind::failed), 0u) << peer->events.dump();
  }
  EXPECT_TRUE(logged(peers.peer(loser), "lost on nonces"));
  EXPECT_TRUE(logged(peers.peer(winner), "won on nonces"));

  // The survivor works: a CHILD rekey over it, then everything goes.
  ASSERT_TRUE(peers.peer(loser).engine.rekey("office", false, peers.now()));
  EXPECT_EQ(peers.deliver_all(), 4);
  EXPECT_EQ(lines(test::check_both(peers, true)), "");
  ASSERT_TRUE(peers.a().engine.terminate("office", peers.now()));
  peers.deliver_all();
  for (auto* peer : {&peers.a(), &peers.b()}) {
    EXPECT_TRUE(peer->engine.ike_sas().empty());
    EXPECT_TRUE(peer->kernel.sas.empty());
    EXPECT_TRUE(peer->kernel.policies.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(
    EveryOrdering, SimultaneousIkeRekey,
    ::testing::Values(IkeCollision{Side::a, Side::a}, IkeCollision{Side::a, Side::b},
                      IkeCollision{Side::b, Side::a}, IkeCollision{Side::b, Side::b}),
    [](const auto& info) {
      return std::string(name_of(info.param.first)) + "First" + name_of(info.param.loser) + "Loses";
    });

TEST(SimultaneousIkeRekeyReordered,
     WinnersDeleteOfTheOldIkeSaOvertakingOurResponseMovesTheChildSas) {
  RekeyPeers peers;
  auto [west, east] = quiet_connections();
  peers.establish(west, east);
  auto child_b = test::children_of(peers.b()).front();
  peers.a().random.push(test::nonce_of(0x90));
  ASSERT_TRUE(peers.a().engine.rekey("office", /*ike=*/true, peers.now()));
  peers.b().random.push(test::nonce_of(0x20));  // b's exchange holds the lowest: b loses
  ASSERT_TRUE(peers.b().engine.rekey("office", /*ike=*/true, peers.now()));
  peers.a().random.push(test::nonce_of(0xa0));
  peers.b().random.push(test::nonce_of(0xb0));
  ASSERT_TRUE(peers.deliver(Side::b));     // a's request: b answers, notes the collision
  ASSERT_TRUE(peers.deliver(Side::a, 0));  // b's request: a answers, notes the collision
  ASSERT_TRUE(peers.deliver(Side::a));     // a's answer: a won, deletes the old IKE SA
  ASSERT_EQ(peers.describe_pending(Side::b, 1), "INFORMATIONAL request");
  // The D(IKE) reaches b before b's own answer (RFC 7296 2.25.2: b forgets its
  // rekey); the CHILD SA must move to a's new IKE SA, not go down.
  ASSERT_TRUE(peers.deliver(Side::b, 1));
  peers.deliver_all();
  EXPECT_EQ(peers.b().events.count(EventKind::child_down), 0u) << peers.b().events.dump();
  EXPECT_EQ(peers.b().events.count(EventKind::ike_down), 0u) << peers.b().events.dump();
  // a's copy of b's new IKE SA is never deleted by b (b never completed it):
  // a drops it once b could no longer be retransmitting on it (165 s + 30 s).
  peers.run_for(seconds(194));
  EXPECT_EQ(peers.a().engine.ike_sas().size(), 2u);
  peers.run_for(seconds(2));
  const auto* a = test::only_ike_sa(peers.a());
  const auto* b = test::only_ike_sa(peers.b());
  ASSERT_NE(a, nullptr) << peers.a().events.dump();
  ASSERT_NE(b, nullptr) << peers.b().events.dump();
  EXPECT_EQ(a->spi_i, b->spi_i);
  EXPECT_TRUE(a->initiator);
  ASSERT_EQ(b->children.size(), 1u);
  EXPECT_EQ(b->children.front().spi_in, child_b.spi_in);
  EXPECT_EQ(peers.a().events.count(EventKind::ike_down), 0u) << peers.a().events.dump();
  EXPECT_EQ(lines(peers.violations), "");
  EXPECT_EQ(lines(test::check_both(peers, true)), "");
  // And it works.
  ASSERT_TRUE(peers.b().engine.rekey("office", false, peers.now()));
  EXPECT_EQ(peers.deliver_all(), 4);
  EXPECT_EQ(peers.b().events.count(EventKind::child_rekeyed), 1u) << peers.b().events.dump();
}

TEST(SimultaneousIkeRekeyReordered, LosersDeleteOfItsRedundantIkeSaOvertakingOurResponseIsQuiet) {
  RekeyPeers peers;
  auto [west, east] = quiet_connections();
  peers.establish(west, east);
  peers.a().random.push(test::nonce_of(0x90));
  ASSERT_TRUE(peers.a().engine.rekey("office", /*ike=*/true, peers.now()));
  peers.b().random.push(test::nonce_of(0x20));  // b's exchange holds the lowest: b loses
  ASSERT_TRUE(peers.b().engine.rekey("office", /*ike=*/true, peers.now()));
  peers.a().random.push(test::nonce_of(0xa0));
  peers.b().random.push(test::nonce_of(0xb0));
  ASSERT_TRUE(peers.deliver(Side::b));     // a's request
  ASSERT_TRUE(peers.deliver(Side::a, 0));  // b's request
  ASSERT_TRUE(peers.deliver(Side::b));     // b's answer: b lost, deletes its new IKE SA
  ASSERT_EQ(peers.describe_pending(Side::a, 1), "INFORMATIONAL request");
  ASSERT_TRUE(peers.deliver(Side::a, 1));  // ... which a learns before its own answer
  EXPECT_EQ(peers.a().events.count(EventKind::ike_down), 0u) << peers.a().events.dump();
  peers.deliver_all();
  const auto* a = test::only_ike_sa(peers.a());
  const auto* b = test::only_ike_sa(peers.b());
  ASSERT_NE(a, nullptr) << peers.a().events.dump();
  ASSERT_NE(b, nullptr) << peers.b().events.dump();
  EXPECT_EQ(a->spi_i, b->spi_i);
  EXPECT_TRUE(a->initiator);
  EXPECT_EQ(a->children.size(), 1u);
  EXPECT_EQ(b->children.size(), 1u);
  for (auto* peer : {&peers.a(), &peers.b()}) {
    EXPECT_EQ(peer->events.count(EventKind::ike_down), 0u) << peer->events.dump();
    EXPECT_EQ(peer->events.count(EventKind::child_down), 0u) << peer->events.dump();
    EXPECT_EQ(peer->events.count(EventKind::ike_rekeyed), 1u) << peer->events.dump();
  }
  EXPECT_EQ(lines(peers.violations), "");
  EXPECT_EQ(lines(test::check_both(peers, true)), "");
}

}  // namespace
}  // namespace ike::sa
