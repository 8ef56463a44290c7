#pragma once
/// The `FileSource` the daemon uses: reads real files and expands globs with
/// glob(3). Kept apart from the parsers, which only see the interface.

#include "ike/config/file_source.hpp"

namespace ike::config {

class DiskFileSource : public FileSource {
 public:
  /// Reads regular files only, up to kMaxConfigFileBytes.
  Result<std::string> read(const std::string& path) override;
  /// glob(3) without GLOB_NOCHECK: no match gives an empty list.
  Result<std::vector<std::string>> glob(const std::string& pattern) override;
};

}  // namespace ike::config
