#include "config/address_syntax.hpp"

#include <cctype>
#include <charconv>
#include <string>

namespace ike::config::detail {
namespace {

Error invalid(std::string reason) {
  return make_error(Errc::invalid_argument, std::move(reason));
}

bool is_ipv4(std::string_view text) {
  int parts = 0;
  while (true) {
    auto dot = text.find('.');
    auto part = text.substr(0, dot);
    unsigned value = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || part.size() > 3 || ec != std::errc() || end != part.data() + part.size() ||
        value > 255 || (part.size() > 1 && part[0] == '0')) {
      return false;
    }
    ++parts;
    if (dot == std::string_view::npos) break;
    text.remove_prefix(dot + 1);
  }
  return parts == 4;
}

/// RFC 4291 2.2 text forms, including "::" and a trailing dotted quad.
bool is_ipv6(std::string_view text) {
  auto double_colon = text.find("::");
  if (double_colon != std::string_view::npos &&
      text.find("::", double_colon + 1) != std::string_view::npos) {
    return false;
  }
  int groups = 0;
  std::string_view rest = text;
  std::size_t start = 0;
  while (start <= rest.size()) {
    auto colon = rest.find(':', start);
    auto group = rest.substr(start, colon == std::string_view::npos ? colon : colon - start);
    bool last = colon == std::string_view::npos;
    if (group.empty()) {
      // Only where "::" stands (or its halves at the very start/end).
    } else if (last && group.find('.') != std::string_view::npos) {
      if (!is_ipv4(group)) return false;
      groups += 2;
    } else {
      if (group.size() > 4) return false;
      for (char c : group) {
        if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
      }
      ++groups;
    }
    if (last) break;
    start = colon + 1;
  }
  // Empty groups are only legal as part of "::".
  if (double_colon == std::string_view::npos) {
    if (text.empty() || text.front() == ':' || text.back() == ':') return false;
    return groups == 8;
  }
  if (text.front() == ':' && double_colon != 0) return false;
  if (text.back() == ':' && double_colon != text.size() - 2) return false;
  return groups <= 7;
}

std::optional<HostFamily> address_family(std::string_view text) {
  if (text.find(':') != std::string_view::npos) {
    if (is_ipv6(text)) return HostFamily::ipv6;
    return std::nullopt;
  }
  if (is_ipv4(text)) return HostFamily::ipv4;
  return std::nullopt;
}

}  // namespace

bool looks_like_address(std::string_view text) {
  return !text.empty() && (std::isdigit(static_cast<unsigned char>(text.front())) ||
                           text.find(':') != std::string_view::npos);
}

bool is_host_name(std::string_view text) {
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);  // fully qualified
  if (text.empty() || text.size() > 253) return false;
  while (true) {
    auto dot = text.find('.');
    auto label = text.substr(0, dot);
    // RFC 1123 2.1 labels; '_' as seen in real names (SRV-style hosts).
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
    }
    if (dot == std::string_view::npos) return true;
    text.remove_prefix(dot + 1);
  }
}

Result<HostFamily> parse_address_item(std::string_view text) {
  auto slash = text.find('/');
  auto dash = text.find('-');
  if (slash != std::string_view::npos) {
    auto family = address_family(text.substr(0, slash));
    if (!family) return invalid("'" + std::string(text) + "' is not an address prefix");
    unsigned length = 0;
    auto bits = text.substr(slash + 1);
    auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), length);
    unsigned max = *family == HostFamily::ipv4 ? 32 : 128;
    if (bits.empty() || ec != std::errc() || end != bits.data() + bits.size() || length > max) {
      return invalid("'" + std::string(text) + "' has an invalid prefix length");
    }
    return *family;
  }
  if (dash != std::string_view::npos) {
    auto first = address_family(text.substr(0, dash));
    auto last = address_family(text.substr(dash + 1));
    if (!first || !last || *first != *last) {
      return invalid("'" + std::string(text) + "' is not an address range");
    }
    return *first;
  }
  auto family = address_family(text);
  if (!family) return invalid("'" + std::string(text) + "' is not an IP address");
  return *family;
}

}  // namespace ike::config::detail
