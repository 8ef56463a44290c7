// Keyword lookup over the per-section tables.
#include <array>

#include "config/keyword_table.hpp"

namespace ike::config::detail {
namespace {

std::array<std::span<const KeywordEntry>, 4> tables() {
  return {setup_ca_keyword_entries(), conn_keyword_entries(), end_keyword_entries(),
          deprecated_keyword_entries()};
}

std::string_view side_prefix(Side side) {
  return side == Side::left ? "left" : side == Side::right ? "right" : "";
}

/// Splits "leftsubnet" into (left, "subnet").
std::pair<Side, std::string_view> split_side(std::string_view name) {
  if (name.starts_with("left")) return {Side::left, name.substr(4)};
  if (name.starts_with("right")) return {Side::right, name.substr(5)};
  return {Side::none, name};
}

/// An alias resolves to its canonical entry, which holds the handler. The
/// order is the canonical entry's table and position, then left before right.
KeywordMatch make_match(std::size_t table, const KeywordEntry& entry, Side side) {
  auto entries = tables()[table];
  std::string_view base = entry.alias_of.empty() ? entry.name : entry.alias_of;
  std::size_t position = 0;
  while (position < entries.size() &&
         !(entries[position].name == base && entries[position].section == entry.section)) {
    ++position;
  }
  if (position == entries.size()) position = static_cast<std::size_t>(&entry - entries.data());
  auto order = static_cast<unsigned>((table * 1000 + position) * 2 + (side == Side::right ? 1 : 0));
  return KeywordMatch{&entries[position], side, std::string(side_prefix(side)) + std::string(base),
                      order};
}

}  // namespace

std::optional<KeywordMatch> match_keyword(std::string_view name, SectionKind section) {
  auto [side, rest] = split_side(name);
  std::optional<KeywordMatch> other_section;
  auto all = tables();
  for (std::size_t table = 0; table < all.size(); ++table) {
    for (const auto& entry : all[table]) {
      bool hit = entry.sided ? side != Side::none && entry.name == rest : entry.name == name;
      if (!hit) continue;
      auto match = make_match(table, entry, entry.sided ? side : Side::none);
      if (entry.section == section) return match;
      if (!other_section) other_section = match;
    }
  }
  return other_section;
}

}  // namespace ike::config::detail

namespace ike::config {

namespace {

KeywordInfo info_of(const detail::KeywordEntry& entry, detail::Side side) {
  std::string prefix(detail::side_prefix(side));
  std::string_view base = entry.alias_of.empty() ? entry.name : entry.alias_of;
  return KeywordInfo{prefix + std::string(entry.name), entry.section, entry.status,
                     entry.stored_only, prefix + std::string(base)};
}

}  // namespace

std::optional<KeywordInfo> find_keyword(std::string_view name, SectionKind section) {
  auto match = detail::match_keyword(name, section);
  if (!match) return std::nullopt;
  const auto& entry = *match->entry;
  return KeywordInfo{std::string(name), entry.section, entry.status, entry.stored_only,
                     match->canonical};
}

std::vector<KeywordInfo> all_keywords() {
  std::vector<KeywordInfo> out;
  for (auto table : detail::tables()) {
    for (const auto& entry : table) {
      if (entry.sided) {
        out.push_back(info_of(entry, detail::Side::left));
        out.push_back(info_of(entry, detail::Side::right));
      } else {
        out.push_back(info_of(entry, detail::Side::none));
      }
    }
  }
  return out;
}

}  // namespace ike::config
