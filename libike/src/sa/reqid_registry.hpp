#pragma once
/// Reqids shared by CHILD SAs with the same config and selectors.
///
/// XFRM policies find their SAs by reqid (and tunnel endpoints), and for one
/// reqid the kernel sends with the newest outbound SA. When both peers bring
/// a connection up at once, two IKE SAs each negotiate the same CHILD SA:
/// with the same reqid both CHILD SAs can use the same (shared, refcounted,
/// trap_policies.hpp) policies, and whichever outbound SA the kernel picks
/// has its inbound twin at the peer. As in strongSwan, CHILD SAs of the same
/// connection and CHILD config with the same traffic selectors therefore get
/// the same reqid, for as long as one of them lives. A configured reqid
/// (ChildConfig::reqid, also the fixed one route() gives routed CHILDs)
/// stays what it is and is not counted here.

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "ike/sa/child_sa.hpp"
#include "ike/sa/ike_sa.hpp"
#include "ike/sa/shard_tag.hpp"
#include "ike/sa/task.hpp"
#include "ike/ts/traffic_selector.hpp"

namespace ike::sa {

class ReqidRegistry {
 public:
  /// New reqids come from `next_reqid`, the engine's counter that route()
  /// uses too, so a shared reqid never equals a trap's; each carries the
  /// engine's shard `tag` (shard_tag.hpp).
  ReqidRegistry(std::uint32_t& next_reqid, ShardTag tag) : next_reqid_(next_reqid), tag_(tag) {}

  /// The reqid of CHILD SAs of `connection`/`child` with these selectors: the
  /// one in use, or a new one; counts one more user.
  std::uint32_t acquire(const std::string& connection, const std::string& child,
                        const std::vector<ts::TrafficSelector>& local_ts,
                        const std::vector<ts::TrafficSelector>& remote_ts);
  /// One more user of a reqid handed out by acquire (a rekey's successor);
  /// false when the registry does not know it (a configured reqid).
  bool retain(std::uint32_t reqid);
  /// Whether acquire() handed out `reqid` for exactly these.
  bool fits(std::uint32_t reqid, const std::string& connection, const std::string& child,
            const std::vector<ts::TrafficSelector>& local_ts,
            const std::vector<ts::TrafficSelector>& remote_ts) const;
  /// One user fewer; the reqid is forgotten with its last user.
  void release(std::uint32_t reqid);
  /// Reqids in use (for tests of boundedness).
  std::size_t size() const noexcept { return by_reqid_.size(); }

 private:
  using Key = std::tuple<std::string, std::string, std::vector<ts::TrafficSelector>,
                         std::vector<ts::TrafficSelector>>;
  struct Entry {
    Key key;
    unsigned users = 0;
  };
  std::uint32_t& next_reqid_;
  ShardTag tag_;
  std::map<Key, std::uint32_t> by_key_;
  std::map<std::uint32_t, Entry> by_reqid_;
};

/// Gives a CHILD SA its reqid for its current selectors, before its inbound
/// SPI is allocated and again once they are final (narrowed by the
/// responder: then the reqid changes): a configured one stays, a rekey's
/// successor keeps the one it has (one more user), a new CHILD SA gets the
/// shared one (ChildSa::holds_shared_reqid).
void claim_reqid(const IkeSa& sa, ChildSa& child, Services& services);
/// The CHILD SA is leaving the kernel: gives its shared reqid back (once).
void release_reqid(ChildSa& child, Services& services);

}  // namespace ike::sa
