// Shard tags (shard_tag.hpp): engines of a sharded daemon tag the IKE SA
// serials and reqids they allocate with their shard in the low bits, so two
// engines never hand out the same one and the owner is recoverable; and
// Engine::ike_sas_of lists a connection's IKE SAs from the engine's index.

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "ike/sa/shard_tag.hpp"
#include "support/two_peer_harness.hpp"

namespace ike::test {
namespace {

using sa::ShardTag;

TEST(ShardTag, ZeroBitsLeaveTheCounterAsItIs) {
  ShardTag tag{0, 0};
  std::uint32_t counter = 1;
  EXPECT_EQ(tag.take(counter), 1u);
  EXPECT_EQ(tag.take(counter), 2u);
  EXPECT_EQ(counter, 3u);
  EXPECT_EQ(ShardTag::shard_of(12345, 0), 0);
}

TEST(ShardTag, TagsTheLowBitsAndShardOfRecoversIt) {
  ShardTag tag{5, 3};
  std::uint32_t counter = 1;
  EXPECT_EQ(tag.take(counter), (1u << 3) | 5u);
  EXPECT_EQ(tag.take(counter), (2u << 3) | 5u);
  EXPECT_EQ(ShardTag::shard_of(tag.tagged(77), 3), 5);
  EXPECT_EQ(tag.tagged(77) >> 3, 77u);
}

TEST(ShardTag, ACounterThatRunsOutStartsAgainAtOneAndNeverYieldsZero) {
  ShardTag tag{0, 4};
  std::uint32_t counter = (1u << 28) - 1;  // the last counter value that fits
  EXPECT_EQ(tag.take(counter), ((1u << 28) - 1) << 4);
  EXPECT_EQ(tag.take(counter), 1u << 4);  // not 0: 0 means "none"
  ShardTag untagged{0, 0};
  std::uint32_t wrapped = 0xffffffff;
  EXPECT_EQ(untagged.take(wrapped), 0xffffffffu);
  EXPECT_EQ(untagged.take(wrapped), 1u);
}

HarnessOptions sharded(std::uint8_t shard_a, std::uint8_t shard_b, std::uint8_t bits) {
  HarnessOptions options;
  options.settings_a.shard = shard_a;
  options.settings_a.shard_bits = bits;
  options.settings_b.shard = shard_b;
  options.settings_b.shard_bits = bits;
  return options;
}

/// Every IKE SA serial and CHILD SA reqid an engine holds now.
void collect(const HarnessPeer& peer, std::set<std::uint32_t>& serials,
             std::set<std::uint32_t>& reqids) {
  for (const auto* ike : peer.engine.ike_sas()) {
    serials.insert(ike->serial);
    for (const auto& child : ike->children)
      reqids.insert(child.reqid);
  }
}

TEST(ShardTag, TwoEnginesOfOneBitHandOutDisjointSerialsAndReqidsTaggedWithTheirShard) {
  TwoPeerHarness h(sharded(0, 1, 1));
  auto [west, east] = psk_connection_pair();
  h.add_connections(west, east);
  set_psk(h, "shard-psk-0123456789");
  std::array<std::set<std::uint32_t>, 2> serials;
  std::array<std::set<std::uint32_t>, 2> reqids;
  // Routing takes an engine reqid for the trap; the CHILD SAs negotiated
  // while routed carry it (trap_test.cpp).
  ASSERT_TRUE(h.a().engine.route("office", h.now()));
  reqids[0].insert(h.a().engine.find_connection("office")->children.front().reqid);
  ASSERT_TRUE(h.b().engine.route("office", h.now()));
  reqids[1].insert(h.b().engine.find_connection("office")->children.front().reqid);
  // Several IKE SAs (and CHILD SAs) on both sides: up, IKE rekeys from
  // either side (new serials), down, and up again from the other side.
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  h.deliver_all();
  for (int round = 0; round < 3; ++round) {
    collect(h.a(), serials[0], reqids[0]);
    collect(h.b(), serials[1], reqids[1]);
    auto& rekeying = round % 2 == 0 ? h.a() : h.b();
    ASSERT_TRUE(rekeying.engine.rekey("office", /*ike=*/true, h.now()));
    h.deliver_all();
  }
  ASSERT_TRUE(h.a().engine.terminate("office", h.now()));
  h.deliver_all();
  ASSERT_TRUE(h.b().engine.initiate("office", "", h.now()));
  h.deliver_all();
  collect(h.a(), serials[0], reqids[0]);
  collect(h.b(), serials[1], reqids[1]);

  for (std::size_t shard = 0; shard < 2; ++shard) {
    EXPECT_GE(serials[shard].size(), 3u) << "shard " << shard;
    EXPECT_FALSE(reqids[shard].empty()) << "shard " << shard;
    for (auto serial : serials[shard])
      EXPECT_EQ(ShardTag::shard_of(serial, 1), shard) << "serial " << serial;
    for (auto reqid : reqids[shard]) {
      EXPECT_NE(reqid, 0u);
      EXPECT_EQ(ShardTag::shard_of(reqid, 1), shard) << "reqid " << reqid;
    }
  }
  std::vector<std::uint32_t> common;
  std::set_intersection(serials[0].begin(), serials[0].end(), serials[1].begin(), serials[1].end(),
                        std::back_inserter(common));
  std::set_intersection(reqids[0].begin(), reqids[0].end(), reqids[1].begin(), reqids[1].end(),
                        std::back_inserter(common));
  EXPECT_TRUE(common.empty());
}

TEST(ShardTag, ReqidsSharedByConfigAndSelectorsCarryTheTagToo) {
  // Not routed: the CHILD SA's reqid comes from the ReqidRegistry.
  TwoPeerHarness h(sharded(2, 3, 2));
  auto [west, east] = psk_connection_pair();
  h.add_connections(west, east);
  set_psk(h, "shard-psk-0123456789");
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  h.deliver_all();
  for (auto [peer, shard] : {std::pair{&h.a(), 2}, std::pair{&h.b(), 3}}) {
    auto ike_sas = peer->engine.ike_sas();
    ASSERT_EQ(ike_sas.size(), 1u);
    EXPECT_EQ(ShardTag::shard_of(ike_sas[0]->serial, 2), shard);
    ASSERT_EQ(ike_sas[0]->children.size(), 1u);
    EXPECT_EQ(ShardTag::shard_of(ike_sas[0]->children[0].reqid, 2), shard);
    EXPECT_EQ(peer->kernel.sas.begin()->second.request.reqid, ike_sas[0]->children[0].reqid);
  }
}

TEST(IkeSasOf, ListsTheLiveIkeSasOfAConnectionAcrossRekeysAndDeletes) {
  TwoPeerHarness h;
  auto [west, east] = psk_connection_pair();
  h.add_connections(west, east);
  set_psk(h, "ike-sas-of-psk-0123456789");
  EXPECT_TRUE(h.a().engine.ike_sas_of("office").empty());
  auto serial = h.a().engine.initiate("office", "", h.now());
  ASSERT_TRUE(serial);
  // Listed from creation on, while it is being set up.
  EXPECT_EQ(h.a().engine.ike_sas_of("office"), std::vector<std::uint32_t>{*serial});
  h.deliver_all();
  EXPECT_EQ(h.a().engine.ike_sas_of("office"), std::vector<std::uint32_t>{*serial});
  ASSERT_EQ(h.b().engine.ike_sas().size(), 1u);
  EXPECT_EQ(h.b().engine.ike_sas_of("office"),
            std::vector<std::uint32_t>{h.b().engine.ike_sas()[0]->serial});
  EXPECT_TRUE(h.a().engine.ike_sas_of("elsewhere").empty());

  ASSERT_TRUE(h.a().engine.rekey("office", /*ike=*/true, h.now()));
  h.deliver_all();
  ASSERT_EQ(h.a().engine.ike_sas().size(), 1u);
  auto successor = h.a().engine.ike_sas()[0]->serial;
  EXPECT_NE(successor, *serial);
  EXPECT_EQ(h.a().engine.ike_sas_of("office"), std::vector<std::uint32_t>{successor});

  // A reload keeps the running IKE SA on its old Connection, same name.
  auto [west2, east2] = psk_connection_pair();
  h.a().engine.add_connection(west2);
  EXPECT_EQ(h.a().engine.ike_sas_of("office"), std::vector<std::uint32_t>{successor});

  ASSERT_TRUE(h.a().engine.terminate("office", h.now()));
  h.deliver_all();
  EXPECT_TRUE(h.a().engine.ike_sas_of("office").empty());
  EXPECT_TRUE(h.b().engine.ike_sas_of("office").empty());
  EXPECT_TRUE(h.a().engine.sa_index_mismatches().empty());
  EXPECT_TRUE(h.b().engine.sa_index_mismatches().empty());
}

}  // namespace
}  // namespace ike::test
