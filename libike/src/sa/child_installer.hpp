#pragma once
/// Puts a negotiated CHILD SA into the kernel and takes it out again: the
/// inbound and outbound ESP SAs and, unless installpolicy=no, the policies
/// (out, in, and fwd in tunnel mode) for every pair of traffic selectors.

#include "ike/crypto/key_material.hpp"
#include "ike/sa/child_sa.hpp"
#include "ike/sa/ike_sa.hpp"
#include "ike/sa/task.hpp"

namespace ike::sa {

/// Key sizes of the CHILD SA's algorithms, for derive_child_sa_keys.
Result<crypto::ChildKeySizes> child_key_sizes(const proposal::NegotiatedAlgorithms& algorithms);

/// Installs both SAs and the policies. `we_initiated` says whether we were the
/// initiator of the exchange that created the CHILD SA: its keys are taken
/// initiator-to-responder first (RFC 7296 2.17). On failure everything already
/// installed is removed again and the error names the kernel's reason.
Status install_child(IkeSa& sa, ChildSa& child, Services& services, const crypto::ChildSaKeys& keys,
                     bool we_initiated);

/// Installs only the SAs (a rekey keeps the old policies, which match by
/// reqid, so traffic moves to the new SAs without a gap).
Status install_child_sas(IkeSa& sa, ChildSa& child, Services& services,
                         const crypto::ChildSaKeys& keys, bool we_initiated);
Status install_child_policies(IkeSa& sa, ChildSa& child, Services& services);
/// How narrow a policy's selectors are (prefix bits, protocol, ports): the
/// base of CHILD SA and trap policy priorities, narrower first.
unsigned selector_specificity(const ts::TrafficSelector& local, const ts::TrafficSelector& remote);
/// The UDP encapsulation of one ESP SA of a CHILD SA: each SA names its own
/// source port first (kernel.hpp), so an inbound SA's packets come from the
/// peer's port, and XFRM reports a MAPPING when they arrive from another one.
UdpEncapsulation esp_in_udp_ports(std::uint16_t our_port, std::uint16_t peer_port, bool inbound);
/// The two halves of install_child_sas: a CHILD rekey responder installs its
/// outbound SA only once the initiator has the matching inbound one.
Status install_child_inbound_sa(IkeSa& sa, ChildSa& child, Services& services,
                                const crypto::ChildSaKeys& keys, bool we_initiated);
Status install_child_outbound_sa(IkeSa& sa, ChildSa& child, Services& services,
                                 const crypto::ChildSaKeys& keys, bool we_initiated);

/// Removes what install_child put in; `why` goes into every request's story.
void uninstall_child(IkeSa& sa, ChildSa& child, Services& services, const std::string& why);
/// Removes only the SAs (the policies stay for the CHILD SA that replaced it).
void uninstall_child_sas(IkeSa& sa, ChildSa& child, Services& services, const std::string& why);
/// Removes only the policies (the last CHILD SA of a reqid going away).
void uninstall_child_policies(IkeSa& sa, ChildSa& child, Services& services,
                              const std::string& why);

}  // namespace ike::sa
