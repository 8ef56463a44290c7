#pragma once
/// An IPv4 or IPv6 address for libike, without any socket header: libike is
/// sans-I/O, and its own parser gives exact error messages and can be fuzzed.
///
/// Text forms accepted by `parse`:
///   IPv4: strict dotted quad "192.0.2.1" (four decimal parts 0-255, no leading
///         zeros, since "010" means 8 to inet_aton and 10 to humans).
///   IPv6: RFC 4291 2.2: eight groups of 1-4 hex digits, one "::" for one or
///         more zero groups, and an IPv4 dotted quad in the last 32 bits
///         ("::ffff:192.0.2.1", "64:ff9b::198.51.100.7"). Zone indexes ("%eth0")
///         are refused: a selector or peer address never carries one.
/// `to_string` writes IPv4 as a dotted quad and IPv6 as RFC 5952 recommends:
/// lower case, leading zeros dropped, the longest run of two or more zero groups
/// (the first of equal runs) as "::", and dotted form only for IPv4-mapped
/// addresses (RFC 5952 5). glibc's inet_ntop also uses dotted form for the
/// deprecated IPv4-compatible ::a.b.c.d; we write those in hex.
///
/// This type lives in namespace `ike` (not `ike::ts`): peers, pools and kernel
/// requests use it as well as traffic selectors.

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "ike/bytes.hpp"
#include "ike/error.hpp"

namespace ike {

/// Address family. The values are the IP version numbers, not AF_* constants.
enum class AddressFamily : std::uint8_t { ipv4 = 4, ipv6 = 6 };

/// "IPv4" or "IPv6".
std::string_view to_string(AddressFamily family) noexcept;

/// Number of bits in an address of `family`: 32 or 128.
constexpr unsigned address_bits(AddressFamily family) noexcept {
  return family == AddressFamily::ipv4 ? 32 : 128;
}

/// An IPv4 or IPv6 address in network byte order. Ordered by family (IPv4
/// first), then numerically. The default value is 0.0.0.0.
class IpAddress {
 public:
  IpAddress() = default;

  /// a.b.c.d
  static IpAddress v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) noexcept;
  static IpAddress v4(const std::array<std::uint8_t, 4>& bytes) noexcept;
  static IpAddress v6(const std::array<std::uint8_t, 16>& bytes) noexcept;
  /// 0.0.0.0 or ::
  static IpAddress zero(AddressFamily family) noexcept;
  /// 255.255.255.255 or ffff:...:ffff
  static IpAddress all_ones(AddressFamily family) noexcept;
  /// From 4 (IPv4) or 16 (IPv6) bytes in network order; other sizes fail.
  static Result<IpAddress> from_bytes(ByteView bytes);
  /// Parses the text forms described at the top of this file. Errors are
  /// invalid_argument with the exact reason, e.g.
  /// `"10.1.256.1" is not an IPv4 address: part 3 ("256") is above 255`.
  static Result<IpAddress> parse(std::string_view text);

  AddressFamily family() const noexcept { return family_; }
  bool is_v4() const noexcept { return family_ == AddressFamily::ipv4; }
  bool is_v6() const noexcept { return family_ == AddressFamily::ipv6; }
  /// 4 or 16.
  std::size_t size() const noexcept { return is_v4() ? 4 : 16; }
  /// The size() bytes in network order.
  ByteView bytes() const noexcept { return ByteView(bytes_.data(), size()); }
  Bytes to_bytes() const { return Bytes(bytes().begin(), bytes().end()); }

  /// 0.0.0.0 or ::
  bool is_zero() const noexcept;
  /// ::ffff:0:0/96 (RFC 4291 2.5.5.2). Such an address stays IPv6 here.
  bool is_v4_mapped() const noexcept;

  /// The address with every bit after the first `prefix_length` cleared
  /// (prefix_length is clamped to the address width).
  IpAddress masked(unsigned prefix_length) const noexcept;
  /// The address with every bit after the first `prefix_length` set: the last
  /// address of the prefix.
  IpAddress with_host_bits_set(unsigned prefix_length) const noexcept;
  /// Number of trailing zero bits (the width for the zero address).
  unsigned trailing_zero_bits() const noexcept;
  /// The next / previous address, or nullopt past the end of the family.
  std::optional<IpAddress> next() const noexcept;
  std::optional<IpAddress> previous() const noexcept;

  std::string to_string() const;

  friend bool operator==(const IpAddress&, const IpAddress&) = default;
  friend std::strong_ordering operator<=>(const IpAddress&, const IpAddress&) = default;

 private:
  // Declaration order matters: the defaulted ordering compares family first.
  // Bytes past size() are always zero so that comparison stays exact.
  AddressFamily family_ = AddressFamily::ipv4;
  std::array<std::uint8_t, 16> bytes_{};
};

}  // namespace ike

/// Hash for unordered containers keyed by address.
template <>
struct std::hash<ike::IpAddress> {
  std::size_t operator()(const ike::IpAddress& address) const noexcept;
};
