// Conn sections that differ only in their CHILD settings run on one IKE SA
// (setup/shared_ike_sas.hpp), as strongSwan's starter merges them.

#include <gtest/gtest.h>

#include "setup/shared_ike_sas.hpp"
#include "setup_test_support.hpp"

namespace ikev2d::setup::test {
namespace {

std::vector<std::string> child_names(const ike::sa::Connection& connection) {
  std::vector<std::string> names;
  for (const auto& child : connection.children)
    names.push_back(child.name);
  return names;
}

ike::Result<Configuration> load_with(const std::string& sections) {
  ConfigTree tree;
  FakeHost host;
  host.with_local("10.1.0.1");
  tree.conf(
      "conn %default\n"
      "\tleft=10.1.0.1\n"
      "\tright=10.2.0.1\n"
      "\tauthby=secret\n"
      "\tauto=add\n" +
      sections);
  tree.secrets("10.1.0.1 10.2.0.1 : PSK \"secret\"\n");
  return load(tree, host);
}

TEST(SharedIkeSas, SectionsDifferingInChildSettingsShareOneConnection) {
  auto configuration = load_with(
      "conn net\n\tleftsubnet=10.1.8.0/25\n\trightsubnet=10.2.8.0/25\n"
      "conn lab\n\tleftsubnet=10.1.8.128/25\n\trightsubnet=10.2.8.128/25\n\tesp=aes256gcm16\n"
      "conn printer\n\ttype=transport\n\tauto=start\n");
  ASSERT_TRUE(configuration) << configuration.error().reason;
  const auto* net = find_conn(*configuration, "net");
  const auto* lab = find_conn(*configuration, "lab");
  const auto* printer = find_conn(*configuration, "printer");
  ASSERT_TRUE(net && lab && printer);
  EXPECT_EQ(net->connection, lab->connection);
  EXPECT_EQ(net->connection, printer->connection);
  EXPECT_EQ(net->connection->name, "net");
  EXPECT_EQ(child_names(*net->connection), (std::vector<std::string>{"net", "lab", "printer"}));
  EXPECT_EQ(ike::ts::to_string(net->connection->child("lab")->local_ts), "10.1.8.128/25");
  EXPECT_EQ(net->connection->child("printer")->mode, ike::sa::IpsecMode::transport);
  // The sections keep what is theirs.
  EXPECT_EQ(printer->name, "printer");
  EXPECT_EQ(printer->auto_action, ike::config::AutoAction::start);
}

TEST(SharedIkeSas, AnyIkeSettingKeepsThemApart) {
  const char* apart[] = {
      "\tike=aes256-sha256-modp3072\n",
      "\tright=10.2.0.9\n",
      "\tleftid=@west\n",
      "\tikelifetime=2h\n",
      "\tdpdtimeout=20s\n",
      "\tkeyingtries=%forever\n",
      "\tfragmentation=no\n",
      "\tforceencaps=yes\n",
      "\tauto=route\n",
      "\tauto=ignore\n",
      "\trightikeport=4501\n",
      "\tdpdaction=clear\n",
  };
  for (const char* setting : apart) {
    auto configuration = load_with(
        std::string("conn a\n\tleftsubnet=10.1.1.0/24\nconn b\n\tleftsubnet=10.1.2.0/24\n") +
        setting);
    ASSERT_TRUE(configuration) << setting << configuration.error().reason;
    const auto* a = find_conn(*configuration, "a");
    const auto* b = find_conn(*configuration, "b");
    ASSERT_TRUE(a && b);
    EXPECT_NE(a->connection, b->connection) << setting;
    EXPECT_EQ(child_names(*b->connection), (std::vector<std::string>{"b"})) << setting;
    EXPECT_EQ(b->connection->name, "b") << setting;
  }
}

TEST(SharedIkeSas, RoutedSectionsShareWithEachOther) {
  auto configuration = load_with(
      "conn a\n\tleftsubnet=10.1.1.0/24\n\tauto=route\n"
      "conn b\n\tleftsubnet=10.1.2.0/24\n"
      "conn c\n\tleftsubnet=10.1.3.0/24\n\tauto=route\n");
  ASSERT_TRUE(configuration) << configuration.error().reason;
  const auto* a = find_conn(*configuration, "a");
  const auto* b = find_conn(*configuration, "b");
  const auto* c = find_conn(*configuration, "c");
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->connection, c->connection);
  EXPECT_EQ(child_names(*a->connection), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(child_names(*b->connection), (std::vector<std::string>{"b"}));
}

}  // namespace
}  // namespace ikev2d::setup::test
