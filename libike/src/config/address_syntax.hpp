#pragma once
/// Address forms in left=/right= values. Internal.

#include <string_view>

#include "ike/config/values.hpp"
#include "ike/error.hpp"

namespace ike::config::detail {

/// The text starts like an address (a digit, or contains ':'), so that a
/// mistyped address is reported as a bad address, not taken as a host name.
bool looks_like_address(std::string_view text);

/// A DNS name: labels of letters, digits, '-' and '_', dot-separated, at most
/// 253 characters.
bool is_host_name(std::string_view text);

/// ADDRESS, ADDRESS/LENGTH or ADDRESS-ADDRESS; returns the family.
Result<HostFamily> parse_address_item(std::string_view text);

}  // namespace ike::config::detail
