#pragma once
/// Where the repository's shipped files are, for tests that check them:
/// etc/ (example configurations) and man/ (manual pages).

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace ike::test {

/// The repository root (IKE_SHARED_VECTORS_DIR is <root>/tests/vectors).
inline std::filesystem::path repo_root() {
  return std::filesystem::path(IKE_SHARED_VECTORS_DIR).parent_path().parent_path();
}

inline std::filesystem::path etc_dir() {
  return repo_root() / "etc";
}

inline std::filesystem::path man_dir() {
  return repo_root() / "man";
}

/// The regular files directly in etc/ whose name starts with `prefix`
/// ("ipsec.conf", "ipsec.secrets"), sorted.
inline std::vector<std::filesystem::path> etc_files(const std::string& prefix) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(etc_dir())) {
    if (entry.is_regular_file() && entry.path().filename().string().starts_with(prefix)) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace ike::test
