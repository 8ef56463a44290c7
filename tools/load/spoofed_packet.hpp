#pragma once
/// IPv4 + UDP headers for a datagram from an address this host does not
/// have, sent on a raw socket with IP_HDRINCL (ikev2d-flood). RFC 791 and
/// RFC 768; the UDP checksum is computed (optional for IPv4, but a real
/// initiator sends one and a responder may count bad ones).

#include <cstddef>
#include <cstdint>
#include <span>

#include "ike/sa/endpoint.hpp"

namespace ikev2d::load {

/// IPv4 header without options (20) + UDP header (8).
inline constexpr std::size_t kIpv4UdpHeaderSize = 28;

/// Writes both headers into the first 28 octets of `packet`, whose rest is
/// the UDP payload already in place. Both endpoints are IPv4. The IPv4
/// header checksum is written too, although Linux fills it for IP_HDRINCL.
/// Precondition: 28 <= packet.size() <= 65535.
void write_ipv4_udp_headers(std::span<std::uint8_t> packet, const ike::sa::Endpoint& source,
                            const ike::sa::Endpoint& destination, std::uint16_t identification);

/// The Internet checksum (RFC 1071) of `data`, continuing from `sum`, not
/// yet folded or complemented.
std::uint32_t checksum_add(std::span<const std::uint8_t> data, std::uint32_t sum = 0) noexcept;

/// Folds a sum to 16 bits and complements it.
std::uint16_t checksum_finish(std::uint32_t sum) noexcept;

}  // namespace ikev2d::load
