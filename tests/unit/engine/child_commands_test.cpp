/// `ikectl down` and `ikectl rekey` of one CHILD of a connection with several
/// (ipsec.conf conns that share an IKE SA): only that CHILD's CHILD SAs go or
/// are rekeyed; the IKE SA stays while another CHILD SA lives on it.

#include <gtest/gtest.h>

#include "rekey_peers.hpp"

namespace ike::sa {
namespace {

using test::RekeyPeers;
using test::Side;

using test::lines;

std::vector<std::string> child_names(test::HarnessPeer& peer) {
  std::vector<std::string> names;
  for (const auto& child : test::children_of(peer))
    names.push_back(child.name() + ":" + std::string(to_string(child.state)));
  return names;
}

/// Both CHILDs of "office" (office and lab) up on one IKE SA.
void establish_both(RekeyPeers& peers) {
  auto [west, east] = test::rekey_connections();
  peers.establish(west, east);
  ASSERT_TRUE(peers.a().engine.initiate("office", "lab", peers.now()));
  peers.deliver_all();
  ASSERT_EQ(test::children_of(peers.a()).size(), 2u) << peers.a().events.dump();
}

TEST(TerminateChild, DeletesOnlyThatChildAndKeepsTheIkeSa) {
  RekeyPeers peers;
  establish_both(peers);
  auto ike_serial = test::only_ike_sa(peers.a())->serial;
  ASSERT_TRUE(peers.a().engine.terminate_child("office", "lab", peers.now()));
  EXPECT_EQ(peers.deliver_all(), 2);  // one INFORMATIONAL with the Delete
  for (auto* peer : {&peers.a(), &peers.b()}) {
    ASSERT_NE(test::only_ike_sa(*peer), nullptr);
    EXPECT_EQ(child_names(*peer), (std::vector<std::string>{"office:INSTALLED"}));
    EXPECT_EQ(peer->kernel.sas.size(), 2u);
  }
  EXPECT_EQ(test::only_ike_sa(peers.a())->serial, ike_serial);
  EXPECT_EQ(lines(test::check_both(peers, true)), "");
}

TEST(TerminateChild, TheLastChildTakesTheIkeSaWithIt) {
  RekeyPeers peers;
  establish_both(peers);
  ASSERT_TRUE(peers.a().engine.terminate_child("office", "lab", peers.now()));
  peers.deliver_all();
  ASSERT_TRUE(peers.a().engine.terminate_child("office", "office", peers.now()));
  EXPECT_EQ(peers.deliver_all(), 2);  // D(IKE), not a CHILD delete first
  for (auto* peer : {&peers.a(), &peers.b()}) {
    EXPECT_TRUE(peer->engine.ike_sas().empty()) << peer->events.dump();
    EXPECT_TRUE(peer->kernel.sas.empty());
  }
}

TEST(TerminateChild, AnIkeSaWithoutAnyChildSaGoesWhole) {
  // The peer refused the CHILD of IKE_AUTH (ESP proposals that do not meet):
  // the IKE SA is up without a CHILD SA, and `down` of either CHILD ends it.
  RekeyPeers peers;
  auto [west, east] = test::rekey_connections("aes128gcm16", "aes256gcm16");
  peers.establish(west, east);
  ASSERT_NE(test::only_ike_sa(peers.a()), nullptr) << peers.a().events.dump();
  ASSERT_TRUE(test::children_of(peers.a()).empty());
  ASSERT_TRUE(peers.a().engine.terminate_child("office", "lab", peers.now()));
  EXPECT_EQ(peers.deliver_all(), 2);
  EXPECT_TRUE(peers.a().engine.ike_sas().empty());
  EXPECT_TRUE(peers.b().engine.ike_sas().empty());
}

TEST(TerminateChild, UnknownChildIsAnError) {
  RekeyPeers peers;
  establish_both(peers);
  ASSERT_TRUE(peers.a().engine.terminate_child("office", "lab", peers.now()));
  peers.deliver_all();
  auto again = peers.a().engine.terminate_child("office", "lab", peers.now());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().reason, "no CHILD SA 'lab' of connection 'office'");
  EXPECT_EQ(peers.deliver_all(), 0);
  EXPECT_EQ(test::children_of(peers.a()).size(), 1u);
}

TEST(TerminateChild, WhileTheIkeSaIsSetUpItForgetsThatChildOnly) {
  RekeyPeers peers;
  auto [west, east] = test::rekey_connections();
  peers.a().engine.add_connection(west);
  peers.b().engine.add_connection(east);
  ASSERT_TRUE(peers.a().engine.initiate("office", "office", peers.now()));
  ASSERT_TRUE(peers.a().engine.initiate("office", "lab", peers.now()));
  // The only CHILD of a negotiation that brings two: the IKE SA goes on.
  ASSERT_TRUE(peers.a().engine.terminate_child("office", "office", peers.now()));
  EXPECT_EQ(peers.a().engine.ike_sas().size(), 1u);
  ASSERT_TRUE(peers.a().engine.terminate_child("office", "lab", peers.now()));
  // Neither is wanted any more: nothing is left to negotiate.
  peers.deliver_all();
  EXPECT_TRUE(peers.a().engine.ike_sas().empty()) << peers.a().events.dump();
}

TEST(RekeyChild, RekeysOnlyThatChild) {
  RekeyPeers peers;
  establish_both(peers);
  std::uint32_t office_before = 0, lab_before = 0;
  for (const auto& child : test::children_of(peers.a()))
    (child.name() == "office" ? office_before : lab_before) = child.serial;
  ASSERT_TRUE(peers.a().engine.rekey_child("office", "lab", peers.now()));
  peers.deliver_all();
  std::vector<std::uint32_t> lab_serials;
  for (const auto& child : test::children_of(peers.a())) {
    if (child.name() == "office") {
      EXPECT_EQ(child.serial, office_before);
    } else {
      lab_serials.push_back(child.serial);
    }
  }
  ASSERT_EQ(lab_serials.size(), 1u) << lines(child_names(peers.a()));
  EXPECT_NE(lab_serials.front(), lab_before);
  EXPECT_EQ(lines(test::check_both(peers, true)), "");

  auto unknown = peers.a().engine.rekey_child("office", "printer", peers.now());
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().reason, "no installed CHILD SA 'printer' of connection 'office'");
}

}  // namespace
}  // namespace ike::sa
