#pragma once
// Helpers shared by the config tests.

#include <filesystem>
#include <string>

#include "ike/config/disk_file_source.hpp"
#include "ike/config/ipsec_conf.hpp"

namespace ike::config::test {

/// tests/unit/config/data, found next to this file.
inline std::string data_dir() {
  return (std::filesystem::path(__FILE__).parent_path() / "data").string();
}

/// Loads data/<name> from disk.
inline Result<Config> load_data_file(const std::string& name) {
  DiskFileSource files;
  return load_ipsec_conf(files, data_dir() + "/" + name);
}

/// The error reason, or "<ok>".
inline std::string error_of(const Result<Config>& result) {
  return result ? "<ok>" : result.error().reason;
}

}  // namespace ike::config::test
