// Which end is local: left when it is ours (or %any, or %defaultroute),
// right when it is ours (the ends swap), else left with a warning; and the
// addresses the engine gets for each form of left=/right=.

#include <gtest/gtest.h>

#include "setup_test_support.hpp"

namespace ikev2d::setup::test {
namespace {

class EndResolution : public ::testing::Test {
 protected:
  void SetUp() override { tree.secrets(": PSK \"x\"\n"); }

  /// Loads `conn` (a conn named "a" with authby=psk added) and returns it.
  const ike::sa::Connection* load_conn(const std::string& body) {
    tree.conf("conn a\n\tauthby=psk\n" + body);
    auto result = load(tree, host);
    EXPECT_TRUE(result) << result.error().reason;
    if (!result) return nullptr;
    configuration = std::move(*result);
    const auto* setup = find_conn(configuration, "a");
    return setup ? setup->connection.get() : nullptr;
  }

  ConfigTree tree;
  FakeHost host;
  Configuration configuration;
};

TEST_F(EndResolution, LeftIsOursSoNothingSwaps) {
  host.with_local("10.1.0.1");
  const auto* c = load_conn("\tleft=10.1.0.1\n\tright=10.2.0.1\n");
  ASSERT_NE(c, nullptr);
  EXPECT_FALSE(configuration.connections.front().swapped);
  EXPECT_EQ(c->local_address, ip("10.1.0.1"));
  EXPECT_EQ(c->remote_address, ip("10.2.0.1"));
  EXPECT_TRUE(configuration.warnings.empty()) << all_warnings(configuration);
}

TEST_F(EndResolution, RightIsOursSoEveryRightSettingBecomesLocal) {
  host.with_local("10.2.0.1");
  const auto* c = load_conn(
      "\tleft=10.1.0.1\n\tleftid=@west\n\tleftsubnet=10.10.0.0/16\n\tleftikeport=4501\n"
      "\tleftupdown=/usr/local/bin/west-updown\n"
      "\tright=10.2.0.1\n\trightid=@east\n\trightsubnet=10.20.0.0/16\n"
      "\trightupdown=/usr/local/bin/east-updown\n\trighthostaccess=yes\n");
  ASSERT_NE(c, nullptr);
  const auto& setup = configuration.connections.front();
  EXPECT_TRUE(setup.swapped);
  EXPECT_EQ(c->local_address, ip("10.2.0.1"));
  EXPECT_EQ(c->remote_address, ip("10.1.0.1"));
  EXPECT_EQ(c->local_id, id("@east"));
  EXPECT_EQ(c->remote_id, id("@west"));
  EXPECT_EQ(c->local_port, 500);
  EXPECT_EQ(c->remote_port, 4501);
  EXPECT_EQ(ike::ts::to_string(c->children.front().local_ts), "10.20.0.0/16");
  EXPECT_EQ(ike::ts::to_string(c->children.front().remote_ts), "10.10.0.0/16");
  EXPECT_EQ(setup.updown_script, "/usr/local/bin/east-updown");
  EXPECT_TRUE(setup.updown_hostaccess);
  EXPECT_TRUE(has_warning(configuration, "leftupdown: only the local side's script runs"))
      << all_warnings(configuration);
}

TEST_F(EndResolution, NeitherEndIsOursSoLeftIsTakenWithAWarning) {
  const auto* c = load_conn("\tleft=10.1.0.1\n\tright=10.2.0.1\n");
  ASSERT_NE(c, nullptr);
  EXPECT_FALSE(configuration.connections.front().swapped);
  EXPECT_EQ(c->local_address, ip("10.1.0.1"));
  EXPECT_TRUE(has_warning(configuration,
                          "ipsec.conf:3: conn a: neither left=10.1.0.1 nor right=10.2.0.1 is an "
                          "address of this host; taking left as local"))
      << all_warnings(configuration);
}

TEST_F(EndResolution, LeftAnyIsLocalEvenWhenRightIsOurs) {
  host.with_local("10.2.0.1");
  const auto* c = load_conn("\tleft=%any\n\tright=10.2.0.1\n");
  ASSERT_NE(c, nullptr);
  EXPECT_FALSE(configuration.connections.front().swapped);
  EXPECT_TRUE(c->local_address.is_zero());
  EXPECT_EQ(c->remote_address, ip("10.2.0.1"));
}

TEST_F(EndResolution, DefaultRouteBecomesTheRouteSourceAddress) {
  host.default_routes[4] = ip("192.0.2.10");
  const auto* c = load_conn("\tleft=%defaultroute\n\tright=198.51.100.1\n");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->local_address, ip("192.0.2.10"));
  EXPECT_EQ(c->local_id, id("192.0.2.10"));
  EXPECT_EQ(c->remote_address, ip("198.51.100.1"));
}

TEST_F(EndResolution, DefaultRouteOfThePeersFamily) {
  host.default_routes[4] = ip("192.0.2.10");
  host.default_routes[6] = ip("2001:db8::10");
  const auto* c = load_conn("\tleft=%defaultroute\n\tright=2001:db8:1::1\n");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->local_address, ip("2001:db8::10"));
}

