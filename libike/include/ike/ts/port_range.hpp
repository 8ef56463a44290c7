#pragma once
/// The port part of a traffic selector (RFC 7296 3.13.1), including the two
/// special forms: any (0-65535) and OPAQUE (start 65535, end 0; RFC 4301
/// 4.4.1: the ports are not available, e.g. in a non-initial fragment).
///
/// For ICMP and ICMPv6 the 16-bit "port" carries the message type in the high
/// byte and the code in the low byte (RFC 4301 4.4.1.1), so type 8 code 0 is
/// 0x0800 and a range of codes of one type is a range of port values.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ike::ts {

/// Inclusive port range. start > end is empty, except for OPAQUE.
struct PortRange {
  std::uint16_t start = 0;
  std::uint16_t end = 65535;

  static constexpr PortRange any() noexcept { return {0, 65535}; }
  static constexpr PortRange opaque() noexcept { return {65535, 0}; }
  static constexpr PortRange single(std::uint16_t port) noexcept { return {port, port}; }

  constexpr bool is_any() const noexcept { return start == 0 && end == 65535; }
  constexpr bool is_opaque() const noexcept { return start == 65535 && end == 0; }
  /// Neither empty nor OPAQUE-less garbage: start <= end, or OPAQUE.
  constexpr bool is_valid() const noexcept { return start <= end || is_opaque(); }

  /// Whether every port (or the OPAQUE marker) of `other` is in this range.
  /// "any" contains OPAQUE (RFC 4301 4.4.1: ANY matches packets whose ports
  /// are unavailable); OPAQUE contains only OPAQUE.
  bool contains(const PortRange& other) const noexcept;

  friend bool operator==(const PortRange&, const PortRange&) = default;
  friend auto operator<=>(const PortRange&, const PortRange&) = default;
};

/// The common part of two port ranges, or nullopt when they do not overlap.
/// OPAQUE with OPAQUE or with any is OPAQUE; OPAQUE with a specific range is
/// empty (strongSwan behaves the same).
std::optional<PortRange> intersect(const PortRange& a, const PortRange& b) noexcept;

/// A port with a mask of significant high bits, as an XFRM selector holds it
/// (sport/sport_mask): it matches every p with (p & mask) == port.
struct PortMask {
  std::uint16_t port = 0;
  std::uint16_t mask = 0;
  friend bool operator==(const PortMask&, const PortMask&) = default;
};

/// Splits a port range into masked ports whose union is exactly the range,
/// the same way range_to_prefixes splits addresses: any -> {0, 0x0000};
/// 80 -> {80, 0xffff}; 1000-2000 -> 8 entries (1000/0xfff8, 1008/0xfff0, ...,
/// 2000/0xffff).
/// OPAQUE and empty ranges yield nothing: the kernel has no selector for them,
/// and strongSwan installs "any" in that case.
std::vector<PortMask> port_range_to_masks(const PortRange& range);

/// ICMP type and code from an RFC 4301 4.4.1.1 encoded port.
constexpr std::uint8_t icmp_type(std::uint16_t port) noexcept {
  return static_cast<std::uint8_t>(port >> 8);
}
constexpr std::uint8_t icmp_code(std::uint16_t port) noexcept {
  return static_cast<std::uint8_t>(port & 0xff);
}
constexpr std::uint16_t icmp_port(std::uint8_t type, std::uint8_t code) noexcept {
  return static_cast<std::uint16_t>(type << 8 | code);
}

}  // namespace ike::ts
