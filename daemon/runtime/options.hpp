#pragma once
/// The ikev2d command line:
///   ikev2d [--config PATH] [--secrets PATH] [--ipsec-d DIR] [--socket PATH]
///          [--runtime-dir DIR] [--port N] [--natt-port N] [--threads N]
///          [--null-kernel] [--log-level LEVEL]
///          [--log SUBSYS=LEVEL,...] [--log-timestamps=yes|no] [--foreground]
///          [--check-config] [--version] [--help]
/// Values follow the option as the next argument or after '='. Defaults are
/// DESIGN.md's paths; the socket defaults to ikev2d.sock in the runtime
/// directory, and the XFRM ownership ledger lives there too (xfrm-owned).

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "ike/error.hpp"
#include "runtime/log_format.hpp"
#include "setup/configuration.hpp"

namespace ikev2d::runtime {

struct RuntimeOptions {
  setup::Paths paths;
  std::filesystem::path runtime_dir = "/run/ikev2d";
  /// Empty: runtime_dir / "ikev2d.sock".
  std::filesystem::path socket_path;
  std::uint16_t ike_port = 500;
  std::uint16_t nat_t_port = 4500;
  /// Worker threads, one shard of IKE SAs each (shard_pool.hpp); 0: one per
  /// core.
  std::size_t threads = 0;
  /// Benchmarks on a host without ESP: negotiate CHILD SAs, install nothing
  /// (ike/sa/null_kernel.hpp). Never on a gateway: no traffic is protected.
  bool null_kernel = false;
  LogLevel log_level = LogLevel::info;
  /// --log items, applied after --log-level.
  std::string log_overrides;
  bool log_timestamps = true;
  /// Load the configuration, report, exit (0 when it loads).
  bool check_config = false;
  bool version = false;
  bool help = false;

  std::filesystem::path control_socket() const {
    return socket_path.empty() ? runtime_dir / "ikev2d.sock" : socket_path;
  }
  std::filesystem::path ownership_ledger() const { return runtime_dir / "xfrm-owned"; }
};

/// Parses the arguments after argv[0]. Errors say which option and why.
ike::Result<RuntimeOptions> parse_options(std::span<const std::string_view> arguments);
/// The --help text.
std::string usage();

}  // namespace ikev2d::runtime
