// The example configurations shipped in etc/ load into what the engine runs,
// on the host each example describes, with the certificates it names made
// here (the repository ships none).

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "setup_test_support.hpp"

namespace ikev2d::setup::test {
namespace {

const std::string kEtc = std::string(IKE_SHARED_VECTORS_DIR) + "/../../etc/";

std::string shipped(const std::string& name) {
  std::ifstream in(kEtc + name);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_FALSE(text.str().empty()) << kEtc + name;
  return text.str();
}

TEST(ShippedExamples, SiteToSiteWithCertificates) {
  auto ca =
      issue({"", true, "", 1, {{"C", "CH"}, {"O", "Example"}, {"CN", "Example Root CA"}}}, nullptr);
  auto moon =
      issue({"", false, "", 2, {{"C", "CH"}, {"O", "Example"}, {"CN", "moon.example.net"}}}, &ca);
  ConfigTree tree;
  tree.conf(shipped("ipsec.conf.site-to-site"));
  tree.secrets(": ECDSA moonKey.pem\n");
  tree.write("ipsec.d/cacerts/exampleCA.pem", ca.cert_pem());
  tree.write("ipsec.d/certs/moonCert.pem", moon.cert_pem());
  tree.write("ipsec.d/private/moonKey.pem", moon.key_pem());
  FakeHost host;
  host.with_local("10.0.0.1");
  auto configuration = load(tree, host);
  ASSERT_TRUE(configuration) << configuration.error().reason;
  const auto* setup = find_conn(*configuration, "net-net");
  ASSERT_NE(setup, nullptr);
  const auto& c = *setup->connection;
  EXPECT_EQ(setup->auto_action, ike::config::AutoAction::start);
  EXPECT_EQ(c.local_id, id(moon.subject));
  EXPECT_EQ(c.remote_id, id("C=CH, O=Example, CN=sun.example.net"));
  EXPECT_EQ(c.ike_proposals.size(), 2u);
  EXPECT_EQ(c.ike_lifetime.lifetime, ike::hours(8));
  EXPECT_EQ(c.dpd_action, ike::sa::PeerGoneAction::restart);
  EXPECT_EQ(c.keying_tries, 0u);
  EXPECT_NE(configuration->credentials->signer(c), nullptr);
  EXPECT_TRUE(configuration->warnings.empty()) << all_warnings(*configuration);
}

TEST(ShippedExamples, RoadWarriorGatewayAndClient) {
  ConfigTree tree;
  tree.conf(shipped("ipsec.conf.roadwarrior"));
  tree.secrets(shipped("ipsec.secrets.example")
                   .substr(shipped("ipsec.secrets.example").find("@gw.example.net @alice")));
  FakeHost host;
  host.with_local("10.0.0.1");
  host.default_routes[4] = ip("192.0.2.77");
  auto configuration = load(tree, host);
  ASSERT_TRUE(configuration) << configuration.error().reason;
  const auto& gateway = *find_conn(*configuration, "rw-gateway")->connection;
  EXPECT_TRUE(gateway.remote_address.is_zero());
  EXPECT_EQ(gateway.local_auth, ike::sa::AuthClass::psk);
  EXPECT_TRUE(configuration->credentials->shared_key(gateway.local_id, id("@alice.example.net")));
  EXPECT_TRUE(configuration->credentials->shared_key(gateway.local_id, id("@bob.example.net")));
  // strongSwan's rule: a line naming our ID is a candidate for any peer (the
  // first one wins here); eve still has to know that key to authenticate.
  auto eve = configuration->credentials->shared_key(gateway.local_id, id("@eve.example.net"));
  auto alice = configuration->credentials->shared_key(gateway.local_id, id("@alice.example.net"));
  ASSERT_TRUE(eve && alice);
  EXPECT_TRUE(ike::constant_time_equal(eve->view(), alice->view()));
  const auto& client = *find_conn(*configuration, "rw-client")->connection;
  EXPECT_EQ(client.local_address, ip("192.0.2.77"));
  EXPECT_EQ(client.remote_address, ip("10.0.0.1"));
  EXPECT_TRUE(client.force_encapsulation);
  EXPECT_TRUE(configuration->credentials->shared_key(client.local_id, client.remote_id));
}

TEST(ShippedExamples, TransportModeBetweenTwoServers) {
  ConfigTree tree;
  tree.conf(shipped("ipsec.conf.transport"));
  tree.secrets("10.0.5.10 10.0.5.20 : PSK \"example\"\n");
  FakeHost host;
  host.with_local("10.0.5.20");  // the database side: right is local
  auto configuration = load(tree, host);
  ASSERT_TRUE(configuration) << configuration.error().reason;
  const auto* postgres = find_conn(*configuration, "app-db-postgres");
  ASSERT_NE(postgres, nullptr);
  EXPECT_TRUE(postgres->swapped);
  const auto& child = postgres->connection->children.front();
  EXPECT_EQ(child.mode, ike::sa::IpsecMode::transport);
  EXPECT_EQ(child.reqid, 54u);
  EXPECT_EQ(ike::ts::to_string(child.local_ts), "%dynamic[tcp/5432]");
  EXPECT_EQ(ike::ts::to_string(child.remote_ts), "%dynamic[tcp]");
  EXPECT_TRUE(configuration->credentials->shared_key(postgres->connection->local_id,
                                                     postgres->connection->remote_id));
}

}  // namespace
}  // namespace ikev2d::setup::test
