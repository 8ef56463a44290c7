#pragma once
/// Path helpers for `include` in ipsec.conf and ipsec.secrets. Internal.

#include <string>
#include <string_view>

namespace ike::config::detail {

/// The directory part of `path` ("" when it has none, "/" for "/x").
std::string directory_of(std::string_view path);

/// `pattern` resolved against the directory of `including_file` (strongSwan
/// resolves relative includes there), with "." and "dir/.." removed so that a
/// file reached by two spellings is recognised as the same file.
std::string resolve_include(std::string_view including_file, std::string_view pattern);

/// Lexical clean-up: "a/./b" -> "a/b", "a/x/../b" -> "a/b", "//" -> "/".
std::string normalize_path(std::string_view path);

/// The pattern contains glob(3) metacharacters (`*`, `?`, `[`).
bool is_glob_pattern(std::string_view pattern);

}  // namespace ike::config::detail
