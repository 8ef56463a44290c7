#include "load/load_options.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <map>

#include "ike/ts/ip_prefix.hpp"

namespace ikev2d::load {

using ike::Errc;
using ike::IpAddress;
using ike::make_error;

namespace {

/// More source addresses than this is a typo (a /8), not a test setup.
constexpr std::size_t kMaxSourceAddresses = 65536;
/// One worker per core is the point; more than this is a typo.
constexpr std::uint64_t kMaxThreads = 64;

/// Appends start..end (inclusive) to `out`, refusing more than `limit` in all.
ike::Status add_range(std::string_view item, IpAddress start, const IpAddress& end,
                      std::vector<IpAddress>& out, std::size_t limit) {
  if (start.family() != end.family() || end < start) {
    return option_error("--from", "\"" + std::string(item) + "\" is not an ascending range");
  }
  for (;;) {
    if (out.size() >= limit) {
      return option_error("--from", "more than " + std::to_string(limit) + " source addresses");
    }
    out.push_back(start);
    if (start == end) return {};
    start = *start.next();
  }
}

}  // namespace

ike::Error option_error(std::string_view option, std::string reason) {
  return make_error(Errc::invalid_argument, std::string(option) + ": " + std::move(reason));
}

ike::Result<std::uint64_t> parse_whole_number(std::string_view option, std::string_view text,
                                              std::uint64_t min, std::uint64_t max) {
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return option_error(option, "\"" + std::string(text) + "\" is not a whole number");
  }
  if (value < min || value > max) {
    return option_error(option, std::to_string(value) + " is outside " + std::to_string(min) +
                                    ".." + std::to_string(max));
  }
  return value;
}

ike::Result<double> parse_nonnegative_number(std::string_view option, std::string_view text) {
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value) || value < 0) {
    return option_error(option, "\"" + std::string(text) + "\" is not a number >= 0");
  }
  return value;
}

ike::Status add_source_addresses(std::string_view item, std::vector<IpAddress>& out,
                                 std::size_t limit) {
  if (auto dash = item.find('-'); dash != std::string_view::npos) {
    auto first = IpAddress::parse(item.substr(0, dash));
    if (!first) return option_error("--from", first.error().reason);
    auto last = IpAddress::parse(item.substr(dash + 1));
    if (!last) return option_error("--from", last.error().reason);
    return add_range(item, *first, *last, out, limit);
  }
  if (item.find('/') != std::string_view::npos) {
    auto prefix = ike::IpPrefix::parse(item);
    if (!prefix) return option_error("--from", prefix.error().reason);
    auto first = prefix->first();
    auto last = prefix->last();
    // The network and broadcast addresses of an IPv4 subnet are not hosts'
    // (RFC 3021 makes /31 the exception); IPv6 has no broadcast, but its
    // subnet-router anycast address (RFC 4291 2.6.1) is not a host's either.
    unsigned width = ike::address_bits(prefix->family());
    if (static_cast<unsigned>(prefix->length) + 1 < width) {
      first = *first.next();
      if (prefix->family() == ike::AddressFamily::ipv4) last = *last.previous();
    }
    return add_range(item, first, last, out, limit);
  }
  auto address = IpAddress::parse(item);
  if (!address) return option_error("--from", address.error().reason);
  return add_range(item, *address, *address, out, limit);
}

ike::Result<ike::sa::Endpoint> parse_endpoint(std::string_view text) {
  ike::sa::Endpoint endpoint;
  std::string_view address = text;
  std::optional<std::string_view> port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) {
      return make_error(Errc::invalid_argument, "\"" + std::string(text) + "\" lacks ']'");
    }
    address = text.substr(1, close - 1);
    auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        return make_error(Errc::invalid_argument,
                          "\"" + std::string(text) + "\": expected ':' after ']'");
      }
      port = rest.substr(1);
    }
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    auto colon = text.find(':');
    address = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  auto parsed = IpAddress::parse(address);
  if (!parsed) return make_error(Errc::invalid_argument, parsed.error().reason);
  endpoint.address = *parsed;
  if (port) {
    auto number = parse_whole_number("port", *port, 1, 65535);
    if (!number) return std::move(number).error();
    endpoint.port = static_cast<std::uint16_t>(*number);
  }
  return endpoint;
}

