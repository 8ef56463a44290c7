#pragma once
/// Layer 1 of the ipsec.conf parser: structure only, no keyword knowledge.
///
/// The rules are those of strongSwan's starter (ipsec.conf(5)):
/// - A section starts at column 0: `config setup`, `conn NAME` or `ca NAME`
///   (NAME may be quoted). Everything after `#` outside quotes is a comment.
/// - A setting is an indented line `key=value`; blanks around `=` are
///   allowed; several unquoted words are joined by one space; `"..."` quotes
///   a value (escapes \n \r \t \" \\, backslash-newline joins lines); a word
///   may start with `@#` (a hex key ID) without starting a comment. An empty
///   value (`key=`) unsets what %default or also= gave.
/// - `include PATTERN` (anywhere, indented or not) reads the files matching a
///   glob, relative to the including file, in sorted order, as if their text
///   stood there; a section open before the include stays open. A literal
///   path that cannot be read is an error; a glob matching nothing is a
///   warning. Includes nest at most kMaxIncludeDepth deep, a file that
///   includes itself (directly or not) is an error, and at most
///   kMaxIncludedFiles files are read per load.
/// - A `version ...` line (from 2.x-era files) is skipped.
/// - A section named twice is one section (strongSwan merges them, later
///   values winning); the repetition is reported as a warning.
///
/// Interpreting keywords, also= and %default is layer 2 (ipsec_conf.hpp).

#include <cstddef>
#include <string>
#include <vector>

#include "ike/config/file_source.hpp"
#include "ike/config/location.hpp"
#include "ike/error.hpp"

namespace ike::config {

inline constexpr std::size_t kMaxIncludeDepth = 10;
inline constexpr std::size_t kMaxIncludedFiles = 256;

enum class SectionKind { config_setup, conn, ca };

/// "config setup", "conn" or "ca".
const char* to_string(SectionKind kind) noexcept;

/// One `key=value` line, as written.
struct RawSetting {
  std::string key;
  /// Empty for `key=` (and `key=""`): the setting is unset.
  std::string value;
  Location where;
};

struct RawSection {
  SectionKind kind = SectionKind::conn;
  /// Empty for config setup.
  std::string name;
  /// Where the section was first opened.
  Location where;
  /// Every setting in file order, repetitions and also= included.
  std::vector<RawSetting> settings;

  /// "config setup", "conn office", "ca strongswan": the prefix of messages.
  std::string label() const;
};

struct RawConfig {
  /// Sections in the order they first appear (conn %default included).
  std::vector<RawSection> sections;
  std::vector<Warning> warnings;
};

/// Reads `path` through `files` and everything it includes. Errors are
/// Errc::invalid_syntax (or io_error for the top file) with the reason
/// prefixed by "file:line: ".
Result<RawConfig> parse_conf_syntax(FileSource& files, const std::string& path);

}  // namespace ike::config
