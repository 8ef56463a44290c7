// man/ikev2d.conf.5 documents exactly the keywords the parser knows
// (ike/config/keywords.hpp), and says "(stored only)" for exactly the
// keywords the engine does not act on, so the manual cannot drift from the
// keyword table.
//
// The page's convention: each keyword is one `.TP` entry whose tag line
// starts with the keyword (`.BI leftsubnet= "subnet list"`); left/right
// keywords are documented once, as left...; aliases are named in their
// canonical keyword's entry; deprecated and IKEv1-only keywords are listed
// in the text.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "ike/config/keywords.hpp"
#include "unit/config_examples/example_files.hpp"

namespace ike::config {
namespace {

/// Drops the roff escapes the page uses, so that text reads as on screen.
std::string plain(std::string text) {
  static const std::pair<std::string, std::string> kEscapes[] = {
      {"\\fB", ""},   {"\\fI", ""},   {"\\fR", ""},   {"\\fP", ""}, {"\\(dq", "\""}, {"\\(aq", "'"},
      {"\\(em", "-"}, {"\\(mu", "x"}, {"\\(bu", "*"}, {"\\-", "-"}, {"\\&", ""},     {"\\e", "\\"},
  };
  for (const auto& [escape, replacement] : kEscapes) {
    for (auto at = text.find(escape); at != std::string::npos;
         at = text.find(escape, at + replacement.size())) {
      text.replace(at, escape.size(), replacement);
    }
  }
  return text;
}

struct Entry {
  std::string section;  ///< the .SH it is under
  std::string body;     ///< plain text of the entry's paragraph
};

struct ManPage {
  std::multimap<std::string, Entry> entries;  ///< by keyword
  std::string text;                           ///< the whole page, plain
};

/// The keyword of a tag line: the first argument after the macro, up to '='.
std::string tag_keyword(const std::string& line) {
  auto rest = line.substr(
      line.find_first_of(" \t") == std::string::npos ? line.size() : line.find_first_of(" \t") + 1);
  rest = plain(rest);
  auto end = rest.find_first_of("= \t\"");
  return rest.substr(0, end);
}

ManPage read_man_page() {
  std::ifstream file(test::man_dir() / "ikev2d.conf.5");
  EXPECT_TRUE(file) << "cannot read man/ikev2d.conf.5";
  ManPage page;
  std::string line;
  std::string section;
  Entry* current = nullptr;
  bool expect_tag = false;
  while (std::getline(file, line)) {
    if (line.starts_with(".\\\"")) continue;  // roff comment
    page.text += plain(line) + "\n";
    if (line.starts_with(".SH")) {
      section = plain(line.substr(3));
      section.erase(std::remove(section.begin(), section.end(), '"'), section.end());
      while (!section.empty() && section.front() == ' ')
        section.erase(0, 1);
      current = nullptr;
      continue;
    }
    if (line == ".TP") {
      expect_tag = true;
      current = nullptr;
      continue;
    }
    if (expect_tag) {
      expect_tag = false;
      auto it = page.entries.emplace(tag_keyword(line), Entry{section, plain(line) + "\n"});
      current = &it->second;
      continue;
    }
    if (current) current->body += plain(line) + "\n";
  }
  return page;
}

bool is_keyword_section(const std::string& section) {
  return section == "CONFIG SETUP SECTION" || section == "CONN SECTIONS" ||
         section == "LEFT AND RIGHT" || section == "CA SECTIONS";
}

/// rightX is documented as leftX.
std::string documented_name(const std::string& name, const std::set<std::string>& known) {
  if (name.starts_with("right") && known.count("left" + name.substr(5))) {
    return "left" + name.substr(5);
  }
  return name;
}

bool contains_word(const std::string& text, const std::string& word) {
  std::regex pattern("(^|[^a-z0-9_])" + word + "([^a-z0-9_]|$)");
  return std::regex_search(text, pattern);
}

class ManKeywords : public ::testing::Test {
 protected:
  void SetUp() override {
    page_ = read_man_page();
    for (const auto& keyword : all_keywords())
      known_.insert(keyword.name);
  }

  std::vector<const Entry*> entries_for(const std::string& keyword) const {
    std::vector<const Entry*> found;
    auto [begin, end] = page_.entries.equal_range(keyword);
    for (auto it = begin; it != end; ++it) {
      if (is_keyword_section(it->second.section)) found.push_back(&it->second);
    }
    return found;
  }

  ManPage page_;
  std::set<std::string> known_;
};

TEST_F(ManKeywords, EveryLiveKeywordHasAnEntryOrIsNamedInItsCanonicalEntry) {
  for (const auto& keyword : all_keywords()) {
    if (keyword.status != KeywordStatus::live) continue;
    auto name = documented_name(keyword.name, known_);
    auto canonical = documented_name(keyword.canonical, known_);
    if (name == canonical) {
      EXPECT_FALSE(entries_for(name).empty()) << "no entry for " << name;
      continue;
    }
    auto entries = entries_for(canonical);
    ASSERT_FALSE(entries.empty()) << "no entry for " << canonical << " (alias " << name << ")";
    EXPECT_TRUE(std::any_of(entries.begin(), entries.end(),
                            [&](const Entry* entry) { return contains_word(entry->body, name); }))
        << "alias " << name << " is not named in the entry for " << canonical;
  }
}

TEST_F(ManKeywords, ExactlyTheStoredOnlyKeywordsAreMarkedSo) {
  for (const auto& keyword : all_keywords()) {
    if (keyword.status != KeywordStatus::live || keyword.name != keyword.canonical) continue;
    auto name = documented_name(keyword.name, known_);
    for (const auto* entry : entries_for(name)) {
      bool marked = entry->body.find("(stored only)") != std::string::npos;
      EXPECT_EQ(marked, keyword.stored_only)
          << name
          << (keyword.stored_only ? " is stored only but its entry does not say so"
                                  : " is acted on but its entry says (stored only)");
    }
  }
}

TEST_F(ManKeywords, DeprecatedAndIkev1OnlyKeywordsAreListed) {
  auto deprecated = page_.text.substr(page_.text.find("DEPRECATED KEYWORDS"));
  for (const auto& keyword : all_keywords()) {
    if (keyword.status == KeywordStatus::live) continue;
    EXPECT_TRUE(contains_word(deprecated, keyword.name))
        << keyword.name << " is not listed under DEPRECATED KEYWORDS";
  }
}

TEST_F(ManKeywords, EveryEntryIsAKeywordTheParserKnows) {
  for (const auto& [name, entry] : page_.entries) {
    if (!is_keyword_section(entry.section)) continue;
    EXPECT_TRUE(known_.count(name)) << "the page documents '" << name << "' under " << entry.section
                                    << ", which the parser does not know";
  }
}

TEST_F(ManKeywords, TheParserBelowTheTestKnowsItsKeywords) {
  // Guards the test itself: the table is there and the page was read.
  EXPECT_GT(known_.size(), 100u);
  EXPECT_GT(page_.entries.size(), 80u);
  EXPECT_TRUE(known_.count("leftsubnet") && known_.count("rightsubnet"));
}

}  // namespace
}  // namespace ike::config
