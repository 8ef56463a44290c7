#include "config/checked_sections.hpp"

#include "config/include_guard.hpp"

namespace ike::config::detail {
namespace {

constexpr std::size_t kMaxValueInMessage = 64;

std::string quoted_value(const std::string& value) {
  if (value.size() <= kMaxValueInMessage) return value;
  return value.substr(0, kMaxValueInMessage) + "...";
}

Error section_error(const RawSection& section, const Location& where, const std::string& reason) {
  return error_at(where, section.label() + ": " + reason);
}

bool is_default(const RawSection& section) {
  return section.kind != SectionKind::config_setup && section.name == "%default";
}

class SectionChecker {
 public:
  SectionChecker(const RawSection& raw, std::vector<Warning>& warnings)
      : raw_(raw), warnings_(warnings) {
    checked_.raw = &raw;
  }

  Result<CheckedSection> run() {
    for (const auto& setting : raw_.settings) {
      if (auto status = check(setting); !status) return std::move(status).error();
    }
    return std::move(checked_);
  }

 private:
  void warn(const Location& where, const std::string& message) {
    warnings_.push_back({where, raw_.label() + ": " + message});
  }

  Status check(const RawSetting& setting) {
    auto match = match_keyword(setting.key, raw_.kind);
    if (!match) return section_error(raw_, setting.where, "unknown keyword '" + setting.key + "'");
    const auto& entry = *match->entry;
    if (entry.status == KeywordStatus::deprecated) {
      warn(setting.where, "deprecated keyword '" + setting.key + "' ignored");
      return {};
    }
    if (entry.status == KeywordStatus::ikev1_only) {
      warn(setting.where,
           "IKEv1-only keyword '" + setting.key + "' ignored (ikev2d speaks IKEv2 only)");
      return {};
    }
    if (entry.section != raw_.kind) {
      return section_error(raw_, setting.where,
                           "'" + setting.key + "' is a " + to_string(entry.section) +
                               " keyword, not valid in " + to_string(raw_.kind));
    }
    if (setting.key == "also") return check_also(setting);
    CheckedSetting checked{*match, setting.key, setting.value, setting.where, &raw_};
    if (!setting.value.empty()) {
      if (auto status = validate(checked); !status) return status;
    }
    auto [it, inserted] = checked_.settings.try_emplace(match->canonical, checked);
    if (!inserted) {
      warn(setting.where,
           "'" + setting.key + "' set again, overriding " + it->second.where.to_string());
      it->second = std::move(checked);
    }
    return {};
  }

  Status check_also(const RawSetting& setting) {
    if (is_default(raw_)) {
      return section_error(raw_, setting.where, "also= is not allowed in %default");
    }
    // strongSwan: every section inherits %default anyway; an empty also= is nothing.
    if (setting.value.empty() || setting.value == "%default") return {};
    checked_.also.push_back({setting.value, setting.where});
    return {};
  }

  /// Runs the handler on a scratch config of the kind it fills: the value must
  /// make sense on its own.
  Status validate(const CheckedSetting& setting) {
    const auto& handler = setting.keyword.entry->handler;
    Status status;
    if (handler.setup) {
      SetupConfig setup;
      status = apply_setting(setting, &setup, nullptr, nullptr);
    } else if (handler.ca) {
      CaConfig ca;
      status = apply_setting(setting, nullptr, &ca, nullptr);
    } else if (handler.conn || handler.end) {
      ConnConfig conn;
      status = apply_setting(setting, nullptr, nullptr, &conn);
    }
    if (!status) return value_error(raw_, setting, status.error());
    return {};
  }

  const RawSection& raw_;
  std::vector<Warning>& warnings_;
  CheckedSection checked_;
};

}  // namespace

Error value_error(const RawSection& section, const CheckedSetting& setting, const Error& cause) {
  return section_error(section, setting.where,
                       setting.spelling + "=" + quoted_value(setting.value) + ": " + cause.reason);
}

Status apply_setting(const CheckedSetting& setting, SetupConfig* setup, CaConfig* ca,
                     ConnConfig* conn) {
  const auto& handler = setting.keyword.entry->handler;
  if (handler.setup && setup) return handler.setup(*setup, setting.value);
  if (handler.ca && ca) return handler.ca(*ca, setting.value);
  if (handler.conn && conn) return handler.conn(*conn, setting.value);
  if (handler.end && conn) {
    auto& end = setting.keyword.side == Side::right ? conn->right : conn->left;
    return handler.end(end, setting.value);
  }
  return {};
}

Result<std::vector<CheckedSection>> check_sections(const RawConfig& raw,
                                                   std::vector<Warning>& warnings) {
  std::vector<CheckedSection> sections;
  sections.reserve(raw.sections.size());
  for (const auto& section : raw.sections) {
    auto checked = SectionChecker(section, warnings).run();
    if (!checked) return std::move(checked).error();
    sections.push_back(std::move(*checked));
  }
  return sections;
}

}  // namespace ike::config::detail