std::vector<ike::sa::Endpoint> source_endpoints(const LoadOptions& options) {
  std::vector<ike::sa::Endpoint> endpoints;
  endpoints.reserve(options.sources.size() * options.ports_per_address);
  for (const auto& address : options.sources) {
    for (std::uint32_t i = 0; i < options.ports_per_address; ++i) {
      endpoints.push_back({address, static_cast<std::uint16_t>(options.first_port + i)});
    }
  }
  return endpoints;
}

ike::Result<LoadOptions> parse_load_options(const std::vector<std::string_view>& arguments) {
  LoadOptions options;
  bool have_responder = false;
  bool have_psk = false;
  using Setter = std::function<ike::Status(std::string_view)>;
  auto whole = [](std::string_view name, auto& field, std::uint64_t min, std::uint64_t max) {
    return Setter([name, &field, min, max](std::string_view value) -> ike::Status {
      auto parsed = parse_whole_number(name, value, min, max);
      if (!parsed) return std::move(parsed).error();
      field = static_cast<std::remove_reference_t<decltype(field)>>(*parsed);
      return {};
    });
  };
  auto seconds = [](std::string_view name, double& field) {
    return Setter([name, &field](std::string_view value) -> ike::Status {
      auto parsed = parse_nonnegative_number(name, value);
      if (!parsed) return std::move(parsed).error();
      field = *parsed;
      return {};
    });
  };
  auto text = [](std::string& field) {
    return Setter([&field](std::string_view value) -> ike::Status {
      field = value;
      return {};
    });
  };
  std::map<std::string_view, Setter> with_value{
      {"--from",
       [&](std::string_view value) -> ike::Status {
         std::size_t start = 0;
         while (start <= value.size()) {
           auto comma = value.find(',', start);
           auto item =
               value.substr(start, comma == std::string_view::npos ? value.npos : comma - start);
           if (item.empty())
             return option_error("--from", "empty item in \"" + std::string(value) + "\"");
           if (auto added = add_source_addresses(item, options.sources, kMaxSourceAddresses);
               !added) {
             return added;
           }
           if (comma == std::string_view::npos) break;
           start = comma + 1;
         }
         return {};
       }},
      {"--first-port", whole("--first-port", options.first_port, 1, 65535)},
      {"--ports", whole("--ports", options.ports_per_address, 1, 4096)},
      {"--count", whole("--count", options.count, 1, 10'000'000)},
      {"--rate", seconds("--rate", options.rate)},
      {"--concurrency", whole("--concurrency", options.concurrency, 1, 1'000'000)},
      {"--threads", whole("--threads", options.threads, 1, kMaxThreads)},
      {"--psk",
       [&](std::string_view value) -> ike::Status {
         if (value.empty()) return option_error("--psk", "the secret is empty");
         options.psk = value;
         have_psk = true;
         return {};
       }},
      {"--cert", text(options.cert_file)},
      {"--key", text(options.key_file)},
      {"--ca",
       [&](std::string_view value) -> ike::Status {
         options.ca_files.emplace_back(value);
         return {};
       }},
      {"--local-id", text(options.local_id)},
      {"--remote-id", text(options.remote_id)},
      {"--ike", text(options.ike_proposals)},
      {"--esp", text(options.esp_proposals)},
      {"--local-ts", text(options.local_ts)},
      {"--remote-ts", text(options.remote_ts)},
      {"--hold", seconds("--hold", options.hold_seconds)},
      {"--timeout", seconds("--timeout", options.timeout_seconds)},
  };
  std::map<std::string_view, bool*> flags{{"--rekey", &options.rekey},
                                          {"--down", &options.down},
                                          {"--json", &options.json},
                                          {"--help", &options.help},
                                          {"-h", &options.help}};
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    std::string_view argument = arguments[i];
    std::optional<std::string_view> inline_value;
    if (argument.starts_with("--")) {
      if (auto equals = argument.find('='); equals != std::string_view::npos) {
        inline_value = argument.substr(equals + 1);
        argument = argument.substr(0, equals);
      }
    }
    if (auto flag = flags.find(argument); flag != flags.end()) {
      if (inline_value) return option_error(argument, "takes no value");
      *flag->second = true;
      continue;
    }
    if (auto option = with_value.find(argument); option != with_value.end()) {
      std::string_view value;
      if (inline_value) {
        value = *inline_value;
      } else if (i + 1 < arguments.size()) {
        value = arguments[++i];
      } else {
        return option_error(argument, "needs a value");
      }
      if (auto set = option->second(value); !set) return std::move(set).error();
      continue;
    }
    if (argument.starts_with("-")) {
      return make_error(Errc::invalid_argument,
                        "unknown option \"" + std::string(argument) + "\" (see --help)");
    }
    if (have_responder) {
      return make_error(Errc::invalid_argument,
                        "more than one responder: \"" + std::string(argument) + "\"");
    }
    auto endpoint = parse_endpoint(argument);
    if (!endpoint) return option_error("responder", endpoint.error().reason);
    options.responder = *endpoint;
    have_responder = true;
  }
  if (options.help) return options;
  if (!have_responder) {
    return make_error(Errc::invalid_argument, "no responder given (RESPONDER[:PORT])");
  }
  if (options.sources.empty()) {
    return option_error("--from", "give at least one source address (the tool binds each one)");
  }
  for (const auto& source : options.sources) {
    if (source.family() != options.responder.address.family()) {
      return option_error("--from",
                          source.to_string() + " is not of the responder's address family");
    }
  }
  if (options.first_port + options.ports_per_address - 1 > 65535) {
    return option_error("--ports",
                        "ports from " + std::to_string(options.first_port) + " run past 65535");
  }
  bool certificate = !options.cert_file.empty() || !options.key_file.empty();
  if (certificate) {
    if (options.cert_file.empty() || options.key_file.empty()) {
      return option_error(options.cert_file.empty() ? "--cert" : "--key",
                          "certificates need both --cert and --key");
    }
    if (options.ca_files.empty())
      return option_error("--cert", "give the responder's CA with --ca");
    if (have_psk) return option_error("--psk", "choose either --psk or --cert/--key, not both");
    options.auth = AuthMode::certificate;
  } else if (!have_psk) {
    return make_error(Errc::invalid_argument, "no credentials: give --psk or --cert/--key/--ca");
  }
  return options;
}

