// The only file in the config component that touches the file system.
#include "ike/config/disk_file_source.hpp"

#include <glob.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>

namespace ike::config {

Result<std::string> DiskFileSource::read(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return make_error(Errc::io_error, std::strerror(errno));
  if (!S_ISREG(info.st_mode)) return make_error(Errc::io_error, "not a regular file");
  if (static_cast<unsigned long long>(info.st_size) > kMaxConfigFileBytes) {
    return make_error(Errc::io_error,
                      "file is larger than " + std::to_string(kMaxConfigFileBytes) + " bytes");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(Errc::io_error, std::strerror(errno));
  std::string content;
  content.reserve(static_cast<std::size_t>(info.st_size));
  // Bounded again while reading: the file may grow between stat and read.
  char buffer[8192];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    content.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (content.size() > kMaxConfigFileBytes) {
      return make_error(Errc::io_error,
                        "file is larger than " + std::to_string(kMaxConfigFileBytes) + " bytes");
    }
  }
  if (in.bad()) return make_error(Errc::io_error, "read error");
  return content;
}

Result<std::vector<std::string>> DiskFileSource::glob(const std::string& pattern) {
  glob_t found{};
  int rc = ::glob(pattern.c_str(), 0, nullptr, &found);
  std::unique_ptr<glob_t, void (*)(glob_t*)> release(&found, ::globfree);
  if (rc == GLOB_NOMATCH) return std::vector<std::string>{};
  if (rc == GLOB_NOSPACE) return make_error(Errc::io_error, "out of memory while globbing");
  if (rc != 0) return make_error(Errc::io_error, "cannot read directory while globbing");
  std::vector<std::string> paths;
  for (std::size_t i = 0; i < found.gl_pathc; ++i)
    paths.emplace_back(found.gl_pathv[i]);
  return paths;
}

}  // namespace ike::config
