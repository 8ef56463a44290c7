// Layer 1: strongSwan's lexical and structural rules (comments, blanks,
// quoting, sections, include, version lines).
#include <gtest/gtest.h>

#include "ike/config/syntax.hpp"

namespace ike::config {
namespace {

Result<RawConfig> parse(const std::string& text) {
  MemoryFileSource files;
  files.add("ipsec.conf", text);
  return parse_conf_syntax(files, "ipsec.conf");
}

/// The value of `key` in conn foo, "<none>" when absent, "<error: ...>".
std::string value_in_foo(const std::string& text, const std::string& key = "key") {
  auto raw = parse(text);
  if (!raw) return "<error: " + raw.error().reason + ">";
  for (const auto& section : raw->sections) {
    if (section.kind != SectionKind::conn || section.name != "foo") continue;
    std::string value = "<none>";
    for (const auto& setting : section.settings) {
      if (setting.key == key) value = setting.value;
    }
    return value;
  }
  return "<no conn foo>";
}

TEST(ConfSyntax, CommentsEndAtLineEndAndNeverStartInsideQuotesOrAtHexIds) {
  EXPECT_EQ(value_in_foo("# conn foo\n"), "<no conn foo>");
  EXPECT_EQ(value_in_foo("conn foo # asdf\n\tkey=val"), "val");
  EXPECT_EQ(value_in_foo("conn foo# asdf\n\tkey=val"), "val");
  EXPECT_EQ(value_in_foo("conn foo\n#\tkey=val"), "<none>");
  EXPECT_EQ(value_in_foo("conn foo\n\t#key=val"), "<none>");
  EXPECT_EQ(value_in_foo("conn foo\n\tkey=@#keyid"), "@#keyid");
  EXPECT_EQ(value_in_foo("conn foo\n\tkey=\"@#keyid\""), "@#keyid");
  EXPECT_EQ(value_in_foo("conn foo\n\tkey=asdf@#keyid"), "asdf@");
  EXPECT_EQ(value_in_foo("conn foo\n\tkey=val#asdf"), "val");
  EXPECT_EQ(value_in_foo("conn foo\n\tkey=\"val#asdf\""), "val#asdf");
  EXPECT_EQ(value_in_foo("conn foo\n\tkey=val # asdf\n"), "val");
  EXPECT_EQ(value_in_foo("conn foo\n# asdf\n\tkey=val\n"), "val");
}

TEST(ConfSyntax, BlanksAroundEqualsAndBetweenWordsCollapse) {
  EXPECT_EQ(value_in_foo("conn foo\n key=val"), "val");
  EXPECT_EQ(value_in_foo("conn foo\n\t  \tkey=val"), "val");
  EXPECT_EQ(value_in_foo("conn foo\n\tkey  =  val  "), "val");
  EXPECT_EQ(value_in_foo("conn foo\n\tkey=val     ue"), "val ue");
  EXPECT_EQ(value_in_foo("conn foo\n\tkey=\"val   ue\""), "val   ue");
  EXPECT_EQ(value_in_foo("conn    foo  \n\tkey=v"), "v");
  EXPECT_EQ(value_in_foo("conn foo\r\n\tkey=val\r\n"), "val");
}

TEST(ConfSyntax, QuotedStringsTakeEscapesAndMayNameSectionsAndKeys) {
  EXPECT_EQ(value_in_foo("conn foo\n\tkey=\"val\\nue\""), "val\nue");
  EXPECT_EQ(value_in_foo("conn foo\n\tkey=\"a\\\"b\\\\c\\td\""), "a\"b\\c\td");
  EXPECT_EQ(value_in_foo("conn foo\n\t\"key\"=val"), "val");
  EXPECT_EQ(value_in_foo("conn \"foo\"\n\tkey=v"), "v");
  EXPECT_EQ(value_in_foo("conn foo\n\tkey=\"one \\\ntwo\""), "one two");
  auto raw = parse("conn \"foo bar\"\nconn \"#foo\"\n");
  ASSERT_TRUE(raw) << raw.error().reason;
  ASSERT_EQ(raw->sections.size(), 2u);
  EXPECT_EQ(raw->sections[0].name, "foo bar");
  EXPECT_EQ(raw->sections[1].name, "#foo");
}

TEST(ConfSyntax, EmptyValueIsKeptAsAnUnsetMarker) {
  EXPECT_EQ(value_in_foo("conn foo\n\tkey="), "");
  EXPECT_EQ(value_in_foo("conn foo\n\tkey=\"\""), "");
}

TEST(ConfSyntax, VersionLinesAreSkippedAndBlankLinesKeepTheSectionOpen) {
  auto raw = parse("version 2.0\n\nconfig setup\n\n\tuniqueids=no\n   \nconn a\n\tleft=1\n");
  ASSERT_TRUE(raw) << raw.error().reason;
  ASSERT_EQ(raw->sections.size(), 2u);
  EXPECT_EQ(raw->sections[0].kind, SectionKind::config_setup);
  EXPECT_EQ(raw->sections[0].label(), "config setup");
  ASSERT_EQ(raw->sections[0].settings.size(), 1u);
  EXPECT_EQ(raw->sections[0].settings[0].where, (Location{"ipsec.conf", 5}));
  EXPECT_EQ(raw->sections[1].label(), "conn a");
  EXPECT_EQ(raw->sections[1].where, (Location{"ipsec.conf", 7}));
}

TEST(ConfSyntax, RepeatedSectionsMergeWithAWarning) {
  auto raw = parse("conn foo\n\ta=1\nconn bar\nconn foo\n\tb=2\nconn %default\nconn %default\n");
  ASSERT_TRUE(raw) << raw.error().reason;
  ASSERT_EQ(raw->sections.size(), 3u);
  EXPECT_EQ(raw->sections[0].settings.size(), 2u);
  ASSERT_EQ(raw->warnings.size(), 1u);
  EXPECT_EQ(
      raw->warnings[0].to_string(),
      "ipsec.conf:4: conn foo defined again (first at ipsec.conf:1); the settings are merged");
}

TEST(ConfSyntax, QuotedStringMaySpanLinesAndLineNumbersStayRight) {
  auto raw = parse("conn foo\n\ta=\"x\ny\"\n\tb=2\n");
  ASSERT_TRUE(raw) << raw.error().reason;
  const auto& settings = raw->sections[0].settings;
  ASSERT_EQ(settings.size(), 2u);
  EXPECT_EQ(settings[0].value, "x\ny");
  EXPECT_EQ(settings[1].where.line, 4u);
}

TEST(ConfInclude, GlobsAreRelativeToTheIncludingFileAndReadInSortedOrder) {
  MemoryFileSource files({
      {"/etc/ikev2d/ipsec.conf", "config setup\n\tuniqueids=no\ninclude conf.d/*.conf\n"},
      {"/etc/ikev2d/conf.d/b.conf", "conn b\n\tleft=2\n"},
      {"/etc/ikev2d/conf.d/a.conf", "conn a\n\tleft=1\ninclude ../extra/x.conf\n"},
      {"/etc/ikev2d/conf.d/.hidden.conf", "conn hidden\n"},
      {"/etc/ikev2d/extra/x.conf", "\tright=3\n"},
  });
  auto raw = parse_conf_syntax(files, "/etc/ikev2d/ipsec.conf");
  ASSERT_TRUE(raw) << raw.error().reason;
  ASSERT_EQ(raw->sections.size(), 3u);
  EXPECT_EQ(raw->sections[1].name, "a");
  // x.conf starts indented: its settings continue conn a, as in strongSwan.
  ASSERT_EQ(raw->sections[1].settings.size(), 2u);
  EXPECT_EQ(raw->sections[1].settings[1].where, (Location{"/etc/ikev2d/extra/x.conf", 1}));
  EXPECT_EQ(raw->sections[2].name, "b");
  EXPECT_TRUE(raw->warnings.empty());
}

TEST(ConfInclude, QuotedPatternsAndEmptyGlobs) {
  MemoryFileSource files({
      {"ipsec.conf", "include \"my conns/*.conf\"\ninclude none/*.conf\n"},
      {"my conns/x.conf", "conn x\n"},
  });
  auto raw = parse_conf_syntax(files, "ipsec.conf");
  ASSERT_TRUE(raw) << raw.error().reason;
  ASSERT_EQ(raw->sections.size(), 1u);
  ASSERT_EQ(raw->warnings.size(), 1u);
  EXPECT_EQ(raw->warnings[0].to_string(), "ipsec.conf:2: include 'none/*.conf' matches no files");
}

TEST(ConfInclude, LoopsAreReportedWithTheChain) {
  MemoryFileSource files({
      {"ipsec.conf", "include a.conf\n"},
      {"a.conf", "conn a\ninclude sub/../b.conf\n"},
      {"b.conf", "\n\ninclude ./ipsec.conf\n"},
  });
  auto raw = parse_conf_syntax(files, "ipsec.conf");
  ASSERT_FALSE(raw);
  EXPECT_EQ(raw.error().reason,
            "b.conf:3: include loop: ipsec.conf -> a.conf -> b.conf -> ipsec.conf");
}

TEST(ConfInclude, SelfIncludingGlobIsALoop) {
  MemoryFileSource files;
  files.add("d/ipsec.conf", "include *.conf\n");
  auto raw = parse_conf_syntax(files, "d/ipsec.conf");
  ASSERT_FALSE(raw);
  EXPECT_EQ(raw.error().reason, "d/ipsec.conf:1: include loop: d/ipsec.conf -> d/ipsec.conf");
}

TEST(ConfInclude, DepthIsLimited) {
  MemoryFileSource files;
  files.add("f0.conf", "include f1.conf\n");
  for (int i = 1; i <= 12; ++i) {
    files.add("f" + std::to_string(i) + ".conf", "include f" + std::to_string(i + 1) + ".conf\n");
  }
  auto raw = parse_conf_syntax(files, "f0.conf");
  ASSERT_FALSE(raw);
  EXPECT_EQ(raw.error().reason, "f10.conf:1: includes nested deeper than 10 levels at 'f11.conf'");
}

TEST(ConfInclude, TotalNumberOfFilesIsLimited) {
  MemoryFileSource files;
  std::string top;
  for (int i = 0; i < 300; ++i)
    top += "include x.conf\n";
  files.add("ipsec.conf", top);
  files.add("x.conf", "# nothing\n");
  auto raw = parse_conf_syntax(files, "ipsec.conf");
  ASSERT_FALSE(raw);
  EXPECT_EQ(raw.error().reason, "ipsec.conf:256: more than 256 files included");
}

TEST(ConfInclude, MissingTopFileIsAnIoError) {
  MemoryFileSource files;
  auto raw = parse_conf_syntax(files, "/etc/ikev2d/ipsec.conf");
  ASSERT_FALSE(raw);
  EXPECT_EQ(raw.error().code, Errc::io_error);
  EXPECT_EQ(raw.error().reason, "cannot read '/etc/ikev2d/ipsec.conf': No such file or directory");
}

}  // namespace
}  // namespace ike::config
