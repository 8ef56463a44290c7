#include "load/flood_options.hpp"

#include <algorithm>
#include <array>

#include "load/load_options.hpp"

namespace ikev2d::load {

using ike::Errc;
using ike::IpAddress;
using ike::make_error;

namespace {

constexpr std::size_t kMaxBatch = 1024;

/// RFC 1918 space: where a spoofing tool may point.
bool is_private_v4(const IpAddress& address) {
  auto b = address.bytes();
  return b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168);
}

bool takes_value(std::string_view name) {
  static constexpr std::array<std::string_view, 8> kWithValue{
      "--from", "--source-port", "--rate",  "--duration",
      "--ike",  "--nonce-size",  "--batch", "--responder"};
  for (auto known : kWithValue)
    if (name == known) return true;
  return false;
}

ike::Status apply(FloodOptions& options, std::string_view name, std::string_view value) {
  if (name == "--from") {
    auto prefix = ike::IpPrefix::parse(value);
    if (!prefix) return option_error(name, prefix.error().reason);
    if (!prefix->address.is_v4() || !is_private_v4(prefix->address) || prefix->length < 8) {
      return option_error(name, "\"" + std::string(value) +
                                    "\" is not an IPv4 prefix of /8 or longer in RFC 1918 space");
    }
    options.spoofed = *prefix;
  } else if (name == "--source-port") {
    auto port = parse_whole_number(name, value, 1, 65535);
    if (!port) return port.error();
    options.source_port = static_cast<std::uint16_t>(*port);
  } else if (name == "--rate") {
    if (value == "max") {
      options.rate = 0;
    } else {
      auto rate = parse_nonnegative_number(name, value);
      if (!rate) return rate.error();
      options.rate = *rate;
    }
  } else if (name == "--duration") {
    auto seconds = parse_nonnegative_number(name, value);
    if (!seconds) return seconds.error();
    options.duration_seconds = *seconds;
  } else if (name == "--ike") {
    options.ike_proposals = std::string(value);
  } else if (name == "--nonce-size") {
    auto size = parse_whole_number(name, value, 16, 256);
    if (!size) return size.error();
    options.nonce_size = *size;
  } else if (name == "--batch") {
    auto batch = parse_whole_number(name, value, 1, kMaxBatch);
    if (!batch) return batch.error();
    options.batch = *batch;
  }
  return {};
}

}  // namespace

ike::Result<FloodOptions> parse_flood_options(const std::vector<std::string_view>& arguments) {
  FloodOptions options;
  bool have_responder = false;
  bool have_from = false;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    std::string_view argument = arguments[i];
    if (argument == "--help" || argument == "-h") {
      options.help = true;
      return options;
    }
    if (argument == "--json") {
      options.json = true;
      continue;
    }
    if (argument == "--no-answers") {
      options.count_answers = false;
      continue;
    }
    if (!argument.starts_with("--")) {
      if (have_responder) return option_error("RESPONDER", "given twice");
      auto responder = parse_endpoint(argument);
      if (!responder) return option_error("RESPONDER", responder.error().reason);
      if (!responder->address.is_v4() || !is_private_v4(responder->address)) {
        return option_error("RESPONDER", "\"" + std::string(argument) +
                                             "\" is not an IPv4 address in RFC 1918 space");
      }
      options.responder = *responder;
      have_responder = true;
      continue;
    }
    std::string_view name = argument;
    std::string_view value;
    if (auto equals = argument.find('='); equals != std::string_view::npos) {
      name = argument.substr(0, equals);
      value = argument.substr(equals + 1);
    } else if (takes_value(name)) {
      if (i + 1 >= arguments.size()) return option_error(name, "needs a value");
      value = arguments[++i];
    }
    if (!takes_value(name)) {
      return option_error(name, "unknown option (see --help)");
    }
    if (auto applied = apply(options, name, value); !applied) return applied.error();
    have_from = have_from || name == "--from";
  }
  if (!have_responder) return option_error("RESPONDER", "missing (see --help)");
  if (!have_from) return option_error("--from", "missing: the spoofed source prefix");
  return options;
}

IpAddress spoofed_address(const ike::IpPrefix& prefix, std::uint32_t random) noexcept {
  auto base = prefix.address.bytes();
  std::uint32_t network = std::uint32_t{base[0]} << 24 | std::uint32_t{base[1]} << 16 |
                          std::uint32_t{base[2]} << 8 | base[3];
  unsigned host_bits = 32 - std::min<unsigned>(prefix.length, 32);
  std::uint64_t size = std::uint64_t{1} << host_bits;
  std::uint32_t host = 0;
  if (host_bits >= 2) {
    // Skip the network (0) and broadcast (size - 1) addresses.
    host = 1 + static_cast<std::uint32_t>(random % (size - 2));
  } else {
    host = static_cast<std::uint32_t>(random % size);
  }
  std::uint32_t value = network | host;
  return IpAddress::v4(static_cast<std::uint8_t>(value >> 24),
                       static_cast<std::uint8_t>(value >> 16),
                       static_cast<std::uint8_t>(value >> 8), static_cast<std::uint8_t>(value));
}

std::string flood_usage() {
  return "usage: ikev2d-flood RESPONDER[:PORT] --from CIDR [options]\n"
         "Sends well-formed IKE_SA_INIT requests from spoofed source addresses (a raw\n"
         "socket, root) to measure a responder under a denial-of-service flood. Lab use\n"
         "only: RESPONDER and CIDR must be RFC 1918 IPv4.\n"
         "  --from CIDR          spoofed sources: a random host address of CIDR per request\n"
         "  --source-port P      their source port (default 500)\n"
         "  --rate R|max         requests per second (default max: as fast as possible)\n"
         "  --duration S         stop after S seconds (default: at SIGINT/SIGTERM)\n"
         "  --ike PROPOSALS      SA payload, strongSwan syntax (default: libike's offer)\n"
         "  --nonce-size N       nonce octets, 16..256 (default 32)\n"
         "  --batch N            requests per sendmmsg call (default 64)\n"
         "  --no-answers         do not listen for the responder's answers\n"
         "  --json               the report as one JSON object\n";
}

}  // namespace ikev2d::load
