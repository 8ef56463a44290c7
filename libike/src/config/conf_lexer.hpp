#pragma once
/// Splits an ipsec.conf file into lines of tokens (see ike/config/syntax.hpp
/// for the rules). Internal to the config component.

#include <string>
#include <string_view>
#include <vector>

#include "ike/error.hpp"

namespace ike::config::detail {

struct ConfToken {
  enum class Kind { word, quoted, equals };
  Kind kind = Kind::word;
  std::string text;

  bool is_word(std::string_view expected) const { return kind == Kind::word && text == expected; }
};

struct ConfLine {
  /// Line of the first token (1-based).
  unsigned line = 0;
  /// The line starts with a blank or tab.
  bool indented = false;
  /// Never empty: blank and comment-only lines are dropped.
  std::vector<ConfToken> tokens;
};

/// Tokenizes `text`. Errors carry the reason prefixed with "FILE:LINE: "
/// where FILE is `file_name`.
Result<std::vector<ConfLine>> tokenize_conf(std::string_view text, const std::string& file_name);

}  // namespace ike::config::detail
