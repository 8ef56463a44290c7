#pragma once
/// Bounds and loop detection for `include`, shared by the ipsec.conf and
/// ipsec.secrets parsers. Internal.

#include <cstddef>
#include <string>
#include <vector>

#include "ike/config/file_source.hpp"
#include "ike/config/location.hpp"
#include "ike/error.hpp"

namespace ike::config::detail {

/// The files an `include PATTERN` line at `where` names, in order: the glob's
/// matches (a warning when there are none) or the one literal path.
Result<std::vector<std::string>> expand_include(FileSource& files, const std::string& pattern,
                                                const Location& where,
                                                std::vector<Warning>& warnings);

/// Tracks the chain of files being read.
class IncludeGuard {
 public:
  IncludeGuard(std::size_t max_depth, std::size_t max_files)
      : max_depth_(max_depth), max_files_(max_files) {}

  /// Before reading `path` because of the include line at `where` (for the
  /// top file `where` is empty). Fails on a loop, depth or file-count limit.
  Status enter(const std::string& path, const Location& where);
  void leave() { stack_.pop_back(); }

 private:
  std::size_t max_depth_;
  std::size_t max_files_;
  std::size_t files_read_ = 0;
  std::vector<std::string> stack_;
};

/// Reads a file through `files`; the reason says which file and, for an
/// include, which line asked for it.
Result<std::string> read_config_file(FileSource& files, const std::string& path,
                                     const Location& where);

/// "FILE:LINE: reason" as an Errc::invalid_syntax error.
Error error_at(const Location& where, const std::string& reason);

}  // namespace ike::config::detail
