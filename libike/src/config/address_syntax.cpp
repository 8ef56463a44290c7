#include "config/address_syntax.hpp"

#include <cctype>
#include <string>

#include "ike/ts/ip_prefix.hpp"

namespace ike::config::detail {

bool looks_like_address(std::string_view text) {
  if (text.empty()) return false;
  if (text.find(':') != std::string_view::npos) return true;
  return text.find_first_not_of("0123456789./-") == std::string_view::npos;
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

Result<AddressItem> parse_address_item(std::string_view text) {
  if (text.find('/') != std::string_view::npos) {
    auto prefix = IpPrefix::parse(text);
    if (!prefix) return std::move(prefix).error();
    return AddressItem{prefix->family(), std::nullopt};
  }
  if (auto dash = text.find('-'); dash != std::string_view::npos) {
    auto first = IpAddress::parse(text.substr(0, dash));
    if (!first) return std::move(first).error();
    auto last = IpAddress::parse(text.substr(dash + 1));
    if (!last) return std::move(last).error();
    if (first->family() != last->family() || *last < *first) {
      return make_error(Errc::invalid_argument, "range \"" + std::string(text) +
                                                    "\" does not go from low to high "
                                                    "within one address family");
    }
    return AddressItem{first->family(), std::nullopt};
  }
  auto address = IpAddress::parse(text);
  if (!address) return std::move(address).error();
  return AddressItem{address->family(), *address};
}

}  // namespace ike::config::detail
