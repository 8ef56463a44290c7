#pragma once
/// Where a configuration entry came from, and the warnings a load collects.
/// Every setting keeps its file and line so that an operator reads
/// "ipsec.conf:12: conn office: unknown keyword 'lefsubnet'" and can go
/// straight to the line, also for values reached through include, also= or
/// conn %default.

#include <string>

namespace ike::config {

/// A file and a 1-based line number; line 0 means "the file as a whole".
struct Location {
  std::string file;
  unsigned line = 0;

  /// "ipsec.conf:12", or just "ipsec.conf" for line 0.
  std::string to_string() const;

  friend bool operator==(const Location&, const Location&) = default;
};

/// Something accepted but worth telling the operator: a deprecated keyword,
/// a keyword set twice, an include glob that matched nothing.
struct Warning {
  Location where;
  std::string message;

  /// "ipsec.conf:3: config setup: deprecated keyword 'plutostart' ignored".
  std::string to_string() const;

  friend bool operator==(const Warning&, const Warning&) = default;
};

}  // namespace ike::config
