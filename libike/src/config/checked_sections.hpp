#pragma once
/// Step 2a of ipsec.conf: every raw setting looked up in the keyword table
/// and its value validated where it is written, so an error names the
/// section that holds the line. Internal.

#include <map>
#include <string>
#include <vector>

#include "config/keyword_table.hpp"
#include "ike/config/syntax.hpp"

namespace ike::config::detail {

struct CheckedSetting {
  KeywordMatch keyword;
  /// As written in the file ("keylife" for canonical "lifetime").
  std::string spelling;
  /// Empty: unset (blocks what %default or also= would give).
  std::string value;
  Location where;
  /// The section the line stands in.
  const RawSection* section = nullptr;
};

struct AlsoReference {
  std::string name;
  Location where;
};

struct CheckedSection {
  const RawSection* raw = nullptr;
  /// By canonical keyword; the last one written wins.
  std::map<std::string, CheckedSetting> settings;
  /// also= in the order written (also=%default and also= are dropped).
  std::vector<AlsoReference> also;
};

/// Checks every section of `raw`; deprecated and IKEv1-only keywords and
/// repeated settings add to `warnings`.
Result<std::vector<CheckedSection>> check_sections(const RawConfig& raw,
                                                   std::vector<Warning>& warnings);

/// Runs the keyword's handler on `target`: a SetupConfig, CaConfig or
/// ConnConfig (whose left/right end the keyword's side picks).
Status apply_setting(const CheckedSetting& setting, SetupConfig* setup, CaConfig* ca,
                     ConnConfig* conn);

/// "FILE:LINE: SECTION: KEY=VALUE: reason" for a value the handler refused.
Error value_error(const RawSection& section, const CheckedSetting& setting, const Error& cause);

}  // namespace ike::config::detail
