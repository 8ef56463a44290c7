#include "reqid_registry.hpp"

namespace ike::sa {

std::uint32_t ReqidRegistry::acquire(const std::string& connection, const std::string& child,
                                     const std::vector<ts::TrafficSelector>& local_ts,
                                     const std::vector<ts::TrafficSelector>& remote_ts) {
  Key key{connection, child, local_ts, remote_ts};
  if (auto it = by_key_.find(key); it != by_key_.end()) {
    ++by_reqid_.at(it->second).users;
    return it->second;
  }
  auto reqid = tag_.take(next_reqid_);
  by_key_.emplace(key, reqid);
  by_reqid_.emplace(reqid, Entry{std::move(key), 1});
  return reqid;
}

bool ReqidRegistry::retain(std::uint32_t reqid) {
  auto it = by_reqid_.find(reqid);
  if (it == by_reqid_.end()) return false;
  ++it->second.users;
  return true;
}

bool ReqidRegistry::fits(std::uint32_t reqid, const std::string& connection,
                         const std::string& child, const std::vector<ts::TrafficSelector>& local_ts,
                         const std::vector<ts::TrafficSelector>& remote_ts) const {
  auto it = by_reqid_.find(reqid);
  return it != by_reqid_.end() && it->second.key == Key{connection, child, local_ts, remote_ts};
}

void ReqidRegistry::release(std::uint32_t reqid) {
  auto it = by_reqid_.find(reqid);
  if (it == by_reqid_.end()) return;
  if (--it->second.users > 0) return;
  by_key_.erase(it->second.key);
  by_reqid_.erase(it);
}

void claim_reqid(const IkeSa& sa, ChildSa& child, Services& services) {
  if (!services.reqids || child.config->reqid != 0) return;
  if (child.holds_shared_reqid) {
    if (services.reqids->fits(child.reqid, sa.connection->name, child.config->name, child.local_ts,
                              child.remote_ts)) {
      return;
    }
    // The responder narrowed the selectors we proposed.
    release_reqid(child, services);
    child.reqid = 0;
  }
  if (child.reqid != 0) {
    // A rekey's successor keeps its predecessor's reqid.
    child.holds_shared_reqid = services.reqids->retain(child.reqid);
    return;
  }
  child.reqid = services.reqids->acquire(sa.connection->name, child.config->name, child.local_ts,
                                         child.remote_ts);
  child.holds_shared_reqid = true;
}

void release_reqid(ChildSa& child, Services& services) {
  if (!child.holds_shared_reqid || !services.reqids) return;
  services.reqids->release(child.reqid);
  child.holds_shared_reqid = false;
}

}  // namespace ike::sa