TEST_F(EndResolution, RightDefaultRouteSwaps) {
  host.default_routes[4] = ip("192.0.2.10");
  const auto* c = load_conn("\tleft=198.51.100.1\n\tright=%defaultroute\n");
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(configuration.connections.front().swapped);
  EXPECT_EQ(c->local_address, ip("192.0.2.10"));
  EXPECT_EQ(c->remote_address, ip("198.51.100.1"));
}

TEST_F(EndResolution, DefaultRouteWithoutARouteIsAnyAddress) {
  const auto* c = load_conn("\tleft=%defaultroute\n\tright=198.51.100.1\n");
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(c->local_address.is_zero());
  EXPECT_TRUE(has_warning(configuration, "left=%defaultroute: this host has no default route"))
      << all_warnings(configuration);
}

TEST_F(EndResolution, HostNamesAreResolvedAndGiveFqdnIds) {
  host.with_local("10.1.0.1");
  host.dns["gw.example.net"] = {ip("2001:db8::7"), ip("10.2.0.7")};
  const auto* c = load_conn("\tleft=10.1.0.1\n\tright=gw.example.net\n");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->remote_address, ip("10.2.0.7"));  // the family of left
  EXPECT_EQ(c->remote_id, id("gw.example.net"));
}

TEST_F(EndResolution, OurHostNameMakesItsEndLocal) {
  host.with_local("10.2.0.1");
  host.dns["me.example.net"] = {ip("10.2.0.1")};
  const auto* c = load_conn("\tleft=10.1.0.1\n\tright=me.example.net\n");
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(configuration.connections.front().swapped);
  EXPECT_EQ(c->local_address, ip("10.2.0.1"));
  EXPECT_EQ(c->local_id, id("me.example.net"));
}

TEST_F(EndResolution, AnyPeerOfOneFamily) {
  host.with_local("2001:db8::1");
  const auto* c = load_conn("\tleft=2001:db8::1\n\tright=%any6\n");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->remote_address, ip("::"));
  EXPECT_TRUE(c->remote_id.is_any());
}

TEST_F(EndResolution, LocalAnyTakesThePeersFamily) {
  const auto* c = load_conn("\tleft=%any\n\tright=2001:db8::2\n");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->local_address, ip("::"));
  EXPECT_TRUE(c->local_id.is_any());  // the engine sends the SA's address
}

TEST_F(EndResolution, RemoteSubnetIsAcceptedFromAnyAddressWithAWarning) {
  host.with_local("10.1.0.1");
  const auto* c = load_conn("\tleft=10.1.0.1\n\tright=10.2.0.0/16\n");
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(c->remote_address.is_zero());
  EXPECT_TRUE(c->remote_id.is_any());
  EXPECT_TRUE(has_warning(configuration, "address ranges and subnets are not enforced"));
}

TEST_F(EndResolution, RemoteListUsesItsFirstAddress) {
  host.with_local("10.1.0.1");
  const auto* c = load_conn("\tleft=10.1.0.1\n\tright=10.2.0.1,10.3.0.1\n");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->remote_address, ip("10.2.0.1"));
  EXPECT_TRUE(c->remote_id.is_any());
  EXPECT_TRUE(has_warning(configuration, "only 10.2.0.1 is used"));
}

TEST_F(EndResolution, LocalListUsesTheAddressThatIsOurs) {
  host.with_local("10.1.0.2");
  const auto* c = load_conn("\tleft=10.1.0.1,10.1.0.2\n\tright=10.2.0.1\n");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->local_address, ip("10.1.0.2"));
}

TEST_F(EndResolution, PercentAddressInitiatesThereWithAWarning) {
  host.with_local("10.1.0.1");
  const auto* c = load_conn("\tleft=10.1.0.1\n\tright=%10.2.0.1\n");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->remote_address, ip("10.2.0.1"));
  EXPECT_TRUE(c->remote_id.is_any());
  EXPECT_TRUE(has_warning(configuration, "peers are accepted only from that address"));
}

}  // namespace
}  // namespace ikev2d::setup::test
