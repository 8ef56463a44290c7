// The conn keywords that map one to one onto sa::Connection / ChildConfig,
// strongSwan's defaults when they are absent, transport mode, and the
// warnings for what the engine accepts without acting on it.

#include <gtest/gtest.h>

#include "ike/proposal/defaults.hpp"
#include "setup_test_support.hpp"

namespace ikev2d::setup::test {
namespace {

using ike::sa::PeerGoneAction;

class Mapping : public ::testing::Test {
 protected:
  void SetUp() override {
    tree.secrets(": PSK \"x\"\n");
    host.with_local("10.1.0.1");
  }

  const ike::sa::Connection* load_conn(const std::string& body) {
    tree.conf("conn a\n\tauthby=psk\n\tleft=10.1.0.1\n\tright=10.2.0.1\n" + body);
    auto result = load(tree, host);
    EXPECT_TRUE(result) << result.error().reason;
    if (!result) return nullptr;
    configuration = std::move(*result);
    return configuration.connections.front().connection.get();
  }

  ConfigTree tree;
  FakeHost host;
  Configuration configuration;
};

TEST_F(Mapping, StrongSwanDefaults) {
  const auto* c = load_conn("");
  ASSERT_NE(c, nullptr);
  const auto& child = c->children.front();
  EXPECT_EQ(configuration.connections.front().auto_action, ike::config::AutoAction::ignore);
  EXPECT_TRUE(c->ike_proposals.empty());  // the engine's defaults, offer and accept
  EXPECT_TRUE(child.esp_proposals.empty());
  EXPECT_EQ(c->ike_lifetime.lifetime, ike::hours(3));
  EXPECT_EQ(c->ike_lifetime.margin, ike::minutes(9));
  EXPECT_EQ(c->ike_lifetime.fuzz_percent, 100u);
  EXPECT_TRUE(c->ike_lifetime.rekey);
  EXPECT_EQ(child.lifetime.lifetime, ike::hours(1));
  EXPECT_EQ(child.lifetime.margin, ike::minutes(9));
  EXPECT_EQ(c->keying_tries, 3u);
  EXPECT_EQ(c->dpd_delay, ike::Duration(0));    // dpdaction=none: no liveness checks
  EXPECT_EQ(c->dpd_timeout, ike::Duration(0));  // unwritten: retransmissions decide
  EXPECT_EQ(c->dpd_action, PeerGoneAction::clear);
  EXPECT_TRUE(c->fragmentation);
  EXPECT_FALSE(c->force_encapsulation);
  EXPECT_EQ(c->send_certificate, ike::sa::SendCert::ifasked);
  EXPECT_EQ(c->local_port, 500);
  EXPECT_EQ(c->remote_port, 500);
  EXPECT_EQ(child.mode, ike::sa::IpsecMode::tunnel);
  EXPECT_EQ(child.reqid, 0u);
  EXPECT_TRUE(child.mark_in.empty());
  EXPECT_TRUE(child.mark_out.empty());
  EXPECT_EQ(child.replay_window, 32u);
  EXPECT_TRUE(child.install_policy);
  EXPECT_EQ(child.close_action, PeerGoneAction::clear);
  EXPECT_TRUE(ike::ts::has_dynamic(child.local_ts));
  EXPECT_TRUE(ike::ts::has_dynamic(child.remote_ts));
  EXPECT_TRUE(configuration.warnings.empty()) << all_warnings(configuration);
}

TEST_F(Mapping, EveryMappedKeyword) {
  const auto* c = load_conn(
      "\tauto=route\n"
      "\tike=aes256gcm16-prfsha384-x25519!\n"
      "\tesp=aes128gcm16-ecp256\n"
      "\tikelifetime=2h\n\tlifetime=30m\n\tmargintime=5m\n\trekeyfuzz=50%\n\trekey=no\n"
      "\tdpddelay=10s\n\tdpdaction=restart\n\tcloseaction=hold\n"
      "\tkeyingtries=%forever\n\tfragmentation=no\n\tforceencaps=yes\n"
      "\treqid=7\n\tmark=42/0xff\n\tmark_out=43\n\treplay_window=64\n\tinstallpolicy=no\n"
      "\tleftikeport=4500\n\trightikeport=4501\n"
      "\tleftprotoport=tcp/80\n\trightsubnet=10.20.0.0/16[udp/53],10.21.0.0/16\n"
      "\tleftupdown=/etc/ikev2d/updown.sh\n");
  ASSERT_NE(c, nullptr);
  const auto& setup = configuration.connections.front();
  EXPECT_EQ(setup.auto_action, ike::config::AutoAction::route);
  EXPECT_EQ(setup.updown_script, "/etc/ikev2d/updown.sh");
  ASSERT_EQ(c->ike_proposals.size(), 1u);  // strict: nothing appended
  EXPECT_EQ(ike::proposal::describe(c->ike_proposals.front()),
            "IKE:AES_GCM_16_256/PRF_HMAC_SHA2_384/CURVE_25519");
  const auto& child = c->children.front();
  auto esp_defaults = ike::proposal::default_proposals(ike::wire::ProtocolId::esp,
                                                       ike::proposal::DefaultsUse::offer);
  ASSERT_EQ(child.esp_proposals.size(), 1 + esp_defaults.size());
  EXPECT_EQ(ike::proposal::describe(child.esp_proposals.front()),
            "ESP:AES_GCM_16_128/ECP_256/NO_EXT_SEQ");
  EXPECT_EQ(c->ike_lifetime.lifetime, ike::hours(2));
  EXPECT_EQ(c->ike_lifetime.margin, ike::minutes(5));
  EXPECT_EQ(c->ike_lifetime.fuzz_percent, 50u);
  EXPECT_FALSE(c->ike_lifetime.rekey);
  EXPECT_EQ(child.lifetime.lifetime, ike::minutes(30));
  EXPECT_FALSE(child.lifetime.rekey);
  EXPECT_EQ(c->dpd_delay, ike::seconds(10));
  EXPECT_EQ(c->dpd_action, PeerGoneAction::restart);
  EXPECT_EQ(child.dpd_action, PeerGoneAction::restart);
  EXPECT_EQ(child.close_action, PeerGoneAction::hold);
  EXPECT_EQ(c->keying_tries, 0u);
  EXPECT_FALSE(c->fragmentation);
  EXPECT_TRUE(c->force_encapsulation);
  EXPECT_EQ(child.reqid, 7u);
  EXPECT_EQ(child.mark_in, (ike::sa::Mark{42, 0xff}));
  EXPECT_EQ(child.mark_out, (ike::sa::Mark{43, 0xffffffff}));
  EXPECT_EQ(child.replay_window, 64u);
  EXPECT_FALSE(child.install_policy);
  EXPECT_EQ(c->local_port, 4500);
  EXPECT_EQ(c->remote_port, 4501);
  EXPECT_EQ(ike::ts::to_string(child.local_ts), "%dynamic[tcp/80]");
  EXPECT_EQ(ike::ts::to_string(child.remote_ts), "10.20.0.0/16[udp/53], 10.21.0.0/16");
}

TEST_F(Mapping, TransportModeBetweenTwoHosts) {
  const auto* c = load_conn("\ttype=transport\n\tleftprotoport=udp/l2tp\n");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->children.front().mode, ike::sa::IpsecMode::transport);
  EXPECT_EQ(ike::ts::to_string(c->children.front().local_ts), "%dynamic[udp/1701]");
}

TEST_F(Mapping, TransportModeAcceptsHostSubnets) {
  const auto* c = load_conn("\ttype=transport\n\tleftsubnet=10.1.0.1\n\trightsubnet=10.2.0.1\n");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->children.front().mode, ike::sa::IpsecMode::transport);
}

