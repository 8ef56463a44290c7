#pragma once
/// The only way the configuration parsers reach files. The daemon passes a
/// `DiskFileSource` (disk_file_source.hpp); tests and the fuzzer pass a
/// `MemoryFileSource`, so parsing stays free of I/O and every include, glob
/// and missing-file path can be exercised in memory.

#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ike/error.hpp"

namespace ike::config {

/// Largest configuration or secrets file accepted (each file, includes
/// counted apart), so a wrong path such as /dev/zero cannot exhaust memory.
inline constexpr std::size_t kMaxConfigFileBytes = 4 * 1024 * 1024;

class FileSource {
 public:
  virtual ~FileSource() = default;

  /// The whole content of `path`. Fails with Errc::io_error and a reason
  /// such as "No such file or directory", or when the file is larger than
  /// kMaxConfigFileBytes.
  virtual Result<std::string> read(const std::string& path) = 0;

  /// The paths matching a shell glob `pattern` (`*`, `?`, `[...]`; a `/` is
  /// only matched literally), sorted; empty when nothing matches.
  virtual Result<std::vector<std::string>> glob(const std::string& pattern) = 0;
};

/// Files held in memory, keyed by path exactly as the parser asks for them.
class MemoryFileSource : public FileSource {
 public:
  MemoryFileSource() = default;
  explicit MemoryFileSource(std::map<std::string, std::string> files) : files_(std::move(files)) {}

  /// Adds or replaces a file.
  void add(std::string path, std::string content) { files_[std::move(path)] = std::move(content); }

  Result<std::string> read(const std::string& path) override;
  Result<std::vector<std::string>> glob(const std::string& pattern) override;

 private:
  std::map<std::string, std::string> files_;
};

}  // namespace ike::config
