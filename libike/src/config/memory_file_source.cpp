#include <fnmatch.h>

#include "ike/config/file_source.hpp"

namespace ike::config {

Result<std::string> MemoryFileSource::read(const std::string& path) {
  auto it = files_.find(path);
  if (it == files_.end()) return make_error(Errc::io_error, "No such file or directory");
  if (it->second.size() > kMaxConfigFileBytes) {
    return make_error(Errc::io_error,
                      "file is larger than " + std::to_string(kMaxConfigFileBytes) + " bytes");
  }
  return it->second;
}

Result<std::vector<std::string>> MemoryFileSource::glob(const std::string& pattern) {
  // Same matching rules as glob(3): '/' and a leading '.' only match literally.
  std::vector<std::string> matches;
  for (const auto& [path, content] : files_) {
    if (::fnmatch(pattern.c_str(), path.c_str(), FNM_PATHNAME | FNM_PERIOD) == 0) {
      matches.push_back(path);
    }
  }
  return matches;
}

}  // namespace ike::config
