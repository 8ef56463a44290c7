// The responder's connection: the best address match at IKE_SA_INIT (exact
// addresses before %any, whatever the names), then the peer's identity at
// IKE_AUTH, which may move the IKE SA to another connection between the same
// addresses (two road warriors, one gateway address).

#include <gtest/gtest.h>

#include "support/two_peer_harness.hpp"

namespace ike::test {
namespace {

using sa::EventKind;

std::shared_ptr<sa::Connection> east_for(const char* name, const char* remote,
                                         const char* remote_id, const char* remote_net) {
  return psk_connection(name, "10.77.0.1", remote, "east.example", remote_id, "10.77.1.0/24",
                        remote_net);
}

struct GatewayWithTwoRoadWarriors : ::testing::Test {
  void SetUp() override {
    // Sorted by name, "alice" comes first and would win by address alone.
    h.b().engine.add_connection(east_for("alice", "0.0.0.0", "alice.example", "10.77.5.0/24"));
    h.b().engine.add_connection(east_for("bob", "0.0.0.0", "bob.example", "10.77.6.0/24"));
    set_psk(h, "switch-psk-0123456789");
  }
  TwoPeerHarness h;
};

TEST_F(GatewayWithTwoRoadWarriors, TheInitiatorsIdentityPicksItsConnection) {
  h.a().engine.add_connection(psk_connection("home", "10.77.0.2", "10.77.0.1", "bob.example",
                                             "east.example", "10.77.6.0/24", "10.77.1.0/24"));
  ASSERT_TRUE(h.a().engine.initiate("home", "", h.now()));
  h.deliver_all();
  ASSERT_EQ(h.a().events.count(EventKind::child_up), 1u) << h.dump();
  ASSERT_EQ(h.b().engine.ike_sas().size(), 1u);
  EXPECT_EQ(h.b().engine.ike_sas().front()->connection->name, "bob");
  EXPECT_EQ(h.b().engine.ike_sas().front()->children.size(), 1u);
  // The engine's index by connection name followed the switch.
  EXPECT_EQ(h.b().engine.ike_sas_of("bob"),
            std::vector<std::uint32_t>{h.b().engine.ike_sas().front()->serial});
  EXPECT_TRUE(h.b().engine.ike_sas_of("alice").empty());
  EXPECT_TRUE(h.b().engine.sa_index_mismatches().empty());
}

TEST_F(GatewayWithTwoRoadWarriors, AnUnknownIdentityIsStillRefused) {
  h.a().engine.add_connection(psk_connection("home", "10.77.0.2", "10.77.0.1", "carol.example",
                                             "east.example", "10.77.6.0/24", "10.77.1.0/24"));
  ASSERT_TRUE(h.a().engine.initiate("home", "", h.now()));
  h.deliver_all();
  EXPECT_EQ(h.a().events.count(EventKind::ike_up), 0u);
  EXPECT_TRUE(h.b().engine.ike_sas().empty());
}

TEST(ResponderConnection, ExactAddressesWinOverAnyWhateverTheName) {
  TwoPeerHarness h;
  // "a-any" admits everyone and sorts first; "z-exact" names west's address.
  h.b().engine.add_connection(east_for("a-any", "0.0.0.0", "%any", "10.77.5.0/24"));
  h.b().engine.add_connection(east_for("z-exact", "10.77.0.2", "west.example", "10.77.2.0/24"));
  auto [west, unused] = psk_connection_pair("office");
  h.a().engine.add_connection(west);
  set_psk(h, "switch-psk-0123456789");
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  h.deliver_all();
  ASSERT_EQ(h.b().engine.ike_sas().size(), 1u) << h.dump();
  EXPECT_EQ(h.b().engine.ike_sas().front()->connection->name, "z-exact");
  EXPECT_EQ(h.a().events.count(EventKind::child_up), 1u);
}

}  // namespace
}  // namespace ike::test
