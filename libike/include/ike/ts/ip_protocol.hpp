#pragma once
/// IP protocol numbers and port service names for traffic selector text.
///
/// strongSwan looks these up with getprotobyname(3) / getservbyname(3), that
/// is in /etc/protocols and /etc/services. libike does no I/O, so it carries a
/// fixed table: the protocol names of Debian's /etc/protocols that can
/// usefully appear in a selector, and the handful of service names that real
/// ipsec.conf files use (l2tp above all). Anything else is written as a number.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ike::ts {

/// Protocol numbers that selector code treats specially.
inline constexpr std::uint8_t kProtocolAny = 0;
inline constexpr std::uint8_t kProtocolIcmp = 1;
inline constexpr std::uint8_t kProtocolTcp = 6;
inline constexpr std::uint8_t kProtocolUdp = 17;
inline constexpr std::uint8_t kProtocolIcmpv6 = 58;
inline constexpr std::uint8_t kProtocolSctp = 132;

/// ICMP or ICMPv6: the port fields carry type and code (RFC 4301 4.4.1.1).
constexpr bool is_icmp(std::uint8_t protocol) noexcept {
  return protocol == kProtocolIcmp || protocol == kProtocolIcmpv6;
}

/// The protocol for a name, case-insensitive: "tcp", "udp", "icmp", "gre",
/// "esp", "ah", "sctp", "ipv6-icmp" (aliases "icmpv6", "icmp6"), "ospf", ...
/// nullopt for unknown names. Numbers are not parsed here.
std::optional<std::uint8_t> protocol_from_name(std::string_view name) noexcept;

/// The canonical lower-case name ("tcp", "ipv6-icmp"), or "" when the table has
/// none. 0 has no name: it means any protocol.
std::string_view protocol_name(std::uint8_t protocol) noexcept;

/// The name if known, else the decimal number: what to_string writes.
std::string protocol_to_string(std::uint8_t protocol);

/// The port for a service name (case-insensitive), e.g. "l2tp" -> 1701,
/// "http" -> 80, "domain" -> 53, "ipsec-nat-t" -> 4500; nullopt when unknown.
std::optional<std::uint16_t> port_from_service_name(std::string_view name) noexcept;

}  // namespace ike::ts