TEST_F(Mapping, Ipv6Conn) {
  host.with_local("2001:db8:1::1");
  tree.conf(
      "conn v6\n\tauthby=psk\n\tleft=2001:db8:1::1\n\tleftsubnet=2001:db8:10::/48\n"
      "\tright=2001:db8:2::1\n\trightsubnet=2001:db8:20::/48\n");
  auto result = load(tree, host);
  ASSERT_TRUE(result) << result.error().reason;
  const auto& c = *result->connections.front().connection;
  EXPECT_EQ(c.local_address, ip("2001:db8:1::1"));
  EXPECT_EQ(c.local_id, id("2001:db8:1::1"));
  EXPECT_EQ(ike::ts::to_string(c.children.front().remote_ts), "2001:db8:20::/48");
}

TEST_F(Mapping, AcceptedButNotActedOnIsAWarningWithItsLine) {
  const auto* c = load_conn(
      "\tcompress=yes\n"          // 5
      "\tmobike=yes\n"            // 6
      "\treauth=yes\n"            // 7
      "\tinactivity=60s\n"        // 8
      "\tlifebytes=1000000\n"     // 9
      "\tleftsourceip=%config\n"  // 10
      "\tikedscp=101110\n"        // 11
      "\tpfs=yes\n"               // 12 (deprecated: the parser's warning)
      "\tleftfirewall=yes\n");    // 13
  ASSERT_NE(c, nullptr);
  auto conf = (tree.root() / "ipsec.conf").string();
  for (const auto& expected :
       {conf + ":5: conn a: compress=yes", conf + ":6: conn a: mobike=yes",
        conf + ":7: conn a: reauth=yes", conf + ":8: conn a: inactivity",
        conf + ":9: conn a: lifebytes", conf + ":10: conn a: leftsourceip",
        conf + ":11: conn a: ikedscp", conf + ":12: conn a: deprecated keyword 'pfs'",
        conf + ":13: conn a: leftfirewall=yes"}) {
    EXPECT_TRUE(has_warning(configuration, expected)) << expected << "\nwarnings:\n"
                                                      << all_warnings(configuration);
  }
}

