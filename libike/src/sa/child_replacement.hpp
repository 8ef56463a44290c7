#pragma once
/// A CHILD SA and the one that replaces it in a rekey (RFC 7296 2.8) share a
/// reqid and the kernel policies: XFRM policies find their SAs by reqid, and
/// for one reqid the kernel sends with the newest outbound SA. So a rekey
/// installs only the new SAs, hands the policies over, and deletes the old
/// SAs after the new ones are in: no moment without an outbound SA. The
/// policies go only with the last CHILD SA of their reqid and selectors.

#include <cstdint>
#include <string>

#include "ike/sa/child_sa.hpp"
#include "ike/sa/ike_sa.hpp"
#include "ike/sa/task.hpp"

namespace ike::sa {

/// Makes `successor` the owner of the policies of the CHILD SAs it shares a
/// reqid and selectors with; from now on only it removes them.
void take_over_policies(IkeSa& sa, ChildSa& successor);

/// Installs the outbound SAs that rekey responses held back for the CHILD SA
/// `leaving` (ChildSa::deferred_outbound): the initiator deletes the replaced
/// CHILD SA only once it has the new SAs, so sending on them is safe now, and
/// they go in before the old outbound SA goes out. A redundant successor (a
/// collision's loser, REKEYED) gets none.
void release_deferred_outbound(IkeSa& sa, const ChildSa& leaving, Services& services);

/// Removes only the outbound SA of `child`: we stop sending with it before we
/// ask the peer to delete it (RFC 7296 1.4.1), so the kernel sends with the
/// reqid's next newest outbound SA, or with none once the CHILD SA is going
/// away, rather than with one the peer no longer accepts.
void withdraw_outbound_sa(IkeSa& sa, ChildSa& child, Services& services, const std::string& why);

/// Takes the CHILD SA `child_serial` out of the kernel and out of
/// `sa.children`: its SAs always, its policies only when no other CHILD SA of
/// the same reqid and selectors is left (the newest such one owns them from
/// now on). `announce` publishes child_down, unless a CHILD SA of the same
/// reqid and selectors is up; one that a rekey replaced goes quietly, its
/// successor carries the traffic.
void retire_child(IkeSa& sa, std::uint32_t child_serial, Services& services, const std::string& why,
                  bool announce);

}  // namespace ike::sa
