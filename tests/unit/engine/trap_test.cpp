// auto=route: Engine::route installs one out trap per CHILD with the CHILD's
// reqid, an ACQUIRE starts the CHILD SA once, the CHILD SA's policies take
// the trap's place while it is up and the trap is back when it goes, and
// unroute removes exactly the traps.

#include <gtest/gtest.h>

#include "ike/ts/subnet_syntax.hpp"
#include "support/two_peer_harness.hpp"

namespace ike::test {
namespace {

using sa::EventKind;
using sa::PolicyDirection;
using wire::ExchangeType;

std::vector<sa::PolicyRequest> traps(const HarnessPeer& peer) {
  std::vector<sa::PolicyRequest> out;
  for (const auto& [key, policy] : peer.kernel.policies) {
    if (policy.trap) out.push_back(policy);
  }
  return out;
}

std::size_t real_policies(const HarnessPeer& peer) {
  return peer.kernel.policies.size() - traps(peer).size();
}

/// West has "office" (10.77.2.0/24 === 10.77.1.0/24) and "lab" (10.77.2.0/24
/// === 10.77.3.0/24, reqid 77 configured); east accepts both.
void add_two_children(TwoPeerHarness& h) {
  auto [west, east] = psk_connection_pair();
  sa::ChildConfig lab = west->children[0];
  lab.name = "lab";
  lab.remote_ts = *ts::parse_subnet_list("10.77.3.0/24");
  lab.reqid = 77;
  west->children.push_back(lab);
  sa::ChildConfig east_lab = east->children[0];
  east_lab.name = "lab";
  east_lab.local_ts = *ts::parse_subnet_list("10.77.3.0/24");
  east->children.push_back(east_lab);
  h.add_connections(west, east);
  set_psk(h, "trap-psk-0123456789");
}

sa::KernelAcquire acquire_for(std::uint32_t reqid, const char* from, const char* to) {
  sa::KernelAcquire acquire;
  acquire.reqid = reqid;
  acquire.source = ts::TrafficSelector::host(*IpAddress::parse(from), 6);
  acquire.destination = ts::TrafficSelector::host(*IpAddress::parse(to), 6);
  return acquire;
}

std::uint32_t reqid_of(const HarnessPeer& peer, std::string_view child) {
  return peer.engine.find_connection("office")->child(child)->reqid;
}

TEST(Traps, RouteInstallsOneOutTrapPerChildWithItsReqidAndUnrouteRemovesThem) {
  TwoPeerHarness h;
  add_two_children(h);
  auto& west = h.a();
  const auto* before = west.engine.find_connection("office");
  ASSERT_TRUE(west.engine.route("office", h.now()));
  EXPECT_TRUE(west.engine.is_routed("office"));
  // The connection now has fixed reqids; a configured one is kept.
  EXPECT_NE(west.engine.find_connection("office"), before);
  auto office_reqid = reqid_of(west, "office");
  EXPECT_NE(office_reqid, 0u);
  EXPECT_NE(office_reqid, 77u);
  EXPECT_EQ(reqid_of(west, "lab"), 77u);

  auto installed = traps(west);
  ASSERT_EQ(installed.size(), 2u);
  ASSERT_EQ(west.kernel.policies.size(), 2u);
  for (const auto& trap : installed) {
    EXPECT_EQ(trap.direction, PolicyDirection::out);
    EXPECT_EQ(trap.source.to_string(), "10.77.2.0/24");
    EXPECT_EQ(trap.tunnel_source, *IpAddress::parse("10.77.0.2"));
    EXPECT_EQ(trap.tunnel_destination, *IpAddress::parse("10.77.0.1"));
    auto expected = trap.destination.to_string() == "10.77.1.0/24" ? office_reqid : 77u;
    EXPECT_EQ(trap.reqid, expected) << trap.story;
  }
  // Nothing is negotiated until a packet asks for it.
  h.collect();
  EXPECT_EQ(h.link().in_flight(), 0u);
  EXPECT_TRUE(west.engine.ike_sas().empty());

  // Routing it again as it is changes nothing.
  auto requests = west.kernel.request_count();
  EXPECT_TRUE(west.engine.route("office", h.now()));
  EXPECT_EQ(west.kernel.request_count(), requests);

  ASSERT_TRUE(west.engine.unroute("office"));
  EXPECT_FALSE(west.engine.is_routed("office"));
  EXPECT_TRUE(west.kernel.policies.empty());
  EXPECT_FALSE(west.engine.unroute("office"));
}

TEST(Traps, RouteRefusesUnknownConnectionsAndOnesWithoutBothAddresses) {
  TwoPeerHarness h;
  auto [west, east] = psk_connection_pair();
  auto roaming = psk_connection("roaming", "10.77.0.2", "0.0.0.0", "west.example", "east.example",
                                "10.77.2.0/24", "10.77.1.0/24");
  h.a().engine.add_connection(west);
  h.a().engine.add_connection(roaming);
  EXPECT_FALSE(h.a().engine.route("nowhere", h.now()));
  auto refused = h.a().engine.route("roaming", h.now());
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().reason.find("local and a remote address"), std::string::npos);
  EXPECT_TRUE(h.a().kernel.policies.empty());
}

TEST(Traps, AcquireStartsTheChildOnceItsPoliciesReplaceTheTrapAndTheTrapOutlivesIt) {
  TwoPeerHarness h;
  add_two_children(h);
  auto& west = h.a();
  ASSERT_TRUE(west.engine.route("office", h.now()));
  auto reqid = reqid_of(west, "office");

  west.engine.handle_kernel_acquire(acquire_for(reqid, "10.77.2.5", "10.77.1.9"), h.now());
  // A second packet while the negotiation is under way starts nothing more.
  west.engine.handle_kernel_acquire(acquire_for(reqid, "10.77.2.5", "10.77.1.9"), h.now());
  h.deliver_all();
  EXPECT_EQ(h.link().sent_by(Side::a, ExchangeType::ike_sa_init, false).size(), 1u) << h.dump();
  ASSERT_EQ(west.events.count(EventKind::child_up), 1u) << h.dump();
  ASSERT_EQ(h.b().events.count(EventKind::child_up), 1u) << h.dump();

  // The CHILD SA has the trap's reqid; its out policy took the trap's place,
  // the lab trap is still there.
  for (const auto& [spi, installed] : west.kernel.sas)
    EXPECT_EQ(installed.request.reqid, reqid);
  EXPECT_EQ(real_policies(west), 3u);  // out, in, fwd
  auto left = traps(west);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].reqid, 77u);
  for (const auto& [key, policy] : west.kernel.policies) {
    if (!policy.trap) {
      EXPECT_EQ(policy.reqid, reqid) << policy.story;
    }
  }

  // The CHILD SA is up: another ACQUIRE (a race with the install) is ignored.
  west.engine.handle_kernel_acquire(acquire_for(reqid, "10.77.2.5", "10.77.1.9"), h.now());
  EXPECT_EQ(h.deliver_all(), 0u);

  // Down: the CHILD SA's policies go, both traps stay.
  ASSERT_TRUE(west.engine.terminate("office", h.now()));
  h.deliver_all();
  EXPECT_TRUE(west.engine.ike_sas().empty());
  EXPECT_TRUE(west.kernel.sas.empty());
  EXPECT_EQ(real_policies(west), 0u);
  EXPECT_EQ(traps(west).size(), 2u);
  EXPECT_TRUE(h.b().kernel.policies.empty());

  // And the next packet brings it up again.
  west.engine.handle_kernel_acquire(acquire_for(reqid, "10.77.2.5", "10.77.1.9"), h.now());
  h.deliver_all();
  EXPECT_EQ(west.events.count(EventKind::child_up), 2u) << h.dump();
  EXPECT_EQ(h.link().sent_by(Side::a, ExchangeType::ike_sa_init, false).size(), 2u);
}

