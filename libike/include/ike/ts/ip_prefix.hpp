#pragma once
/// An address prefix (CIDR block) and the split of an arbitrary address range
/// into prefixes, which XFRM policies need: a kernel selector is an address
/// plus a prefix length, never a range (RFC 7296 3.13.1 allows ranges).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ike/error.hpp"
#include "ike/ts/ip_address.hpp"

namespace ike {

/// A network: `address` with all host bits clear, and `length` 0..32 or 0..128.
struct IpPrefix {
  IpAddress address;
  std::uint8_t length = 32;

  /// `address` masked to `length` (clamped to the address width). Host bits are
  /// dropped, as strongSwan does for "10.1.2.3/16" -> 10.1.0.0/16.
  static IpPrefix make(const IpAddress& address, unsigned length) noexcept;
  /// The single address as a /32 or /128.
  static IpPrefix host(const IpAddress& address) noexcept;
  /// "10.1.0.0/16", "2001:db8::/32", or an address alone (a host prefix).
  /// Host bits after the prefix are cleared, not refused (see `make`). Errors
  /// (invalid_argument) name the reason: `prefix length 33 is above 32 for IPv4`,
  /// `prefix length "" is not a decimal number`, or the address error.
  static Result<IpPrefix> parse(std::string_view text);

  AddressFamily family() const noexcept { return address.family(); }
  /// First and last address of the block.
  IpAddress first() const noexcept { return address; }
  IpAddress last() const noexcept { return address.with_host_bits_set(length); }
  bool contains(const IpAddress& other) const noexcept;
  bool is_host() const noexcept { return length == address_bits(family()); }

  /// "10.1.0.0/16"
  std::string to_string() const;

  friend bool operator==(const IpPrefix&, const IpPrefix&) = default;
  friend auto operator<=>(const IpPrefix&, const IpPrefix&) = default;
};

/// True when start..end (same family, start <= end) is exactly one prefix.
bool is_single_prefix(const IpAddress& start, const IpAddress& end) noexcept;

/// The shortest list of prefixes whose union is exactly start..end, in
/// ascending order (the classic CIDR split: at each step take the largest
/// aligned block that does not pass `end`). E.g. 10.1.0.5..10.1.0.9 ->
/// 10.1.0.5/32, 10.1.0.6/31, 10.1.0.8/31. At most 2 x width - 2 prefixes.
/// Empty when the families differ or start > end.
std::vector<IpPrefix> range_to_prefixes(const IpAddress& start, const IpAddress& end);

}  // namespace ike
