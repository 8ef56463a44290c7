// Keywords of config setup and ca sections.
#include "config/handler_templates.hpp"
#include "config/keyword_table.hpp"

namespace ike::config::detail {
namespace {

Status set_charondebug(SetupConfig& setup, std::string_view text) {
  auto levels = parse_debug_levels(text);
  if (!levels) return std::move(levels).error();
  setup.charondebug = std::string(text);
  setup.debug_levels.clear();
  for (auto& [subsystem, level] : *levels)
    setup.debug_levels[subsystem] = level;
  return {};
}

constexpr KeywordHandler on_setup(Status (*apply)(SetupConfig&, std::string_view)) {
  return KeywordHandler{apply, nullptr, nullptr, nullptr};
}
constexpr KeywordHandler on_ca(Status (*apply)(CaConfig&, std::string_view)) {
  return KeywordHandler{nullptr, apply, nullptr, nullptr};
}

constexpr auto S = SectionKind::config_setup;
constexpr auto C = SectionKind::ca;
constexpr auto live = KeywordStatus::live;

constexpr KeywordEntry kEntries[] = {
    {"charondebug", S, false, live, true, "", on_setup(&set_charondebug)},
    {"uniqueids", S, false, live, false, "", on_setup(&set_enum<&SetupConfig::uniqueids>)},
    {"cachecrls", S, false, live, true, "", on_setup(&set_yes_no<&SetupConfig::cachecrls>)},
    {"strictcrlpolicy", S, false, live, false, "",
     on_setup(&set_enum<&SetupConfig::strictcrlpolicy>)},
    {"keep_alive", S, false, live, false, "", on_setup(&set_duration<&SetupConfig::keep_alive>)},
    {"keep-alive", S, false, live, false, "keep_alive", {}},
    {"cacert", C, false, live, false, "", on_ca(&set_text<&CaConfig::cacert>)},
    {"crluri", C, false, live, false, "", on_ca(&set_text<&CaConfig::crluri>)},
    {"crluri1", C, false, live, false, "crluri", {}},
    {"crluri2", C, false, live, false, "", on_ca(&set_text<&CaConfig::crluri2>)},
    {"ocspuri", C, false, live, false, "", on_ca(&set_text<&CaConfig::ocspuri>)},
    {"ocspuri1", C, false, live, false, "ocspuri", {}},
    {"ocspuri2", C, false, live, false, "", on_ca(&set_text<&CaConfig::ocspuri2>)},
    {"certuribase", C, false, live, false, "", on_ca(&set_text<&CaConfig::certuribase>)},
    {"auto", C, false, live, false, "", on_ca(&set_enum<&CaConfig::auto_action>)},
    {"also", C, false, live, false, "", {}},
};

}  // namespace

std::span<const KeywordEntry> setup_ca_keyword_entries() {
  return kEntries;
}

}  // namespace ike::config::detail
