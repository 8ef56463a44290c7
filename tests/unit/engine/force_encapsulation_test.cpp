// forceencaps without a NAT: the side that forces fakes its NAT detection
// source hash (as strongSwan does), so the peer finds it "behind a NAT"
// (RFC 7296 2.23) and both sides move IKE to 4500 and install their ESP SAs
// with UDP encapsulation (RFC 3948). Without the faked hash the peer would
// send plain ESP into SAs that expect ESP-in-UDP.

#include <gtest/gtest.h>

#include "support/two_peer_harness.hpp"

namespace ike::test {
namespace {

using sa::EventKind;

void expect_encapsulated_on_4500(const HarnessPeer& peer, const char* who) {
  ASSERT_EQ(peer.engine.ike_sas().size(), 1u) << who;
  const auto& sa = *peer.engine.ike_sas().front();
  EXPECT_EQ(sa.local.port, 4500) << who;
  EXPECT_EQ(sa.remote.port, 4500) << who;
  EXPECT_FALSE(sa.nat_here) << who << ": nothing translates our own address";
  ASSERT_EQ(sa.children.size(), 1u) << who;
  EXPECT_TRUE(sa.children.front().encapsulated) << who;
  ASSERT_EQ(peer.kernel.sas.size(), 2u) << who;
  for (const auto& [spi, installed] : peer.kernel.sas) {
    ASSERT_TRUE(installed.request.encapsulation) << who << " " << installed.request.story;
    EXPECT_EQ(*installed.request.encapsulation, (sa::UdpEncapsulation{4500, 4500})) << who;
  }
}

TEST(ForceEncapsulation, TheInitiatorsForceencapsMakesTheResponderEncapsulateToo) {
  TwoPeerHarness h;
  auto [west, east] = psk_connection_pair();
  west->force_encapsulation = true;
  h.add_connections(west, east);
  set_psk(h, "forceencaps-psk-0123456789");
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  h.deliver_all();
  ASSERT_EQ(h.b().events.count(EventKind::child_up), 1u) << h.b().events.dump();
  EXPECT_TRUE(h.b().engine.ike_sas().front()->nat_there) << "the faked hash looks like a NAT";
  EXPECT_FALSE(h.a().engine.ike_sas().front()->nat_there);
  expect_encapsulated_on_4500(h.a(), "initiator");
  expect_encapsulated_on_4500(h.b(), "responder");
}

TEST(ForceEncapsulation, TheRespondersForceencapsMakesTheInitiatorEncapsulateToo) {
  TwoPeerHarness h;
  auto [west, east] = psk_connection_pair();
  east->force_encapsulation = true;
  h.add_connections(west, east);
  set_psk(h, "forceencaps-psk-0123456789");
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  h.deliver_all();
  ASSERT_EQ(h.a().events.count(EventKind::child_up), 1u) << h.a().events.dump();
  EXPECT_TRUE(h.a().engine.ike_sas().front()->nat_there);
  expect_encapsulated_on_4500(h.a(), "initiator");
  expect_encapsulated_on_4500(h.b(), "responder");
}

}  // namespace
}  // namespace ike::test
