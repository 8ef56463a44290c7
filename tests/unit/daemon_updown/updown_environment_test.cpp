// The PLUTO_* environment as strongSwan's updown plugin builds it: verbs for
// tunnel and transport, IPv4 and IPv6, one invocation per selector pair,
// ports, ICMP, marks, NAT, virtual IPs; and describe_child() on an engine SA.

#include <gtest/gtest.h>

#include <algorithm>

#include "ike/sa/ike_sa.hpp"
#include "ike/sa/task.hpp"
#include "updown/updown_environment.hpp"

namespace ikev2d::updown {
namespace {

using ike::ts::TrafficSelector;

ike::IpAddress ip(const char* text) {
  return *ike::IpAddress::parse(text);
}

TrafficSelector ts(const char* text) {
  auto parsed = ike::ts::parse_subnet_list(text);
  EXPECT_TRUE(parsed) << parsed.error().reason;
  return parsed->front().selector;
}

ChildEvent tunnel_event() {
  ChildEvent event;
  event.connection = "office";
  event.interface = "eth0";
  event.reqid = 5;
  event.unique_id = 3;
  event.me = ip("192.0.2.1");
  event.peer = ip("198.51.100.2");
  event.my_id = *ike::pki::Identity::parse("@west.example");
  event.peer_id = *ike::pki::Identity::parse("C=XX, O=ikev2d test, CN=east.example");
  event.local_ts = {ts("10.1.0.0/16")};
  event.remote_ts = {ts("10.2.0.0/16")};
  return event;
}

/// The value of NAME in `env`, or "<unset>".
std::string value(const std::vector<std::string>& env, const std::string& name) {
  for (const auto& entry : env) {
    if (entry.rfind(name + "=", 0) == 0) return entry.substr(name.size() + 1);
  }
  return "<unset>";
}

TEST(UpdownEnvironment, TunnelBetweenIpv4Subnets) {
  auto event = tunnel_event();
  event.mark_in = ike::sa::Mark{42, 0xff};
  event.udp_encapsulation = true;
  event.peer_port = 4500;
  event.host_access = true;
  auto envs = updown_environments(event);
  ASSERT_EQ(envs.size(), 1u);
  EXPECT_EQ(envs.front(), (std::vector<std::string>{
                              "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
                              "PLUTO_VERSION=1.1",
                              "PLUTO_VERB=up-client",
                              "PLUTO_CONNECTION=office",
                              "PLUTO_INTERFACE=eth0",
                              "PLUTO_REQID=5",
                              "PLUTO_PROTO=esp",
                              "PLUTO_UNIQUEID=3",
                              "PLUTO_ME=192.0.2.1",
                              "PLUTO_MY_ID=west.example",
                              "PLUTO_MY_CLIENT=10.1.0.0/16",
                              "PLUTO_MY_PORT=0",
                              "PLUTO_MY_PROTOCOL=0",
                              "PLUTO_PEER=198.51.100.2",
                              "PLUTO_PEER_ID=C=XX, O=ikev2d test, CN=east.example",
                              "PLUTO_PEER_CLIENT=10.2.0.0/16",
                              "PLUTO_PEER_PORT=0",
                              "PLUTO_PEER_PROTOCOL=0",
                              "PLUTO_MARK_IN=42/0x000000ff",
                              "PLUTO_UDP_ENC=4500",
                              "PLUTO_HOST_ACCESS=1",
                          }));
  event.up = false;
  EXPECT_EQ(value(updown_environments(event).front(), "PLUTO_VERB"), "down-client");
}

TEST(UpdownEnvironment, TransportBetweenTwoHostsIsHostVerb) {
  ChildEvent event = tunnel_event();
  event.local_ts = {ts("192.0.2.1[udp/l2tp]")};
  event.remote_ts = {ts("198.51.100.2[udp/l2tp]")};
  event.interface.clear();
  auto env = updown_environments(event).front();
  EXPECT_EQ(value(env, "PLUTO_VERB"), "up-host");
  EXPECT_EQ(value(env, "PLUTO_MY_CLIENT"), "192.0.2.1/32");
  EXPECT_EQ(value(env, "PLUTO_PEER_CLIENT"), "198.51.100.2/32");
  EXPECT_EQ(value(env, "PLUTO_MY_PORT"), "1701");
  EXPECT_EQ(value(env, "PLUTO_PEER_PORT"), "1701");
  EXPECT_EQ(value(env, "PLUTO_MY_PROTOCOL"), "17");
  EXPECT_EQ(value(env, "PLUTO_PEER_PROTOCOL"), "17");
  EXPECT_EQ(value(env, "PLUTO_INTERFACE"), "unknown");
  EXPECT_EQ(value(env, "PLUTO_MARK_IN"), "<unset>");
  EXPECT_EQ(value(env, "PLUTO_UDP_ENC"), "<unset>");
  EXPECT_EQ(value(env, "PLUTO_HOST_ACCESS"), "<unset>");
  event.up = false;
  EXPECT_EQ(value(updown_environments(event).front(), "PLUTO_VERB"), "down-host");
}

TEST(UpdownEnvironment, Ipv6VerbsCarryTheSuffix) {
  ChildEvent event = tunnel_event();
  event.me = ip("2001:db8::1");
  event.peer = ip("2001:db8::2");
  event.local_ts = {ts("2001:db8:10::/48")};
  event.remote_ts = {ts("2001:db8:20::/48")};
  auto env = updown_environments(event).front();
  EXPECT_EQ(value(env, "PLUTO_VERB"), "up-client-v6");
  EXPECT_EQ(value(env, "PLUTO_ME"), "2001:db8::1");
  EXPECT_EQ(value(env, "PLUTO_MY_CLIENT"), "2001:db8:10::/48");
  event.local_ts = {ts("2001:db8::1")};
  event.up = false;
  EXPECT_EQ(value(updown_environments(event).front(), "PLUTO_VERB"), "down-host-v6");
}

TEST(UpdownEnvironment, ASingleSelectorThatIsNotOurAddressIsAClient) {
  // A virtual IP or another host behind us: strongSwan says "client".
  EXPECT_EQ(updown_verb(true, ts("10.1.0.7"), ip("192.0.2.1")), "up-client");
  EXPECT_EQ(updown_verb(true, ts("192.0.2.1"), ip("192.0.2.1")), "up-host");
}

TEST(UpdownEnvironment, OneInvocationPerSelectorPairLocalOuter) {
  ChildEvent event = tunnel_event();
  event.local_ts = {ts("10.1.0.0/16"), ts("10.3.0.0/16")};
  event.remote_ts = {ts("10.2.0.0/16"), ts("10.4.0.0/16")};
  auto envs = updown_environments(event);
  ASSERT_EQ(envs.size(), 4u);
  std::vector<std::string> pairs;
  for (const auto& env : envs) {
    pairs.push_back(value(env, "PLUTO_MY_CLIENT") + " " + value(env, "PLUTO_PEER_CLIENT"));
  }
  EXPECT_EQ(pairs,
            (std::vector<std::string>{"10.1.0.0/16 10.2.0.0/16", "10.1.0.0/16 10.4.0.0/16",
                                      "10.3.0.0/16 10.2.0.0/16", "10.3.0.0/16 10.4.0.0/16"}));
}

TEST(UpdownEnvironment, PortsFollowStrongSwansRule) {
  EXPECT_EQ(port_text(ts("10.0.0.0/8[tcp/1000-2000]"), ts("10.1.0.0/16[tcp]"), true), "1000:2000");
  EXPECT_EQ(port_text(ts("10.0.0.0/8[tcp/1000-2000]"), ts("10.1.0.0/16[tcp]"), false), "0");
  EXPECT_EQ(port_text(ts("10.0.0.0/8[tcp/80]"), ts("10.1.0.0/16"), true), "80");
  // ICMP: our "port" is the type, the peer's the code (of the wider value).
  EXPECT_EQ(port_text(ts("10.0.0.0/8[icmp/8]"), ts("10.1.0.0/16[icmp]"), true), "8");
  EXPECT_EQ(port_text(ts("10.0.0.0/8[icmp/8]"), ts("10.1.0.0/16[icmp]"), false), "0");
  EXPECT_EQ(port_text(ts("10.0.0.0/8[icmp/3(4)]"), ts("10.1.0.0/16"), true), "3");
  EXPECT_EQ(port_text(ts("10.0.0.0/8[icmp/3(4)]"), ts("10.1.0.0/16"), false), "4");
}

TEST(UpdownEnvironment, RangesAreWrittenAsTheirCoveringPrefix) {
  EXPECT_EQ(client_subnet(ts("10.1.0.5-10.1.0.9")), "10.1.0.0/28");
  EXPECT_EQ(client_subnet(ts("0.0.0.0/0")), "0.0.0.0/0");
  EXPECT_EQ(client_subnet(ts("2001:db8::1-2001:db8::2")), "2001:db8::/126");
}

TEST(UpdownEnvironment, MarksAndVirtualIps) {
  ChildEvent event = tunnel_event();
  event.mark_out = ike::sa::Mark{0x10, 0xffffffff};
  event.my_virtual_ips = {ip("10.9.0.5"), ip("fd00::5")};
  event.peer_virtual_ips = {ip("10.9.0.1")};
  auto env = updown_environments(event).front();
  EXPECT_EQ(value(env, "PLUTO_MARK_OUT"), "16/0xffffffff");
  EXPECT_EQ(value(env, "PLUTO_MY_SOURCEIP"), "10.9.0.5");
  EXPECT_EQ(value(env, "PLUTO_MY_SOURCEIP4_1"), "10.9.0.5");
  EXPECT_EQ(value(env, "PLUTO_MY_SOURCEIP6_1"), "fd00::5");
  EXPECT_EQ(value(env, "PLUTO_PEER_SOURCEIP"), "10.9.0.1");
  EXPECT_EQ(value(env, "PLUTO_PEER_SOURCEIP4_1"), "10.9.0.1");
}

TEST(DescribeChild, TakesWhatTheEngineNegotiated) {
  auto connection = std::make_shared<ike::sa::Connection>();
  connection->name = "office";
  connection->local_id = ike::pki::Identity::any();
  connection->remote_id = ike::pki::Identity::any();
  connection->children.push_back(ike::sa::ChildConfig{});
  connection->children.front().name = "office";
  connection->children.front().mark_in = ike::sa::Mark{7, 0xff};
  ike::sa::IkeSa sa(9, connection, true);
  sa.local = ike::sa::Endpoint{ip("192.0.2.1"), 4500};
  sa.remote = ike::sa::Endpoint{ip("198.51.100.2"), 31000};
  sa.peer_id = *ike::pki::Identity::parse("@east.example");
  ike::sa::ChildSa child;
  child.config = &connection->children.front();
  child.reqid = 12;
  child.local_ts = {ts("10.1.0.0/16")};
  child.remote_ts = {ts("10.2.0.0/16")};
  child.encapsulated = true;
  auto event = describe_child(sa, child, false, "eth1", false);
  EXPECT_FALSE(event.up);
  EXPECT_EQ(event.connection, "office");
  EXPECT_EQ(event.unique_id, 9u);
  EXPECT_EQ(event.reqid, 12u);
  EXPECT_EQ(event.my_id.to_string(), "192.0.2.1");  // no leftid: the address, as sent
  EXPECT_EQ(event.peer_id.to_string(), "east.example");
  auto env = updown_environments(event).front();
  EXPECT_EQ(value(env, "PLUTO_VERB"), "down-client");
  EXPECT_EQ(value(env, "PLUTO_INTERFACE"), "eth1");
  EXPECT_EQ(value(env, "PLUTO_UDP_ENC"), "31000");
  EXPECT_EQ(value(env, "PLUTO_MARK_IN"), "7/0x000000ff");
}

TEST(InterfaceOf, LoopbackAddressIsOnLo) {
  EXPECT_EQ(interface_of(ip("127.0.0.1")), "lo");
  EXPECT_EQ(interface_of(ip("192.0.2.213")), "");
}

}  // namespace
}  // namespace ikev2d::updown