TEST_F(Mapping, FragmentationAcceptAnnouncesButSendsWholeMessages) {
  // strongSwan's fragmentation=accept: support is announced and the peer's
  // fragments are taken, our own messages are not split.
  const auto* c = load_conn("\tfragmentation=accept\n");
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(c->fragmentation);
  EXPECT_FALSE(c->send_fragments);
  EXPECT_FALSE(has_warning(configuration, "fragmentation")) << all_warnings(configuration);
  for (const char* value : {"yes", "force"}) {
    const auto* d = load_conn(std::string("\tfragmentation=") + value + "\n");
    ASSERT_NE(d, nullptr) << value;
    EXPECT_TRUE(d->fragmentation) << value;
    EXPECT_TRUE(d->send_fragments) << value;
  }
}

TEST_F(Mapping, WrittenDpdtimeoutBoundsTheLivenessCheckWithoutAWarning) {
  const auto* c = load_conn("\tdpdaction=clear\n\tdpddelay=2s\n\tdpdtimeout=4s\n");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->dpd_delay, ike::seconds(2));
  EXPECT_EQ(c->dpd_timeout, ike::seconds(4));
  EXPECT_FALSE(has_warning(configuration, "dpdtimeout")) << all_warnings(configuration);
}

TEST_F(Mapping, ProposalRemarksBecomeWarnings) {
  const auto* c = load_conn("\tike=aes128-sha1-modp2048\n");
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(has_warning(configuration, "ipsec.conf:5: conn a: ike: "))
      << all_warnings(configuration);
}

TEST_F(Mapping, ConnsKeepFileOrderAndAlsoInheritance) {
  tree.conf(
      "conn base\n\tauthby=psk\n\tleft=10.1.0.1\n\tdpdaction=clear\n\tdpddelay=20s\n"
      "conn one\n\talso=base\n\tright=10.2.0.1\n\tauto=start\n"
      "conn two\n\talso=base\n\tright=10.3.0.1\n");
  auto result = load(tree, host);
  ASSERT_TRUE(result) << result.error().reason;
  ASSERT_EQ(result->connections.size(), 3u);
  EXPECT_EQ(result->connections[1].connection->name, "one");
  EXPECT_EQ(result->connections[1].connection->dpd_delay, ike::seconds(20));
  EXPECT_EQ(result->connections[2].connection->remote_address, ip("10.3.0.1"));
}

}  // namespace
}  // namespace ikev2d::setup::test
