// also= and %default resolved the way strongSwan's starter does: own values
// first, then the also= parents (the last also= most important, a section
// reached twice counts at its last place), %default last.
#include <gtest/gtest.h>

#include "ike/config/ipsec_conf.hpp"

namespace ike::config {
namespace {

/// leftupdown stands for "key": a free-text keyword.
const ConnConfig& conn(const Config& config, const std::string& name) {
  const auto* found = config.find_conn(name);
  EXPECT_NE(found, nullptr) << name;
  return *found;
}

TEST(Also, OwnValuesWinOverIncludedOnesWhereverAlsoStands) {
  auto config = parse_ipsec_conf(
      "conn A\n\tleftupdown=vala\n\tleftcert=val1\n\tleftsigkey=set\n"
      "conn B\n\talso=A\n\tleftupdown=valb\n\tleftid=val2\n\tleftsigkey=\n"
      "conn C\n\tlefthostaccess=yes\n\tleftsigkey=set again\n\talso=B\n"
      "conn D\n\tleftgroups=val4\n\talso=A\n\talso=B\n"
      "conn E\n\tleftgroups2=val5\n\talso=B\n\talso=A\n");
  ASSERT_TRUE(config) << config.error().reason;
  const auto& b = conn(*config, "B");
  EXPECT_EQ(b.left.updown, "valb");
  EXPECT_EQ(b.left.cert, "val1");
  EXPECT_EQ(b.left.id, "val2");
  EXPECT_EQ(b.left.sigkey, "");  // unset by B, although A sets it
  const auto& c = conn(*config, "C");
  EXPECT_EQ(c.left.updown, "valb");
  EXPECT_EQ(c.left.cert, "val1");
  EXPECT_TRUE(c.left.hostaccess);
  EXPECT_EQ(c.left.sigkey, "set again");
  // B includes A, so listing A as well changes nothing, in either order.
  for (const auto* name : {"D", "E"}) {
    const auto& d = conn(*config, name);
    EXPECT_EQ(d.left.updown, "valb") << name;
    EXPECT_EQ(d.left.sigkey, "") << name;
    EXPECT_EQ(d.inherits, (std::vector<std::string>{"B", "A"})) << name;
  }
}

TEST(Also, AmbiguousDiamondsFollowTheLastOccurrence) {
  auto config = parse_ipsec_conf(
      "conn A\n\tleftupdown=vala\n"
      "conn B\n\tleftupdown=valb\n"
      "conn C\n\talso=A\n\talso=B\n"
      "conn D\n\talso=B\n\talso=A\n"
      "conn E\n\talso=C\n\talso=D\n"
      "conn F\n\talso=D\n\talso=C\n");
  ASSERT_TRUE(config) << config.error().reason;
  EXPECT_EQ(conn(*config, "C").left.updown, "valb");
  EXPECT_EQ(conn(*config, "D").left.updown, "vala");
  EXPECT_EQ(conn(*config, "E").left.updown, "valb");
  EXPECT_EQ(conn(*config, "E").inherits, (std::vector<std::string>{"D", "C", "B", "A"}));
  EXPECT_EQ(conn(*config, "F").left.updown, "vala");
}

TEST(Also, ChainsMayReferToConnsDefinedLaterAndDefaultComesLast) {
  auto config = parse_ipsec_conf(
      "conn %default\n\tdpddelay=1s\n\tdpdtimeout=2s\n\tleftupdown=default\n"
      "conn top\n\talso=middle\n\tauto=start\n"
      "conn middle\n\talso=base\n\tdpddelay=5s\n"
      "conn base\n\tdpdtimeout=9s\n\tauto=add\n");
  ASSERT_TRUE(config) << config.error().reason;
  const auto& top = conn(*config, "top");
  EXPECT_EQ(top.inherits, (std::vector<std::string>{"middle", "base", "%default"}));
  EXPECT_EQ(top.auto_action, AutoAction::start);
  EXPECT_EQ(top.dpddelay, std::chrono::seconds(5));
  EXPECT_EQ(top.dpdtimeout, std::chrono::seconds(9));
  EXPECT_EQ(top.left.updown, "default");
  EXPECT_EQ(top.origin_of("dpdtimeout").line, 12u);
  EXPECT_EQ(conn(*config, "base").inherits, std::vector<std::string>{"%default"});
}

TEST(Also, ExplicitAlsoDefaultAndEmptyAlsoAreHarmless) {
  auto config = parse_ipsec_conf("conn %default\n\tauto=add\nconn x\n\talso=%default\n\talso=\n");
  ASSERT_TRUE(config) << config.error().reason;
  EXPECT_EQ(conn(*config, "x").auto_action, AutoAction::add);
}

TEST(Also, CaSectionsInheritFromCaSectionsOnly) {
  auto config = parse_ipsec_conf(
      "ca %default\n\tauto=add\n"
      "ca base\n\tcrluri=http://crl.example/ca.crl\n"
      "ca root\n\talso=base\n\tcacert=root.pem\n");
  ASSERT_TRUE(config) << config.error().reason;
  ASSERT_EQ(config->cas.size(), 2u);
  EXPECT_EQ(config->cas[1].crluri, "http://crl.example/ca.crl");
  EXPECT_EQ(config->cas[1].auto_action, CaAuto::add);
  EXPECT_EQ(config->cas[1].inherits, (std::vector<std::string>{"base", "%default"}));
}

TEST(Also, ManyConnsSharingDefaultsStayLinear) {
  // A reload of thousands of conns must not grow as N^2 (Libreswan 2553).
  std::string text = "conn %default\n\tkeyexchange=ikev2\n\tdpddelay=10s\n";
  for (int i = 0; i < 5000; ++i) {
    text += "conn c" + std::to_string(i) + "\n\tright=10.0." + std::to_string(i / 256) + "." +
            std::to_string(i % 256) + "\n\talso=base\n";
  }
  text += "conn base\n\tleft=192.0.2.1\n\tauto=route\n";
  auto config = parse_ipsec_conf(text);
  ASSERT_TRUE(config) << config.error().reason;
  EXPECT_EQ(config->conns.size(), 5001u);
  EXPECT_EQ(config->conns[4999].auto_action, AutoAction::route);
}

}  // namespace
}  // namespace ike::config
