#include "setup/shared_ike_sas.hpp"

#include <memory>
#include <tuple>

namespace ikev2d::setup {
namespace {

using ike::config::AutoAction;

bool can_share(const ConnectionSetup& a, const ConnectionSetup& b) {
  if (a.auto_action == AutoAction::ignore || b.auto_action == AutoAction::ignore) return false;
  if ((a.auto_action == AutoAction::route) != (b.auto_action == AutoAction::route)) return false;
  return same_ike_sa_settings(*a.connection, *b.connection);
}

}  // namespace

bool same_local_certificates(const ike::sa::Connection& a, const ike::sa::Connection& b) {
  if (a.local_certificates.size() != b.local_certificates.size()) return false;
  for (std::size_t i = 0; i < a.local_certificates.size(); ++i) {
    const auto& x = a.local_certificates[i];
    const auto& y = b.local_certificates[i];
    if ((x == nullptr) != (y == nullptr)) return false;
    if (x && x->fingerprint_sha256() != y->fingerprint_sha256()) return false;
  }
  return true;
}

bool same_ike_sa_settings(const ike::sa::Connection& a, const ike::sa::Connection& b) {
  return std::tie(a.local_address, a.remote_address, a.local_port, a.remote_port, a.local_id,
                  a.remote_id, a.local_auth, a.remote_auth, a.send_certificate, a.signature,
                  a.ike_proposals, a.dpd_delay, a.dpd_timeout, a.dpd_action, a.keying_tries,
                  a.fragmentation, a.send_fragments, a.fragment_size, a.force_encapsulation) ==
             std::tie(b.local_address, b.remote_address, b.local_port, b.remote_port, b.local_id,
                      b.remote_id, b.local_auth, b.remote_auth, b.send_certificate, b.signature,
                      b.ike_proposals, b.dpd_delay, b.dpd_timeout, b.dpd_action, b.keying_tries,
                      b.fragmentation, b.send_fragments, b.fragment_size, b.force_encapsulation) &&
         a.ike_lifetime == b.ike_lifetime && a.retransmit == b.retransmit &&
         same_local_certificates(a, b);
}

void share_ike_sas(std::vector<ConnectionSetup>& setups) {
  std::vector<bool> grouped(setups.size(), false);
  for (std::size_t first = 0; first < setups.size(); ++first) {
    if (grouped[first]) continue;
    std::vector<std::size_t> members{first};
    for (std::size_t other = first + 1; other < setups.size(); ++other) {
      if (!grouped[other] && can_share(setups[first], setups[other])) members.push_back(other);
    }
    if (members.size() < 2) continue;
    auto merged = std::make_shared<ike::sa::Connection>(*setups[first].connection);
    merged->children.clear();
    for (auto member : members) {
      grouped[member] = true;
      const auto& children = setups[member].connection->children;
      merged->children.insert(merged->children.end(), children.begin(), children.end());
    }
    for (auto member : members)
      setups[member].connection = merged;
  }
}

}  // namespace ikev2d::setup
