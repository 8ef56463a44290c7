#pragma once
/// Addresses, families and IPsec protocols between libike's types and the
/// kernel's (xfrm_address_t, AF_INET/AF_INET6, IPPROTO_ESP/AH).

// netinet/in.h before linux/xfrm.h: glibc must define in6_addr first so that
// linux/in6.h (included by linux/xfrm.h) does not define it again.
#include <netinet/in.h>

#include <linux/xfrm.h>

#include <cstdint>

#include "ike/error.hpp"
#include "ike/sa/kernel.hpp"
#include "ike/ts/ip_address.hpp"

namespace ikev2d::xfrm {

/// AF_INET or AF_INET6.
std::uint16_t kernel_family(ike::AddressFamily family) noexcept;
std::uint16_t kernel_family(const ike::IpAddress& address) noexcept;

/// The address in the first 4 or 16 bytes, the rest zero.
xfrm_address_t to_xfrm_address(const ike::IpAddress& address) noexcept;

/// The address of kernel family `family`; fails for other families.
ike::Result<ike::IpAddress> from_xfrm_address(const xfrm_address_t& address, std::uint16_t family);

/// IPPROTO_ESP or IPPROTO_AH; fails for IKE or none (no kernel SA of those).
ike::Result<std::uint8_t> kernel_protocol(ike::wire::ProtocolId protocol);
/// The reverse; fails for other IP protocols (IPcomp SAs are not ours).
ike::Result<ike::wire::ProtocolId> protocol_from_kernel(std::uint8_t protocol);

/// XFRM_MODE_TUNNEL or XFRM_MODE_TRANSPORT.
std::uint8_t kernel_mode(ike::sa::IpsecMode mode) noexcept;

/// The kernel's mark struct (value, mask).
xfrm_mark to_xfrm_mark(const ike::sa::Mark& mark) noexcept;

}  // namespace ikev2d::xfrm
