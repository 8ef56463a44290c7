#include "config/include_paths.hpp"

#include <vector>

namespace ike::config::detail {

std::string directory_of(std::string_view path) {
  auto slash = path.rfind('/');
  if (slash == std::string_view::npos) return "";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

std::string normalize_path(std::string_view path) {
  bool absolute = !path.empty() && path.front() == '/';
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    auto part = path.substr(start, end - start);
    start = end + 1;
    if (part.empty() || part == ".") continue;
    if (part == ".." && !parts.empty() && parts.back() != "..") {
      parts.pop_back();
    } else if (part == ".." && absolute) {
      continue;  // "/.." is "/"
    } else {
      parts.push_back(part);
    }
  }
  std::string out = absolute ? "/" : "";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += '/';
    out += parts[i];
  }
  if (out.empty()) out = ".";
  return out;
}

std::string resolve_include(std::string_view including_file, std::string_view pattern) {
  if (!pattern.empty() && pattern.front() == '/') return normalize_path(pattern);
  auto directory = directory_of(including_file);
  if (directory.empty()) return normalize_path(pattern);
  return normalize_path(directory + "/" + std::string(pattern));
}

bool is_glob_pattern(std::string_view pattern) {
  return pattern.find_first_of("*?[") != std::string_view::npos;
}

}  // namespace ike::config::detail
