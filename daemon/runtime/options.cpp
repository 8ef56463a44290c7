#include "runtime/options.hpp"

#include <charconv>
#include <optional>

namespace ikev2d::runtime {

using ike::Errc;
using ike::make_error;

namespace {

ike::Error bad(std::string reason) {
  return make_error(Errc::invalid_argument, std::move(reason));
}

ike::Result<std::uint16_t> parse_port(std::string_view option, std::string_view text) {
  unsigned value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value == 0 || value > 65535) {
    return bad(std::string(option) + ": \"" + std::string(text) + "\" is not a port (1-65535)");
  }
  return static_cast<std::uint16_t>(value);
}

/// Shard tags live in the top bits of our IKE SPIs and the low bits of
/// serials and reqids; 64 shards leave plenty of both.
constexpr unsigned kMaxThreads = 64;

/// Options that take a value.
constexpr std::string_view kValued[] = {
    "--config",    "--secrets",   "--ipsec-d", "--socket",         "--runtime-dir", "--port",
    "--natt-port", "--log-level", "--log",     "--log-timestamps", "--threads"};

bool takes_value(std::string_view name) {
  for (auto valued : kValued) {
    if (valued == name) return true;
  }
  return false;
}

ike::Status apply_valued(RuntimeOptions& options, std::string_view name, std::string_view value) {
  if (value.empty()) return bad(std::string(name) + ": empty value");
  if (name == "--config") {
    options.paths.ipsec_conf = std::string(value);
  } else if (name == "--secrets") {
    options.paths.ipsec_secrets = std::string(value);
  } else if (name == "--ipsec-d") {
    options.paths.ipsec_d = std::string(value);
  } else if (name == "--socket") {
    options.socket_path = std::string(value);
  } else if (name == "--runtime-dir") {
    options.runtime_dir = std::string(value);
  } else if (name == "--port" || name == "--natt-port") {
    auto port = parse_port(name, value);
    if (!port) return port.error();
    (name == "--port" ? options.ike_port : options.nat_t_port) = *port;
  } else if (name == "--threads") {
    unsigned threads = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), threads);
    if (error != std::errc{} || end != value.data() + value.size() || threads > kMaxThreads) {
      return bad("--threads: \"" + std::string(value) + "\" is not a thread count (0-" +
                 std::to_string(kMaxThreads) + ", 0: one per core)");
    }
    options.threads = threads;
  } else if (name == "--log-level") {
    auto level = parse_log_level(value);
    if (!level) {
      return bad("--log-level: \"" + std::string(value) +
                 "\" is not a level (debug, info, warning, error)");
    }
    options.log_level = *level;
  } else if (name == "--log") {
    LogLevels scratch;
    if (auto checked = apply_level_list(value, scratch); !checked) {
      return bad("--log: " + checked.error().reason);
    }
    if (!options.log_overrides.empty()) options.log_overrides += ',';
    options.log_overrides += value;
  } else if (name == "--log-timestamps") {
    if (value != "yes" && value != "no") return bad("--log-timestamps: yes or no");
    options.log_timestamps = value == "yes";
  }
  return {};
}

}  // namespace

ike::Result<RuntimeOptions> parse_options(std::span<const std::string_view> arguments) {
  RuntimeOptions options;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    std::string_view argument = arguments[i];
    std::string_view name = argument;
    std::optional<std::string_view> value;
    if (auto equals = argument.find('='); argument.starts_with("--") && equals != argument.npos) {
      name = argument.substr(0, equals);
      value = argument.substr(equals + 1);
    }
    if (takes_value(name)) {
      if (!value) {
        if (i + 1 == arguments.size()) return bad(std::string(name) + " needs a value");
        value = arguments[++i];
      }
      if (auto applied = apply_valued(options, name, *value); !applied) return applied.error();
      continue;
    }
    if (value) return bad(std::string(name) + " takes no value");
    if (name == "--foreground") {
      // Always in the foreground (systemd Type=notify); accepted for scripts.
    } else if (name == "--null-kernel") {
      options.null_kernel = true;
    } else if (name == "--check-config") {
      options.check_config = true;
    } else if (name == "--version") {
      options.version = true;
    } else if (name == "--help" || name == "-h") {
      options.help = true;
    } else {
      return bad("unknown option \"" + std::string(argument) + "\" (see --help)");
    }
  }
  if (options.ike_port == options.nat_t_port) {
    return bad("--port and --natt-port must differ (both " + std::to_string(options.ike_port) +
               ")");
  }
  return options;
}

std::string usage() {
  return "usage: ikev2d [OPTIONS]\n"
         "  --config PATH          ipsec.conf (default /etc/ikev2d/ipsec.conf)\n"
         "  --secrets PATH         ipsec.secrets (default /etc/ikev2d/ipsec.secrets)\n"
         "  --ipsec-d DIR          certificates and keys (default /etc/ikev2d/ipsec.d)\n"
         "  --runtime-dir DIR      control socket and XFRM ownership ledger (default "
         "/run/ikev2d)\n"
         "  --socket PATH          control socket (default RUNTIME-DIR/ikev2d.sock)\n"
         "  --port N               IKE port (default 500)\n"
         "  --natt-port N          NAT-T port (default 4500)\n"
         "  --threads N            worker threads, each owning a shard of the IKE SAs\n"
         "                         (default 0: one per core)\n"
         "  --log-level LEVEL      debug, info, warning or error for every subsystem\n"
         "  --log SUBSYS=LEVEL,... per subsystem: ike, cfg, knl, net, ctl, updown\n"
         "  --log-timestamps=no    leave time stamps to journald\n"
         "  --foreground           accepted; ikev2d always runs in the foreground\n"
         "  --check-config         load the configuration, report, exit\n"
         "  --version              print the version and exit\n";
}

}  // namespace ikev2d::runtime