TEST(Traps, AcquireForASecondChildUsesTheEstablishedIkeSa) {
  TwoPeerHarness h;
  add_two_children(h);
  auto& west = h.a();
  ASSERT_TRUE(west.engine.route("office", h.now()));
  ASSERT_TRUE(west.engine.initiate("office", "office", h.now()));
  h.deliver_all();
  ASSERT_EQ(west.events.count(EventKind::child_up), 1u) << h.dump();

  west.engine.handle_kernel_acquire(acquire_for(77, "10.77.2.5", "10.77.3.9"), h.now());
  h.deliver_all();
  EXPECT_EQ(h.link().sent_by(Side::a, ExchangeType::ike_sa_init, false).size(), 1u);
  EXPECT_EQ(h.link().sent_by(Side::a, ExchangeType::create_child_sa, false).size(), 1u);
  EXPECT_EQ(west.events.count(EventKind::child_up), 2u) << h.dump();
  EXPECT_EQ(west.engine.ike_sas().size(), 1u);
  EXPECT_TRUE(traps(west).empty()) << "both traps are covered by installed CHILD SAs";
  EXPECT_EQ(real_policies(west), 6u);
}

TEST(Traps, UnknownReqidIsIgnored) {
  TwoPeerHarness h;
  add_two_children(h);
  ASSERT_TRUE(h.a().engine.route("office", h.now()));
  h.a().engine.handle_kernel_acquire(acquire_for(4242, "10.77.2.5", "10.77.1.9"), h.now());
  h.collect();
  EXPECT_EQ(h.link().in_flight(), 0u);
  EXPECT_TRUE(h.a().engine.ike_sas().empty());
}

