#pragma once
/// Traffic selectors (RFC 7296 3.13.1: address ranges, a protocol, port
/// ranges) to XFRM selectors (an address and prefix length per side, a
/// protocol, a port and mask per side) and back.
///
/// A range that is not one prefix, or a port range that is not one masked
/// port, is split into several kernel selectors whose union is exactly the
/// negotiated traffic (the prefix split of ike::ts::range_to_prefixes and the
/// port split of port_range_to_masks): one policy request becomes one kernel
/// policy per selector. We neither widen to the smallest covering prefix nor
/// refuse, because:
///   - widening an inbound policy accepts traffic the peer was never allowed
///     to send (RFC 4301 5.2 requires the check against the negotiated
///     selectors), and widening an outbound one sends traffic the peer drops;
///   - refusing would fail every CHILD SA with a legitimate range, which
///     strongSwan peers and RFC 7296 allow.
/// The split is bounded (max_selectors_per_policy); beyond it the request is
/// refused with the count in the reason. What XFRM cannot express at all is
/// refused with a clear error: OPAQUE ports (RFC 4301 4.4.1), ports on
/// protocols without ports, two different protocols.
///
/// ICMP and ICMPv6: the selector port (type << 8 | code, RFC 4301 4.4.1.1)
/// goes to the kernel as the type in the source port field and the code in
/// the destination port field, which is where xfrm_flowi_sport/dport put them
/// for packets. The packet's type/code must lie in both selectors' ranges, so
/// their intersection is installed.

#include "xfrm/xfrm_address.hpp"

#include <cstddef>
#include <vector>

#include "ike/error.hpp"
#include "ike/ts/traffic_selector.hpp"

namespace ikev2d::xfrm {

/// The most kernel selectors (hence kernel policies) one policy request may
/// become; 10.0.0.1..10.0.0.254 alone is 14 prefixes.
inline constexpr std::size_t max_selectors_per_policy = 64;

/// The kernel selectors whose union is exactly the traffic from `source` to
/// `destination`. Errors (invalid_argument) name the selectors and the reason.
ike::Result<std::vector<xfrm_selector>> to_xfrm_selectors(
    const ike::ts::TrafficSelector& source, const ike::ts::TrafficSelector& destination,
    std::size_t limit = max_selectors_per_policy);

/// The smallest prefix containing start..end of `selector`.
ike::IpPrefix covering_prefix(const ike::ts::TrafficSelector& selector);

/// A selector of addresses only (any protocol and port): the covering
/// prefixes of both sides. For transport-mode SAs (see xfrm_sa_messages.hpp).
xfrm_selector covering_address_selector(const ike::ts::TrafficSelector& source,
                                        const ike::ts::TrafficSelector& destination);

struct SelectorPair {
  ike::ts::TrafficSelector source;
  ike::ts::TrafficSelector destination;
};

/// A kernel selector (e.g. the packet that triggered an ACQUIRE) as traffic
/// selectors. A masked port becomes the range of ports it matches (lowest to
/// highest; a mask that is not a prefix is widened to that range). ICMP
/// type/code go into both selectors. Fails for unknown families and prefix
/// lengths beyond the address width.
ike::Result<SelectorPair> from_xfrm_selector(const xfrm_selector& selector);

}  // namespace ikev2d::xfrm
