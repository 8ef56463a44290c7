#pragma once
/// Reading the kernel's SA and policy dumps for remove_owned: who owns each
/// entry (its reqid, or its templates' reqids) and the request deleting
/// exactly that entry. Pure: the socket does the dumping.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ike/error.hpp"
#include "xfrm/netlink_message.hpp"
#include "xfrm/xfrm_address.hpp"

namespace ikev2d::xfrm {

/// XFRM_MSG_GETSA / XFRM_MSG_GETPOLICY with NLM_F_DUMP.
NetlinkMessage build_sa_dump();
NetlinkMessage build_policy_dump();

/// One SA of a dump.
struct DumpedSa {
  std::uint32_t reqid = 0;
  xfrm_usersa_id id{};
  std::optional<xfrm_mark> mark;
  /// "ESP SPI 0xc0000001 10.0.0.1 -> 10.0.0.2 reqid 7", for log lines.
  std::string description;
};

/// Reads one XFRM_MSG_NEWSA of a dump; fails on a short or damaged message.
ike::Result<DumpedSa> parse_dumped_sa(const nlmsghdr& message);

/// XFRM_MSG_DELSA of that SA (destination, SPI, protocol, mark).
NetlinkMessage build_delete_dumped_sa(const DumpedSa& sa);

/// One policy of a dump.
struct DumpedPolicy {
  /// The reqid of each template (XFRMA_TMPL); none for allow/block policies
  /// without templates and for per-socket policies.
  std::vector<std::uint32_t> template_reqids;
  /// Selector, kernel index and direction (XFRM_POLICY_IN/OUT/FWD, or
  /// XFRM_POLICY_MAX + dir for per-socket policies).
  xfrm_userpolicy_id id{};
  std::optional<xfrm_mark> mark;
  std::optional<std::uint32_t> interface_id;
  std::optional<xfrm_userpolicy_type> type;
  /// "out 10.1.0.0/16 -> 10.2.0.0/16 index 1234", for log lines.
  std::string description;

  /// A global (not per-socket) policy: only those can be deleted by index.
  bool is_global() const noexcept { return id.dir < XFRM_POLICY_MAX; }
};

/// Reads one XFRM_MSG_NEWPOLICY of a dump; fails on a short or damaged message.
ike::Result<DumpedPolicy> parse_dumped_policy(const nlmsghdr& message);

/// XFRM_MSG_DELPOLICY of that policy by its index, with the mark, interface
/// ID and policy type the kernel matches index lookups against.
ike::Result<NetlinkMessage> build_delete_dumped_policy(const DumpedPolicy& policy);

}  // namespace ikev2d::xfrm
