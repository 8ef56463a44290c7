// Value parsers of ipsec.conf keywords (ike/config/values.hpp).
#include <cctype>
#include <charconv>
#include <limits>

#include "config/address_syntax.hpp"
#include "ike/config/values.hpp"

namespace ike::config {
namespace {

Error invalid(std::string reason) {
  return make_error(Errc::invalid_argument, std::move(reason));
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

/// Decimal digits only (no sign, no blanks), value <= max.
std::optional<std::uint64_t> decimal(std::string_view text, std::uint64_t max) {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 10);
  if (ec != std::errc() || end != text.data() + text.size() || value > max) return std::nullopt;
  return value;
}

/// Decimal or 0x hex, up to 32 bits.
std::optional<std::uint32_t> number32(std::string_view text) {
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    text.remove_prefix(2);
    base = 16;
  }
  if (text.empty()) return std::nullopt;
  std::uint32_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

Result<std::chrono::seconds> parse_duration(std::string_view text) {
  static constexpr const char* kExpected = "expected a time such as 30s, 10m, 3h or 1d";
  std::uint64_t unit = 1;
  std::string_view digits = text;
  if (!digits.empty()) {
    switch (digits.back()) {
      case 's':
        unit = 1;
        digits.remove_suffix(1);
        break;
      case 'm':
        unit = 60;
        digits.remove_suffix(1);
        break;
      case 'h':
        unit = 3600;
        digits.remove_suffix(1);
        break;
      case 'd':
        unit = 86400;
        digits.remove_suffix(1);
        break;
      default:
        break;
    }
  }
  constexpr std::uint64_t kMaxSeconds = std::numeric_limits<std::uint32_t>::max();
  auto value = decimal(digits, kMaxSeconds);
  if (!value) {
    if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos) {
      return invalid("time is too large (at most 4294967295 seconds)");
    }
    return invalid(kExpected);
  }
  if (*value > kMaxSeconds / unit) return invalid("time is too large (at most 4294967295 seconds)");
  return std::chrono::seconds(static_cast<std::int64_t>(*value * unit));
}

Result<unsigned> parse_percent(std::string_view text) {
  if (text.empty() || text.back() != '%') return invalid("expected a percentage such as 100%");
  auto value = decimal(text.substr(0, text.size() - 1), std::numeric_limits<std::uint32_t>::max());
  if (!value) return invalid("expected a percentage such as 100%");
  return static_cast<unsigned>(*value);
}

Result<bool> parse_yes_no(std::string_view text) {
  if (text == "yes") return true;
  if (text == "no") return false;
  return invalid("expected yes or no");
}

Result<std::uint64_t> parse_unsigned(std::string_view text, std::uint64_t max) {
  auto value = decimal(text, max);
  if (!value) return invalid("expected a number from 0 to " + std::to_string(max));
  return *value;
}

Result<std::vector<std::string>> split_list(std::string_view text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (true) {
    auto comma = text.find(',', start);
    auto item = trim(text.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (item.empty()) return invalid("empty item in comma-separated list");
    items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return items;
}

Result<HostSpec> parse_host(std::string_view text) {
  HostSpec host;
  host.text = std::string(text);
  if (text == "%any" || text == "%any4" || text == "%any6") {
    host.family = text == "%any4"   ? HostFamily::ipv4
                  : text == "%any6" ? HostFamily::ipv6
                                    : HostFamily::any;
    return host;
  }
  if (text == "%defaultroute") {
    host.kind = HostKind::defaultroute;
    return host;
  }
  if (!text.empty() && text.front() == '%') {
    host.allow_any = true;
    text.remove_prefix(1);
    if (!text.empty() && text.front() == '%') {
      return invalid(
          "unknown value (expected %any, %any4, %any6, %defaultroute, an address or "
          "a host name)");
    }
  }
  auto items = split_list(text);
  if (!items) return std::move(items).error();
  if (items->size() == 1 && !detail::looks_like_address(items->front())) {
    if (!detail::is_host_name(items->front())) {
      return invalid("'" + items->front() + "' is neither an address nor a valid host name");
    }
    host.kind = HostKind::hostname;
    host.items = std::move(*items);
    return host;
  }
  host.kind = HostKind::addresses;
  std::optional<HostFamily> common;
  for (const auto& item : *items) {
    auto parsed = detail::parse_address_item(item);
    if (!parsed) return std::move(parsed).error();
    auto family = parsed->family == AddressFamily::ipv4 ? HostFamily::ipv4 : HostFamily::ipv6;
    if (!common) common = family;
    if (*common != family) common = HostFamily::any;
    if (parsed->address) host.addresses.push_back(*parsed->address);
  }
  host.family = common.value_or(HostFamily::any);
  host.items = std::move(*items);
  return host;
}

Result<AuthSpec> parse_auth(std::string_view text) {
  AuthSpec auth;
  auth.text = std::string(text);
  auto head = text.substr(0, text.find_first_of("-/"));
  if (head == "pubkey" || head == "rsa" || head == "ecdsa" || head == "ed25519" ||
      head == "ed448") {
    auth.method = AuthMethod::pubkey;
  } else if (head == "psk" || head == "secret") {
    auth.method = AuthMethod::psk;
  } else if (head == "eap") {
    auth.method = AuthMethod::eap;
  } else if (text == "null") {
    auth.method = AuthMethod::null;
  } else if (head == "xauth") {
    return invalid("XAuth is IKEv1-only (ikev2d speaks IKEv2 only; use eap)");
  } else {
    return invalid("expected pubkey, rsa, ecdsa, ed25519, ed448, psk, eap[-TYPE] or null");
  }
  return auth;
}

Result<Mark> parse_mark(std::string_view text) {
  static constexpr const char* kExpected =
      "expected VALUE[/MASK] with decimal or 0x numbers, or %unique or %unique-dir";
  Mark mark;
  auto slash = text.find('/');
  auto value = text.substr(0, slash);
  if (auto kind = parse_enum_name<MarkKind>(value); kind && *kind != MarkKind::fixed) {
    mark.kind = *kind;
  } else if (auto number = number32(value)) {
    mark.value = *number;
  } else {
    return invalid(kExpected);
  }
  if (slash != std::string_view::npos) {
    auto mask = number32(text.substr(slash + 1));
    if (!mask) return invalid(kExpected);
    mark.mask = *mask;
  }
  return mark;
}

Result<Tfc> parse_tfc(std::string_view text) {
  if (text == "%mtu") return Tfc{true, 0};
  auto bytes = decimal(text, 65535);
  if (!bytes) return invalid("expected %mtu or a byte count up to 65535");
  return Tfc{false, static_cast<std::uint32_t>(*bytes)};
}

Result<std::vector<std::pair<std::string, int>>> parse_debug_levels(std::string_view text) {
  std::vector<std::pair<std::string, int>> levels;
  auto items = split_list(text);
  if (!items) return std::move(items).error();
  for (const auto& item : *items) {
    auto blank = item.find_first_of(" \t");
    std::string_view level_text = blank == std::string::npos
                                      ? std::string_view{}
                                      : trim(std::string_view(item).substr(blank));
    int level = 0;
    auto [end, ec] =
        std::from_chars(level_text.data(), level_text.data() + level_text.size(), level);
    if (blank == std::string::npos || ec != std::errc() ||
        end != level_text.data() + level_text.size() || level < -1 || level > 4) {
      return invalid("'" + item + "': expected SUBSYSTEM LEVEL with a level from -1 to 4");
    }
    levels.emplace_back(item.substr(0, blank), level);
  }
  return levels;
}

}  // namespace ike::config