TEST(Traps, UnrouteWhileTheChildIsUpKeepsItsPoliciesAndTeardownLeavesNothing) {
  TwoPeerHarness h;
  add_two_children(h);
  auto& west = h.a();
  ASSERT_TRUE(west.engine.route("office", h.now()));
  ASSERT_TRUE(west.engine.initiate("office", "office", h.now()));
  h.deliver_all();
  ASSERT_EQ(real_policies(west), 3u);
  ASSERT_EQ(traps(west).size(), 1u);

  ASSERT_TRUE(west.engine.unroute("office"));
  EXPECT_EQ(real_policies(west), 3u) << "the CHILD SA's policies are not the traps";
  EXPECT_TRUE(traps(west).empty());
  ASSERT_TRUE(west.engine.terminate("office", h.now()));
  h.deliver_all();
  EXPECT_TRUE(west.kernel.policies.empty());
  EXPECT_TRUE(west.kernel.sas.empty());
}

TEST(Traps, ReplacingARoutedConnectionReroutesItWithTheSameReqids) {
  TwoPeerHarness h;
  add_two_children(h);
  auto& west = h.a();
  ASSERT_TRUE(west.engine.route("office", h.now()));
  auto reqid = reqid_of(west, "office");

  // A reload: "office" now protects 10.77.5.0/24 and has no "lab".
  auto reloaded = psk_connection("office", "10.77.0.2", "10.77.0.1", "west.example", "east.example",
                                 "10.77.2.0/24", "10.77.5.0/24");
  west.engine.add_connection(reloaded);
  EXPECT_TRUE(west.engine.is_routed("office"));
  auto now_installed = traps(west);
  ASSERT_EQ(now_installed.size(), 1u);
  EXPECT_EQ(now_installed[0].destination.to_string(), "10.77.5.0/24");
  EXPECT_EQ(now_installed[0].reqid, reqid);
  EXPECT_EQ(west.kernel.policies.size(), 1u);

  // Removing the connection unroutes it.
  west.engine.remove_connection("office");
  EXPECT_FALSE(west.engine.is_routed("office"));
  EXPECT_TRUE(west.kernel.policies.empty());
}

}  // namespace
}  // namespace ike::test
