#include <gtest/gtest.h>

#include "ike/ts/subnet_syntax.hpp"
#include "runtime/reload_plan.hpp"

namespace ikev2d::runtime {
namespace {

using ike::config::AutoAction;

ike::sa::ChildConfig child_named(const std::string& name) {
  ike::sa::ChildConfig child;
  child.name = name;
  return child;
}

setup::ConnectionSetup make_setup(const std::string& name, const std::string& remote = "10.0.0.2",
                                  AutoAction action = AutoAction::add) {
  auto conn = std::make_shared<ike::sa::Connection>();
  conn->name = name;
  conn->local_address = *ike::IpAddress::parse("10.0.0.1");
  conn->remote_address = *ike::IpAddress::parse(remote);
  conn->children.push_back(child_named(name));
  auto source = std::make_shared<ike::config::ConnConfig>();
  source->name = name;
  source->auto_action = action;
  source->where = {"/etc/ikev2d/ipsec.conf", 10};
  source->origins["right"] = {"/etc/ikev2d/ipsec.conf", 12};
  source->right.host.text = remote;
  setup::ConnectionSetup setup;
  setup.name = name;
  setup.connection = conn;
  setup.auto_action = action;
  setup.source = source;
  return setup;
}

/// A copy of `setup` whose parsed section is changed by `edit`.
template <class Edit>
setup::ConnectionSetup edited(const setup::ConnectionSetup& setup, Edit edit) {
  auto copy = setup;
  auto source = std::make_shared<ike::config::ConnConfig>(*setup.source);
  edit(*source);
  copy.source = source;
  return copy;
}

TEST(ReloadPlan, SameFilesChangeNothing) {
  std::vector<setup::ConnectionSetup> running{make_setup("a"), make_setup("b")};
  std::vector<setup::ConnectionSetup> loaded{make_setup("a"), make_setup("b")};
  auto plan = plan_reload(running, loaded);
  EXPECT_TRUE(plan.empty());
  EXPECT_EQ(plan.unchanged, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(plan.summary(), "0 added, 0 changed, 0 removed, 2 unchanged");
}

TEST(ReloadPlan, MovedLinesAreNotAChange) {
  auto before = make_setup("a");
  auto after = edited(before, [](ike::config::ConnConfig& c) {
    c.where.line = 40;  // a conn added above it
    c.origins["right"].line = 42;
    c.inherits = {"%default"};
  });
  EXPECT_TRUE(same_settings(*before.source, *after.source));
  EXPECT_TRUE(plan_reload({before}, {after}).empty());
}

TEST(ReloadPlan, AddedChangedRemovedAreFoundByName) {
  std::vector<setup::ConnectionSetup> running{make_setup("keep"), make_setup("edit"),
                                              make_setup("gone")};
  std::vector<setup::ConnectionSetup> loaded{
      make_setup("new"), make_setup("keep"),
      edited(make_setup("edit"),
             [](ike::config::ConnConfig& c) { c.lifetime = std::chrono::seconds(60); })};
  auto plan = plan_reload(running, loaded);
  ASSERT_EQ(plan.added.size(), 1u);
  EXPECT_EQ(plan.added[0]->connection->name, "new");
  EXPECT_EQ(plan.added[0], &loaded[0]);  // points into the loaded configuration
  ASSERT_EQ(plan.changed.size(), 1u);
  EXPECT_EQ(plan.changed[0]->connection->name, "edit");
  EXPECT_EQ(plan.removed, (std::vector<std::string>{"gone"}));
  EXPECT_EQ(plan.unchanged, (std::vector<std::string>{"keep"}));
  EXPECT_EQ(plan.summary(), "1 added (new), 1 changed (edit), 1 removed (gone), 1 unchanged");
}

TEST(ReloadPlan, EachKindOfSettingCounts) {
  auto base = make_setup("a");
  auto changes = {
      edited(base, [](ike::config::ConnConfig& c) { c.left.subnet_text = "10.1.0.0/16"; }),
      edited(base, [](ike::config::ConnConfig& c) { c.right.host.text = "10.0.0.3"; }),
      edited(base, [](ike::config::ConnConfig& c) { c.right.id = "peer.example"; }),
      edited(base, [](ike::config::ConnConfig& c) { c.left.updown = "/bin/true"; }),
      edited(base, [](ike::config::ConnConfig& c) { c.dpddelay = std::chrono::seconds(5); }),
      edited(base, [](ike::config::ConnConfig& c) { c.reqid = 7; }),
      edited(base, [](ike::config::ConnConfig& c) { c.keyingtries = 0; }),
      edited(base, [](ike::config::ConnConfig& c) { c.forceencaps = true; }),
      edited(base, [](ike::config::ConnConfig& c) { c.left.auth.text = "psk"; }),
  };
  for (const auto& changed : changes) {
    EXPECT_FALSE(same_setup(base, changed));
    EXPECT_EQ(plan_reload({base}, {changed}).changed.size(), 1u);
  }
}

TEST(ReloadPlan, AutoUpdownAndResolvedAddressesCount) {
  auto base = make_setup("a");
  auto routed = base;
  routed.auto_action = AutoAction::route;
  EXPECT_FALSE(same_setup(base, routed));
  auto script = base;
  script.updown_script = "/etc/ikev2d/updown.sh";
  EXPECT_FALSE(same_setup(base, script));
  // Same section, but the peer's hostname now resolves elsewhere.
  auto moved = base;
  auto conn = std::make_shared<ike::sa::Connection>(*base.connection);
  conn->remote_address = *ike::IpAddress::parse("10.0.0.9");
  moved.connection = conn;
  EXPECT_FALSE(same_setup(base, moved));
  EXPECT_TRUE(same_setup(base, make_setup("a")));
}

/// Sections `names` sharing one IKE SA, as setup::share_ike_sas leaves them:
/// one Connection named after the first, with a CHILD per section.
std::vector<setup::ConnectionSetup> sharing(const std::vector<std::string>& names) {
  std::vector<setup::ConnectionSetup> setups;
  auto merged = std::make_shared<ike::sa::Connection>(*make_setup(names.front()).connection);
  merged->children.clear();
  for (const auto& name : names) {
    setups.push_back(make_setup(name));
    merged->children.push_back(child_named(name));
  }
  for (auto& setup : setups)
    setup.connection = merged;
  return setups;
}

TEST(ReloadPlan, SectionsSharingAnIkeSaChangeTogether) {
  auto before = sharing({"a", "b", "c"});
  EXPECT_TRUE(plan_reload(before, sharing({"a", "b", "c"})).empty());
  // b leaves: a and c now run on a Connection without b's CHILD.
  auto loaded = sharing({"a", "c"});  // the plan points into it
  auto plan = plan_reload(before, loaded);
  EXPECT_EQ(plan.summary(), "0 added, 2 changed (a, c), 1 removed (b), 0 unchanged");
  EXPECT_TRUE(plan.dropped.empty());  // "a" still runs a and c
}

TEST(ReloadPlan, TheEngineConnectionIsDroppedWhenNoSectionRunsOnIt) {
  auto before = sharing({"a", "b"});
  // a leaves: b runs alone, on a Connection named after it.
  std::vector<setup::ConnectionSetup> alone{make_setup("b")};
  auto plan = plan_reload(before, alone);
  EXPECT_EQ(plan.summary(), "0 added, 1 changed (b), 1 removed (a), 0 unchanged");
  EXPECT_EQ(plan.dropped, (std::vector<std::string>{"a"}));
  // Neither shares any more: nothing is dropped, both change.
  std::vector<setup::ConnectionSetup> apart{make_setup("a"), make_setup("b")};
  plan = plan_reload(before, apart);
  EXPECT_EQ(plan.summary(), "0 added, 2 changed (a, b), 0 removed, 0 unchanged");
  EXPECT_TRUE(plan.dropped.empty());
}

TEST(ReloadPlan, AnIgnoredSectionIsNeverInTheEngine) {
  auto ignored = make_setup("x", "10.0.0.2", AutoAction::ignore);
  auto plan = plan_reload({ignored}, {});
  EXPECT_EQ(plan.removed, (std::vector<std::string>{"x"}));
  EXPECT_TRUE(plan.dropped.empty());
}

}  // namespace
}  // namespace ikev2d::runtime
