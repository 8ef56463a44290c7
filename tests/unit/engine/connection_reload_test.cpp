// Connections for a reload: add_connection replaces a connection of the same
// name, remove_connection drops it, and running IKE SAs live on with the
// Connection they were created with. initiate() on an IKE SA that is up but
// lacks the CHILD SA creates it with CREATE_CHILD_SA.

#include <gtest/gtest.h>

#include "ike/ts/subnet_syntax.hpp"
#include "support/two_peer_harness.hpp"

namespace ike::test {
namespace {

using sa::EventKind;
using wire::ExchangeType;

void establish_office(TwoPeerHarness& h) {
  auto [west, east] = psk_connection_pair();
  h.add_connections(west, east);
  set_psk(h, "reload-psk-0123456789");
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  h.deliver_all();
  ASSERT_EQ(h.a().events.count(EventKind::child_up), 1u) << h.dump();
}

TEST(ConnectionReload, ConnectionsAreListedByNameAndReplacedByName) {
  TwoPeerHarness h;
  auto& engine = h.a().engine;
  auto [office, east] = psk_connection_pair("office");
  auto [lab, unused] = psk_connection_pair("lab");
  engine.add_connection(office);
  engine.add_connection(lab);
  auto listed = engine.connections();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0]->name, "lab");
  EXPECT_EQ(listed[1]->name, "office");

  auto [office2, east2] = psk_connection_pair("office");
  engine.add_connection(office2);
  EXPECT_EQ(engine.connections().size(), 2u);
  EXPECT_EQ(engine.find_connection("office"), office2.get());

  engine.remove_connection("lab");
  engine.remove_connection("never-there");
  ASSERT_EQ(engine.connections().size(), 1u);
  EXPECT_EQ(engine.find_connection("lab"), nullptr);
}

TEST(ConnectionReload, RemovedConnectionsIkeSaLivesOnAndCanStillBeTerminated) {
  TwoPeerHarness h;
  establish_office(h);
  auto& west = h.a();
  west.engine.remove_connection("office");
  ASSERT_EQ(west.engine.ike_sas().size(), 1u);
  EXPECT_EQ(west.engine.ike_sas().front()->state, sa::IkeState::established);
  EXPECT_EQ(west.engine.ike_sas().front()->connection->name, "office");
  EXPECT_EQ(west.events.count(EventKind::ike_down), 0u);
  EXPECT_FALSE(west.engine.initiate("office", "", h.now())) << "no such connection any more";

  // It still rekeys, answers and can be taken down.
  h.run_for(minutes(2));
  EXPECT_EQ(west.engine.ike_sas().size(), 1u) << h.dump();
  ASSERT_TRUE(west.engine.terminate("office", h.now()));
  h.deliver_all();
  EXPECT_TRUE(west.engine.ike_sas().empty());
  EXPECT_TRUE(west.kernel.sas.empty());
  EXPECT_TRUE(west.kernel.policies.empty());
}

TEST(ConnectionReload, ReplacedConnectionsIkeSaKeepsItsOwnConfig) {
  TwoPeerHarness h;
  establish_office(h);
  auto& west = h.a();
  const auto* old_connection = west.engine.ike_sas().front()->connection.get();
  auto [reloaded, unused] = psk_connection_pair();
  sa::ChildConfig lab = reloaded->children[0];
  lab.name = "lab";
  lab.remote_ts = *ts::parse_subnet_list("10.77.3.0/24");
  reloaded->children.push_back(lab);
  west.engine.add_connection(reloaded);

  EXPECT_EQ(west.engine.ike_sas().front()->connection.get(), old_connection);
  // The running IKE SA is reused and its CHILD SA, of the old config, is
  // recognised as up: nothing is sent.
  auto serial = west.engine.initiate("office", "office", h.now());
  ASSERT_TRUE(serial);
  EXPECT_EQ(*serial, west.engine.ike_sas().front()->serial);
  EXPECT_EQ(h.deliver_all(), 0u);
  // A CHILD the old config does not have cannot be added to that IKE SA.
  auto refused = west.engine.initiate("office", "lab", h.now());
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().reason.find("predates a reload"), std::string::npos);
}

TEST(ConnectionReload, InitiateCreatesAMissingChildOnTheEstablishedIkeSa) {
  TwoPeerHarness h;
  establish_office(h);
  auto& west = h.a();
  auto serial = west.engine.ike_sas().front()->serial;
  // The CHILD SA goes at its hard lifetime in the kernel; the IKE SA stays.
  const auto& child = west.engine.ike_sas().front()->children.front();
  sa::KernelExpire hard;
  hard.sa.destination = *IpAddress::parse("10.77.0.1");
  hard.sa.spi = child.spi_out;
  hard.hard = true;
  west.kernel.sas.erase(child.spi_out);
  west.engine.handle_kernel_expire(hard, h.now());
  h.deliver_all();
  ASSERT_TRUE(west.engine.ike_sas().front()->children.empty()) << h.dump();
  ASSERT_EQ(west.events.count(EventKind::child_down), 1u) << west.events.dump();

  auto again = west.engine.initiate("office", "", h.now());
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, serial);
  h.deliver_all();
  EXPECT_EQ(h.link().sent_by(Side::a, ExchangeType::create_child_sa, false).size(), 1u);
  EXPECT_EQ(h.link().sent_by(Side::a, ExchangeType::ike_sa_init, false).size(), 1u);
  EXPECT_EQ(west.events.count(EventKind::child_up), 2u) << h.dump();
  ASSERT_EQ(west.engine.ike_sas().size(), 1u);
  EXPECT_EQ(west.engine.ike_sas().front()->children.size(), 1u);
  EXPECT_EQ(west.kernel.sas.size(), 2u);
  EXPECT_EQ(h.b().kernel.sas.size(), 2u);
}

}  // namespace
}  // namespace ike::test
