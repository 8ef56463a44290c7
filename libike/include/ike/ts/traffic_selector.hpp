#pragma once
/// One traffic selector (RFC 7296 3.13.1, RFC 4301 4.4.1): an address range
/// start..end (inclusive, one family), an IP protocol (0 = any) and a port
/// range (for ICMP/ICMPv6: type << 8 | code, see port_range.hpp).
///
/// Text form (to_string), as strongSwan logs selectors:
///   10.1.0.0/16              a range that is one prefix
///   10.1.0.5..10.1.0.9       a range that is not one prefix
///   10.1.2.3/32[tcp/80]      protocol and port
///   10.0.0.0/8[udp/1000-2000], [tcp], [icmp/8], [icmp/3(4)], [gre/OPAQUE]
/// Two deliberate differences from strongSwan's printer, so that every string
/// we print parses back (subnet_syntax.hpp) to the same selector: ports are
/// always numbers (no getservbyport), and ports without a protocol are written
/// "[%any/80]" where strongSwan writes "[80]", which would read back as
/// protocol 80. ICMP values are "type" when the code is 0, else "type(code)".

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ike/error.hpp"
#include "ike/ts/ip_address.hpp"
#include "ike/ts/ip_prefix.hpp"
#include "ike/ts/port_range.hpp"
#include "ike/wire/payloads.hpp"

namespace ike::ts {

/// A concrete selector. Invariant (is_valid): both addresses of one family,
/// start_address <= end_address, ports.is_valid(). Every function here keeps
/// it; the factories and from_wire establish it.
struct TrafficSelector {
  IpAddress start_address;
  IpAddress end_address;
  std::uint8_t protocol = 0;
  PortRange ports;

  /// 0.0.0.0/0 or ::/0, any protocol, any port.
  static TrafficSelector any(AddressFamily family) noexcept;
  static TrafficSelector from_prefix(const IpPrefix& prefix, std::uint8_t protocol = 0,
                                     PortRange ports = {}) noexcept;
  /// A single address (/32 or /128).
  static TrafficSelector host(const IpAddress& address, std::uint8_t protocol = 0,
                              PortRange ports = {}) noexcept;
  /// Fails (invalid_argument) when the families differ, start > end, or the
  /// port range is empty.
  static Result<TrafficSelector> from_range(const IpAddress& start, const IpAddress& end,
                                            std::uint8_t protocol = 0, PortRange ports = {});

  AddressFamily family() const noexcept { return start_address.family(); }
  bool is_valid() const noexcept;
  /// A single address.
  bool is_host() const noexcept { return start_address == end_address; }
  /// The address range if it is exactly one prefix.
  std::optional<IpPrefix> as_prefix() const noexcept;
  /// The address range as the fewest prefixes (see range_to_prefixes); one
  /// entry when as_prefix() has a value. Kernel policies need this: XFRM has no
  /// address ranges, so a range becomes one policy per prefix.
  std::vector<IpPrefix> to_prefixes() const;

  /// Whether `address` lies in start..end (protocol and ports not considered).
  bool contains(const IpAddress& address) const noexcept;
  /// Whether every packet `other` matches is matched by this selector: same
  /// family, address range within, protocol equal or this one any, ports
  /// within (PortRange::contains).
  bool contains(const TrafficSelector& other) const noexcept;

  std::string to_string() const;

  friend bool operator==(const TrafficSelector&, const TrafficSelector&) = default;
  friend auto operator<=>(const TrafficSelector&, const TrafficSelector&) = default;
};

/// The selector matching exactly the packets both match, or nullopt: families
/// must agree; protocols must be equal or one of them 0 (the result takes the
/// specific one); ports and addresses are intersected. Commutative.
std::optional<TrafficSelector> intersect(const TrafficSelector& a,
                                         const TrafficSelector& b) noexcept;

/// The bracket part of to_string: "[tcp/80]", "[udp]", "[%any/53]",
/// "[icmp/3(4)]", "[gre/OPAQUE]", or "" for any protocol and any port.
std::string protoport_to_string(std::uint8_t protocol, const PortRange& ports);

/// "a, b, c" (to_string of each, joined by ", "); "" for none.
std::string to_string(std::span<const TrafficSelector> selectors);

/// To the payload struct: TS_IPV4/IPV6_ADDR_RANGE with 4/16-byte addresses.
/// Ports are copied as they are (ICMP type/code already encoded).
wire::TrafficSelector to_wire(const TrafficSelector& selector);
std::vector<wire::TrafficSelector> to_wire(std::span<const TrafficSelector> selectors);

/// From the payload struct. Errors (invalid_syntax, reason names the field):
/// a TS type other than IPv4/IPv6 address range, an address that is not 4 /
/// 16 bytes for its type, start address above end address, start port above
/// end port other than OPAQUE (65535..0). Unlike strongSwan, ICMP port values
/// below 256 are not shifted: a value on the wire is already type << 8 | code.
Result<TrafficSelector> from_wire(const wire::TrafficSelector& selector);
/// All of them; the first failure is returned with "TS N: " before its reason.
Result<std::vector<TrafficSelector>> from_wire(std::span<const wire::TrafficSelector> selectors);

}  // namespace ike::ts
