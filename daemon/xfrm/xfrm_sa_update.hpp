#pragma once
/// Moving an SA to new addresses (MOBIKE, NAT mapping changes). The
/// destination address is part of an SA's identity, so XFRM cannot change it
/// in place: the SA is read (GETSA), deleted and added again at the new
/// addresses. This file builds that NEWSA from the GETSA answer (pure).
///
/// What carries over: algorithms and keys, mark, interface ID, output mark,
/// TFC padding, extra flags, and the replay state (so the outbound sequence
/// number does not restart, which the peer's anti-replay check would punish,
/// RFC 4303 3.3.3). Lifetimes are shortened by what the old SA already used
/// (seconds since it was added, bytes, packets), since the kernel counts
/// them afresh for the new SA. The encapsulation is the request's.

#include <cstdint>

#include "ike/error.hpp"
#include "ike/sa/kernel.hpp"
#include "xfrm/netlink_message.hpp"

namespace ikev2d::xfrm {

/// XFRM_MSG_NEWSA re-creating `current` (an XFRM_MSG_NEWSA from GETSA) at
/// request.new_source -> request.new_destination with
/// request.encapsulation; `now_seconds` is wall-clock time (the kernel's
/// add_time clock).
ike::Result<NetlinkMessage> build_moved_sa(const nlmsghdr& current,
                                           const ike::sa::UpdateSaAddressesRequest& request,
                                           std::uint64_t now_seconds);

}  // namespace ikev2d::xfrm
