#pragma once
/// The keyword table with each keyword's value handler. Internal; the public
/// view is ike/config/keywords.hpp.

#include <span>
#include <string_view>

#include "ike/config/conn_config.hpp"
#include "ike/config/keywords.hpp"

namespace ike::config::detail {

/// Applies a value to the config it belongs to. Exactly one pointer is set
/// for live keywords with a value (also= has none: it is structure).
struct KeywordHandler {
  Status (*setup)(SetupConfig&, std::string_view) = nullptr;
  Status (*ca)(CaConfig&, std::string_view) = nullptr;
  Status (*conn)(ConnConfig&, std::string_view) = nullptr;
  Status (*end)(EndConfig&, std::string_view) = nullptr;
};

struct KeywordEntry {
  /// Without left/right when `sided` ("subnet"; "" for left= itself).
  std::string_view name;
  SectionKind section;
  bool sided = false;
  KeywordStatus status = KeywordStatus::live;
  bool stored_only = false;
  /// Alias target, without left/right; empty when not an alias.
  std::string_view alias_of;
  KeywordHandler handler;
};

enum class Side { none, left, right };

struct KeywordMatch {
  const KeywordEntry* entry = nullptr;
  Side side = Side::none;
  /// The canonical full spelling ("leftsubnet" for leftsubnetwithin).
  std::string canonical;
  /// Position of the canonical keyword in the tables: values are applied in
  /// this order (mark= before mark_in=, left= before leftsubnet=).
  unsigned order = 0;
};

/// Tables by section; defined in setup_ca_keywords.cpp, conn_keywords.cpp,
/// end_keywords.cpp and deprecated_keywords.cpp.
std::span<const KeywordEntry> setup_ca_keyword_entries();
std::span<const KeywordEntry> conn_keyword_entries();
std::span<const KeywordEntry> end_keyword_entries();
std::span<const KeywordEntry> deprecated_keyword_entries();

/// Full-spelling lookup preferring `section` (see find_keyword).
std::optional<KeywordMatch> match_keyword(std::string_view name, SectionKind section);

}  // namespace ike::config::detail
