// Pre-shared keys: strongSwan's ipsec.secrets matching (PskTable) and a
// road-warrior server with right=%any loaded end to end.

#include <gtest/gtest.h>

#include "setup/psk_table.hpp"
#include "setup_test_support.hpp"

namespace ikev2d::setup::test {
namespace {

std::string text_of(const std::optional<ike::crypto::SecretBytes>& key) {
  if (!key) return "<none>";
  return std::string(reinterpret_cast<const char*>(key->data()), key->size());
}

PskTable table_from(const std::string& secrets_text) {
  auto secrets = ike::config::parse_ipsec_secrets(secrets_text);
  EXPECT_TRUE(secrets) << secrets.error().reason;
  return secrets ? PskTable(*secrets) : PskTable();
}

TEST(PskTable, BothIdsBeatOneId) {
  auto table = table_from("@sun : PSK one\n@moon @sun : PSK both\n");
  EXPECT_EQ(text_of(table.find(id("@moon"), id("@sun"))), "both");
  EXPECT_EQ(text_of(table.find(id("@sun"), id("@moon"))), "both");
}

TEST(PskTable, LineWithoutIdsIsACatchAll) {
  auto table = table_from(": PSK anyone\n");
  EXPECT_EQ(text_of(table.find(id("@moon"), id("@sun"))), "anyone");
  EXPECT_EQ(text_of(table.find(id("10.1.0.1"), ike::pki::Identity::any())), "anyone");
}

TEST(PskTable, CatchAllBeatsALineNamingOnlyOurOwnId) {
  // strongSwan ranks the peer's match first: %any (1) beats no match (0).
  auto table = table_from("@moon : PSK mine\n: PSK anyone\n");
  EXPECT_EQ(text_of(table.find(id("@moon"), id("@sun"))), "anyone");
}

TEST(PskTable, ExactPeerBeatsWildcardBeatsAny) {
  auto table = table_from(
      "@gw %any : PSK fallback\n"
      "@gw *@example.com : PSK staff\n"
      "@gw carol@example.com : PSK carol\n");
  EXPECT_EQ(text_of(table.find(id("@gw"), id("carol@example.com"))), "carol");
  EXPECT_EQ(text_of(table.find(id("@gw"), id("dave@example.com"))), "staff");
  EXPECT_EQ(text_of(table.find(id("@gw"), id("@laptop"))), "fallback");
}

TEST(PskTable, UnrelatedLinesGiveNothing) {
  auto table = table_from("@a @b : PSK ab\n10.0.0.1 : PSK host\n");
  EXPECT_EQ(text_of(table.find(id("@c"), id("@d"))), "<none>");
  EXPECT_EQ(text_of(table.find(id("10.0.0.2"), id("10.0.0.3"))), "<none>");
}

TEST(PskTable, EqualMatchesKeepTheEarlierLine) {
  auto table = table_from("@a @b : PSK first\n@b @a : PSK second\n");
  EXPECT_EQ(text_of(table.find(id("@a"), id("@b"))), "first");
}

TEST(PskTable, EapAndNtlmLinesAreNotIkeKeys) {
  auto table = table_from("carol : EAP \"eap secret\"\n");
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(text_of(table.find(id("carol"), id("carol"))), "<none>");
}

TEST(PskSetup, RoadWarriorServerWithAnyPeer) {
  ConfigTree tree;
  FakeHost host;
  host.with_local("192.0.2.1");
  tree.conf(
      "conn %default\n"
      "\tauthby=secret\n"
      "conn rw\n"
      "\tleft=%any\n"
      "\tleftid=@vpn.example.com\n"
      "\tleftsubnet=0.0.0.0/0\n"
      "\tright=%any\n"
      "\tauto=add\n");
  tree.secrets(
      "@vpn.example.com %any : PSK \"shared by everyone\"\n"
      "@vpn.example.com carol@example.com : PSK 0x6361726f6c\n");
  auto configuration = load(tree, host);
  ASSERT_TRUE(configuration) << configuration.error().reason;
  const auto* setup = find_conn(*configuration, "rw");
  ASSERT_NE(setup, nullptr);
  const auto& c = *setup->connection;
  EXPECT_EQ(setup->auto_action, ike::config::AutoAction::add);
  EXPECT_TRUE(c.local_address.is_zero());
  EXPECT_TRUE(c.remote_address.is_zero());
  EXPECT_EQ(c.local_auth, ike::sa::AuthClass::psk);
  EXPECT_EQ(c.remote_auth, ike::sa::AuthClass::psk);
  EXPECT_EQ(c.local_id, id("@vpn.example.com"));
  EXPECT_TRUE(c.remote_id.is_any());
  EXPECT_TRUE(c.local_certificates.empty());
  EXPECT_EQ(ike::ts::to_string(c.children.front().local_ts), "0.0.0.0/0");
  EXPECT_TRUE(ike::ts::has_dynamic(c.children.front().remote_ts));
  const auto& credentials = *configuration->credentials;
  EXPECT_EQ(text_of(credentials.shared_key(c.local_id, id("carol@example.com"))), "carol");
  EXPECT_EQ(text_of(credentials.shared_key(c.local_id, id("dave@example.com"))),
            "shared by everyone");
  EXPECT_EQ(credentials.signer(c), nullptr);
  EXPECT_EQ(credentials.trust_store(), nullptr);
  EXPECT_EQ(all_warnings(*configuration).find("shared by everyone"), std::string::npos);
}

TEST(PskSetup, DefaultIdsAreTheAddresses) {
  ConfigTree tree;
  FakeHost host;
  host.with_local("10.1.0.1");
  tree.conf("conn a\n\tleft=10.1.0.1\n\tright=10.2.0.1\n\tauthby=psk\n");
  tree.secrets("10.1.0.1 10.2.0.1 : PSK pair\n");
  auto configuration = load(tree, host);
  ASSERT_TRUE(configuration) << configuration.error().reason;
  const auto& c = *find_conn(*configuration, "a")->connection;
  EXPECT_EQ(c.local_id, id("10.1.0.1"));
  EXPECT_EQ(c.remote_id, id("10.2.0.1"));
  EXPECT_EQ(text_of(configuration->credentials->shared_key(c.local_id, c.remote_id)), "pair");
}

}  // namespace
}  // namespace ikev2d::setup::test
