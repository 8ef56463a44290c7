#include "config/conn_builder.hpp"

#include <algorithm>
#include <unordered_map>

#include "config/include_guard.hpp"

namespace ike::config::detail {

std::vector<const CheckedSetting*> merge_settings(const std::vector<CheckedSection>& sections,
                                                  std::size_t index,
                                                  const std::vector<std::size_t>& parents) {
  std::unordered_map<std::string_view, const CheckedSetting*> chosen;
  auto take = [&](const CheckedSection& section) {
    for (const auto& [keyword, setting] : section.settings)
      chosen.try_emplace(keyword, &setting);
  };
  take(sections[index]);
  for (auto parent : parents)
    take(sections[parent]);
  std::vector<const CheckedSetting*> merged;
  for (const auto& [keyword, setting] : chosen) {
    if (!setting->value.empty()) merged.push_back(setting);
  }
  std::sort(merged.begin(), merged.end(), [](const CheckedSetting* a, const CheckedSetting* b) {
    return a->keyword.order < b->keyword.order;
  });
  return merged;
}

namespace {

std::vector<std::string> names_of(const std::vector<CheckedSection>& sections,
                                  const std::vector<std::size_t>& parents) {
  std::vector<std::string> names;
  for (auto parent : parents)
    names.push_back(sections[parent].raw->name);
  return names;
}

/// The proposal parser's remarks (legacy algorithms, dropped keywords), at
/// the line of the ike=/esp= that caused them.
void collect_proposal_warnings(const CheckedSetting& setting, const ConnConfig& conn,
                               std::vector<Warning>& warnings) {
  const auto& canonical = setting.keyword.canonical;
  const auto& parsed = canonical == "ike" ? conn.ike : canonical == "esp" ? conn.esp : std::nullopt;
  if (!parsed) return;
  for (const auto& remark : parsed->warnings) {
    warnings.push_back(
        {setting.where, setting.section->label() + ": " + setting.spelling + ": " + remark});
  }
}

}  // namespace

Result<ConnConfig> build_conn(const std::vector<CheckedSection>& sections, std::size_t index,
                              const std::vector<std::size_t>& parents,
                              std::vector<Warning>& warnings) {
  const auto& raw = *sections[index].raw;
  ConnConfig conn;
  conn.name = raw.name;
  conn.where = raw.where;
  conn.inherits = names_of(sections, parents);
  for (const auto* setting : merge_settings(sections, index, parents)) {
    if (auto status = apply_setting(*setting, nullptr, nullptr, &conn); !status) {
      return value_error(raw, *setting, status.error());
    }
    conn.origins[setting->keyword.canonical] = setting->where;
    collect_proposal_warnings(*setting, conn, warnings);
  }
  if (auto status = finish_conn(conn, warnings); !status) return std::move(status).error();
  return conn;
}

Result<CaConfig> build_ca(const std::vector<CheckedSection>& sections, std::size_t index,
                          const std::vector<std::size_t>& parents) {
  const auto& raw = *sections[index].raw;
  CaConfig ca;
  ca.name = raw.name;
  ca.where = raw.where;
  ca.inherits = names_of(sections, parents);
  for (const auto* setting : merge_settings(sections, index, parents)) {
    if (auto status = apply_setting(*setting, nullptr, &ca, nullptr); !status) {
      return value_error(raw, *setting, status.error());
    }
    ca.origins[setting->keyword.canonical] = setting->where;
  }
  return ca;
}

}  // namespace ike::config::detail
