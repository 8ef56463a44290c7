#include "connection_choice.hpp"

#include <algorithm>

#include "ike/crypto/pki/identity_match.hpp"
#include "ike_proposals.hpp"

namespace ike::sa {

namespace {

/// 2 for the configured address itself, 1 for %any, 0 for another one.
int one_address(const IpAddress& configured, const IpAddress& actual) {
  if (configured.is_zero()) return 1;
  return configured == actual ? 2 : 0;
}

template <class T>
bool has(const std::vector<T>& list, const T& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool admits(const proposal::CryptoProposal& proposal,
            const proposal::NegotiatedAlgorithms& agreed) {
  if (!has(proposal.encryption, agreed.encryption)) return false;
  if (!agreed.aead() && !has(proposal.integrity, agreed.integrity)) return false;
  if (agreed.prf && !has(proposal.prf, *agreed.prf)) return false;
  return has(proposal.ke_groups, agreed.ke_group);
}

/// The identity score of `connection` for these IDs, or nullopt if the IDs
/// rule it out.
std::optional<int> identity_match(const Connection& connection, const pki::Identity& peer_id,
                                  const std::optional<pki::Identity>& our_id) {
  auto peer = pki::match_identity(connection.remote_id, peer_id);
  if (peer == pki::IdMatch::none) return std::nullopt;
  int score = static_cast<int>(peer) * 4;
  if (our_id) {
    auto ours = pki::match_identity(connection.local_id, *our_id);
    if (ours == pki::IdMatch::none) return std::nullopt;
    score += static_cast<int>(ours);
  }
  return score;
}

}  // namespace

int address_match(const Connection& connection, const Endpoint& local, const Endpoint& remote) {
  if (connection.local_address.family() != local.address.family() &&
      !connection.local_address.is_zero())
    return 0;
  int ours = one_address(connection.local_address, local.address);
  int theirs = one_address(connection.remote_address, remote.address);
  if (ours == 0 || theirs == 0) return 0;
  // The peer's address says more about the connection than ours does.
  return theirs * 3 + ours;
}

const Connection* best_connection_by_address(const ConnectionTable& connections,
                                             const Endpoint& local, const Endpoint& remote) {
  const Connection* best = nullptr;
  int best_score = 0;
  for (const auto& [name, connection] : connections) {
    int score = address_match(*connection, local, remote);
    if (score > best_score) {
      best = connection.get();
      best_score = score;
    }
  }
  return best;
}

bool accepts_ike_algorithms(const Connection& connection,
                            const proposal::NegotiatedAlgorithms& agreed) {
  const auto proposals = ike_proposals(connection, proposal::DefaultsUse::accept);
  return std::any_of(proposals.begin(), proposals.end(),
                     [&](const auto& proposal) { return admits(proposal, agreed); });
}

ConnectionPtr best_connection_by_identity(
    const ConnectionTable& connections, const ConnectionPtr& current, const Endpoint& local,
    const Endpoint& remote, const std::optional<proposal::NegotiatedAlgorithms>& agreed,
    const pki::Identity& peer_id, const std::optional<pki::Identity>& our_id) {
  if (!current) return current;
  ConnectionPtr best = current;
  auto current_identity = identity_match(*current, peer_id, our_id);
  // The current connection keeps its place unless the IDs rule it out or
  // another one matches both addresses and IDs strictly better.
  int best_score =
      current_identity ? *current_identity * 16 + address_match(*current, local, remote) : -1;
  for (const auto& [name, candidate] : connections) {
    if (candidate == current || candidate->name == current->name) continue;
    int addresses = address_match(*candidate, local, remote);
    if (addresses == 0) continue;
    auto identity = identity_match(*candidate, peer_id, our_id);
    if (!identity) continue;
    if (agreed && !accepts_ike_algorithms(*candidate, *agreed)) continue;
    int score = *identity * 16 + addresses;
    if (score > best_score) {
      best = candidate;
      best_score = score;
    }
  }
  return best;
}

}  // namespace ike::sa