std::string usage() {
  return R"(Usage: ikev2d-load [OPTIONS] RESPONDER[:PORT]

Initiates IKE SAs (each with one CHILD SA) against RESPONDER with libike's
engine and a null kernel, then reports what happened.

Where from:
  --from LIST           source addresses, comma-separated: ADDRESS, CIDR
                        (10.77.0.0/24: its host addresses) or FIRST-LAST;
                        repeatable; each must be configured locally
  --first-port PORT     first source port of every address (default 500)
  --ports N             source ports per address (default 1)
How much:
  --count N             IKE SAs to establish (default 1)
  --rate R              initiations per second, 0 = as fast as possible (default 0)
  --concurrency C       handshakes in flight at most (default 100)
  --threads N           worker threads, each with its own engine and sockets
                        and a share of the source endpoints, SAs, rate and
                        concurrency (default 1; at most one per endpoint)
  --timeout SECONDS     a phase that takes longer ends, the rest counts as
                        failed (default 60, 0 = none)
Credentials and proposals:
  --psk SECRET          pre-shared key
  --cert FILE --key FILE --ca FILE
                        certificate, private key and the CA (PEM; --ca
                        repeatable) for public-key authentication
  --local-id ID         our identity (default: source address / cert subject)
  --remote-id ID        the responder's identity (default %any)
  --ike PROPOSALS       IKE proposals, strongSwan syntax (ike=)
  --esp PROPOSALS       ESP proposals (esp=)
  --local-ts SUBNETS    CHILD selectors (default: the IKE addresses)
  --remote-ts SUBNETS
After the SAs are up:
  --hold SECONDS        keep them up this long
  --rekey               rekey every IKE SA once (counts rekeys done/failed)
  --down                delete them all at the end
Output:
  --json                the report as one JSON object
  -h, --help            this text

Exit status: 0 when every IKE SA was established (and rekeyed and deleted
when asked), 1 otherwise, 2 on a usage error.
)";
}

}  // namespace ikev2d::load
