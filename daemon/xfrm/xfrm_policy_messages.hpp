#pragma once
/// XFRM requests about policies (pure): XFRM_MSG_NEWPOLICY and
/// XFRM_MSG_DELPOLICY for one ike::sa::PolicyRequest.
///
/// One request becomes one kernel policy per kernel selector
/// (xfrm_selector.hpp explains the split), each with the same single
/// template: ESP, the reqid, the mode, and in tunnel mode the tunnel
/// endpoints. A trap policy (auto=route) is the same policy: while no SA with
/// the template's reqid exists, a matching outbound packet makes the kernel
/// send XFRM_MSG_ACQUIRE (with the template, hence the reqid) instead.
///
/// Adds are exclusive (NEWPOLICY, not UPDPOLICY): a policy with the same
/// selector, direction and mark that is already there is an error (EEXIST),
/// never silently taken over, so we never delete what someone else owns.

#include <vector>

#include "ike/error.hpp"
#include "ike/sa/kernel.hpp"
#include "xfrm/netlink_message.hpp"
#include "xfrm/xfrm_address.hpp"

namespace ikev2d::xfrm {

/// XFRM_POLICY_IN / OUT / FWD.
std::uint8_t kernel_direction(ike::sa::PolicyDirection direction) noexcept;

/// One XFRM_MSG_NEWPOLICY per kernel selector. Fails (invalid_argument) for
/// selectors XFRM cannot express, tunnel endpoints of mixed families, or
/// reqid 0 (a policy without a reqid could not be found again by
/// remove_owned).
ike::Result<std::vector<NetlinkMessage>> build_add_policies(const ike::sa::PolicyRequest& request);

/// One XFRM_MSG_DELPOLICY per kernel selector: the same policies
/// build_add_policies installs (found by selector, direction and mark).
ike::Result<std::vector<NetlinkMessage>> build_delete_policies(
    const ike::sa::PolicyRequest& request);

}  // namespace ikev2d::xfrm
