#pragma once
/// Secret values of ipsec.secrets: 0x hex, 0s base64, quoted or bare text.
/// Error reasons never contain the value. Internal.

#include <optional>
#include <string_view>

#include "ike/bytes.hpp"

namespace ike::config::detail {

/// RFC 4648 4 base64 with '=' padding; blanks are not allowed.
std::optional<Bytes> decode_base64(std::string_view text);

}  // namespace ike::config::detail
