#include "config/include_guard.hpp"

#include "config/include_paths.hpp"

namespace ike::config::detail {

Error error_at(const Location& where, const std::string& reason) {
  return make_error(Errc::invalid_syntax, where.to_string() + ": " + reason);
}

Result<std::vector<std::string>> expand_include(FileSource& files, const std::string& pattern,
                                                const Location& where,
                                                std::vector<Warning>& warnings) {
  auto resolved = resolve_include(where.file, pattern);
  if (!is_glob_pattern(resolved)) return std::vector<std::string>{resolved};
  auto matches = files.glob(resolved);
  if (!matches) {
    return error_at(where, "include '" + pattern + "': " + matches.error().reason);
  }
  if (matches->empty()) {
    warnings.push_back({where, "include '" + pattern + "' matches no files"});
  }
  return std::move(*matches);
}

Status IncludeGuard::enter(const std::string& path, const Location& where) {
  for (const auto& open : stack_) {
    if (open != path) continue;
    std::string chain;
    for (const auto& file : stack_)
      chain += file + " -> ";
    return error_at(where, "include loop: " + chain + path);
  }
  if (stack_.size() > max_depth_) {
    return error_at(where, "includes nested deeper than " + std::to_string(max_depth_) +
                               " levels at '" + path + "'");
  }
  if (++files_read_ > max_files_) {
    return error_at(where, "more than " + std::to_string(max_files_) + " files included");
  }
  stack_.push_back(path);
  return {};
}

Result<std::string> read_config_file(FileSource& files, const std::string& path,
                                     const Location& where) {
  auto content = files.read(path);
  if (!content) {
    std::string reason = "cannot read '" + path + "': " + content.error().reason;
    if (where.file.empty()) return make_error(Errc::io_error, reason);
    return error_at(where, reason);
  }
  if (content->size() > kMaxConfigFileBytes) {
    std::string reason =
        "'" + path + "' is larger than " + std::to_string(kMaxConfigFileBytes) + " bytes";
    if (where.file.empty()) return make_error(Errc::io_error, reason);
    return error_at(where, reason);
  }
  return std::move(*content);
}

}  // namespace ike::config::detail
