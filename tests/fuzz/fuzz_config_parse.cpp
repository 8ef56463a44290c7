// libFuzzer target for the ipsec.conf and ipsec.secrets parsers, entirely in
// memory (MemoryFileSource). The input is split at NUL bytes into up to four
// files, so includes, globs, loops and also= across files are reached:
//   ipsec.conf \0 conf.d/a.conf \0 conf.d/b.conf \0 ipsec.secrets
// (with fewer than three NULs, the first text is also read as ipsec.secrets).
// Parsing must never crash, hang or allocate without bound; every error must
// name the file it comes from; whatever loads must be self-consistent.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "ike/config/ipsec_conf.hpp"
#include "ike/config/ipsec_secrets.hpp"

namespace {

using namespace ike;
using namespace ike::config;

constexpr const char* kNames[] = {"ipsec.conf", "conf.d/a.conf", "conf.d/b.conf", "ipsec.secrets"};

bool names_a_file(const std::string& reason) {
  for (const char* name : kNames) {
    if (reason.rfind(std::string(name) + ":", 0) == 0) return true;
  }
  return false;
}

void check_location(const Location& where) {
  if (where.file.empty() || where.line == 0) std::abort();
}

void check_conf(MemoryFileSource& files) {
  auto config = load_ipsec_conf(files, "ipsec.conf");
  if (!config) {
    if (config.error().reason.empty() || !names_a_file(config.error().reason)) std::abort();
    return;
  }
  for (const auto& conn : config->conns) {
    check_location(conn.where);
    if (conn.name.empty() || conn.name == "%default") std::abort();
    for (const auto& [keyword, where] : conn.origins)
      check_location(where);
    if (conn.rekey && conn.margintime >= conn.lifetime) std::abort();
    if (conn.left.subnets.empty() || conn.right.subnets.empty()) std::abort();
  }
  for (const auto& warning : config->warnings)
    check_location(warning.where);
}

void check_secrets(MemoryFileSource& files) {
  auto secrets = load_ipsec_secrets(files, "ipsec.secrets");
  if (!secrets) {
    if (secrets.error().reason.empty() || !names_a_file(secrets.error().reason)) std::abort();
    return;
  }
  for (const auto& shared : secrets->shared) {
    if (shared.secret.empty() || shared.secret.to_string() != "<redacted>") std::abort();
    if (shared.identities.size() != shared.ids.size()) std::abort();
    check_location(shared.where);
  }
  for (const auto& key : secrets->private_keys) {
    if (key.file.empty()) std::abort();
    check_location(key.where);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> parts;
  while (parts.size() < 3) {
    auto nul = input.find('\0');
    if (nul == std::string_view::npos) break;
    parts.push_back(input.substr(0, nul));
    input.remove_prefix(nul + 1);
  }
  parts.push_back(input);
  MemoryFileSource files;
  for (std::size_t i = 0; i < parts.size(); ++i)
    files.add(kNames[i], std::string(parts[i]));
  if (parts.size() < 4) files.add("ipsec.secrets", std::string(parts[0]));
  check_conf(files);
  check_secrets(files);
  return 0;
}
