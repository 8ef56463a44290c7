#pragma once
/// Address forms in left=/right= values. Internal.

#include <optional>
#include <string_view>

#include "ike/config/values.hpp"
#include "ike/error.hpp"
#include "ike/ts/ip_address.hpp"

namespace ike::config::detail {

/// The text is made of what addresses are made of (digits, '.', '/', '-')
/// or contains ':', so that a mistyped address is reported as a bad address
/// rather than taken for a host name.
bool looks_like_address(std::string_view text);

/// A DNS name (RFC 1123 2.1 labels, '_' allowed), at most 253 characters.
bool is_host_name(std::string_view text);

/// One item of a left=/right= list: ADDRESS, ADDRESS/LENGTH or
/// ADDRESS-ADDRESS (ike::IpAddress syntax).
struct AddressItem {
  AddressFamily family = AddressFamily::ipv4;
  /// Set for a plain address (not a prefix or range).
  std::optional<IpAddress> address;
};

Result<AddressItem> parse_address_item(std::string_view text);

}  // namespace ike::config::detail
