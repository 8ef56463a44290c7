// Layer 2 of ipsec.conf: keywords, also=, %default -> Config.
#include "ike/config/ipsec_conf.hpp"

#include <unordered_set>

#include "config/also_resolver.hpp"
#include "config/checked_sections.hpp"
#include "config/conn_builder.hpp"

namespace ike::config {
namespace {

using detail::CheckedSection;

std::vector<std::size_t> sections_of(const std::vector<CheckedSection>& sections,
                                     SectionKind kind) {
  std::vector<std::size_t> members;
  for (std::size_t i = 0; i < sections.size(); ++i) {
    if (sections[i].raw->kind == kind) members.push_back(i);
  }
  return members;
}

Status build_setup(const std::vector<CheckedSection>& sections, SetupConfig& setup) {
  for (auto index : sections_of(sections, SectionKind::config_setup)) {
    for (const auto* setting : detail::merge_settings(sections, index, {})) {
      if (auto status = detail::apply_setting(*setting, &setup, nullptr, nullptr); !status) {
        return detail::value_error(*sections[index].raw, *setting, status.error());
      }
      setup.origins[setting->keyword.canonical] = setting->where;
    }
  }
  return {};
}

Status build_conns(const std::vector<CheckedSection>& sections, Config& config) {
  auto members = sections_of(sections, SectionKind::conn);
  auto parents = detail::resolve_also(sections, members);
  if (!parents) return std::move(parents).error();
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (sections[members[i]].raw->name == "%default") continue;
    auto conn = detail::build_conn(sections, members[i], (*parents)[i], config.warnings);
    if (!conn) return std::move(conn).error();
    config.conns.push_back(std::move(*conn));
  }
  return {};
}

Status build_cas(const std::vector<CheckedSection>& sections, Config& config) {
  auto members = sections_of(sections, SectionKind::ca);
  auto parents = detail::resolve_also(sections, members);
  if (!parents) return std::move(parents).error();
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (sections[members[i]].raw->name == "%default") continue;
    auto ca = detail::build_ca(sections, members[i], (*parents)[i]);
    if (!ca) return std::move(ca).error();
    config.cas.push_back(std::move(*ca));
  }
  return {};
}

/// A %default or also= line reaches many conns; say each thing once.
void drop_repeated_warnings(std::vector<Warning>& warnings) {
  std::unordered_set<std::string> seen;
  std::vector<Warning> unique;
  for (auto& warning : warnings) {
    if (seen.insert(warning.to_string()).second) unique.push_back(std::move(warning));
  }
  warnings = std::move(unique);
}

}  // namespace

Result<Config> interpret_ipsec_conf(const RawConfig& raw) {
  Config config;
  config.warnings = raw.warnings;
  auto sections = detail::check_sections(raw, config.warnings);
  if (!sections) return std::move(sections).error();
  if (auto status = build_setup(*sections, config.setup); !status) return std::move(status).error();
  if (auto status = build_conns(*sections, config); !status) return std::move(status).error();
  if (auto status = build_cas(*sections, config); !status) return std::move(status).error();
  drop_repeated_warnings(config.warnings);
  return config;
}

Result<Config> load_ipsec_conf(FileSource& files, const std::string& path) {
  auto raw = parse_conf_syntax(files, path);
  if (!raw) return std::move(raw).error();
  return interpret_ipsec_conf(*raw);
}

Result<Config> parse_ipsec_conf(std::string_view text, const std::string& file_name) {
  MemoryFileSource files;
  files.add(file_name, std::string(text));
  return load_ipsec_conf(files, file_name);
}

}  // namespace ike::config
