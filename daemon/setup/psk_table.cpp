#include "setup/psk_table.hpp"

#include "ike/crypto/pki/identity_match.hpp"

namespace ikev2d::setup {
namespace {

using ike::pki::IdMatch;

IdMatch best_match(const std::vector<ike::pki::Identity>& owners, const ike::pki::Identity& id) {
  if (owners.empty()) return IdMatch::any;
  IdMatch best = IdMatch::none;
  for (const auto& owner : owners) {
    auto match = ike::pki::match_identity(owner, id);
    if (match > best) best = match;
  }
  return best;
}

}  // namespace

PskTable::PskTable(const ike::config::Secrets& secrets) {
  for (const auto& shared : secrets.shared) {
    if (shared.type != ike::config::SharedSecretType::psk) continue;
    add(shared.identities, shared.secret);
  }
}

void PskTable::add(std::vector<ike::pki::Identity> owners, ike::config::Secret secret) {
  entries_.push_back(Entry{std::move(owners), std::move(secret)});
}

std::optional<ike::crypto::SecretBytes> PskTable::find(const ike::pki::Identity& local,
                                                       const ike::pki::Identity& remote) const {
  const Entry* found = nullptr;
  IdMatch best_local = IdMatch::none;
  IdMatch best_remote = IdMatch::none;
  for (const auto& entry : entries_) {
    auto local_match = best_match(entry.owners, local);
    auto remote_match = best_match(entry.owners, remote);
    if (local_match == IdMatch::none && remote_match == IdMatch::none) continue;
    bool better = !found || remote_match > best_remote ||
                  (remote_match == best_remote && local_match > best_local);
    if (!better) continue;
    found = &entry;
    best_local = local_match;
    best_remote = remote_match;
  }
  if (!found) return std::nullopt;
  return ike::crypto::SecretBytes(found->secret.reveal());
}

}  // namespace ikev2d::setup
