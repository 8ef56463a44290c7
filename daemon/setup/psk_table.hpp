#pragma once
/// Pre-shared keys from ipsec.secrets and strongSwan's rule for choosing one
/// for a pair of identities (our ID, the peer's ID):
/// - a line matches an ID when one of its IDs matches it (exactly, through a
///   wildcard such as *@example.com, or as %any); a line without IDs
///   (`: PSK "..."`) counts as %any for both;
/// - a line matching neither ID is not a candidate;
/// - among the candidates the best match of the peer's ID wins, then the
///   best match of ours (exact > wildcard > %any > none); on a tie the
///   earlier line wins.
/// So `@moon @sun : PSK` beats `@sun : PSK` for moon talking to sun, and a
/// catch-all `: PSK` beats a line that names only our own ID.

#include <optional>
#include <vector>

#include "ike/config/ipsec_secrets.hpp"
#include "ike/crypto/pki/identity.hpp"
#include "ike/crypto/secret_bytes.hpp"

namespace ikev2d::setup {

class PskTable {
 public:
  PskTable() = default;
  /// The PSK lines of `secrets` (EAP and NTLM lines are not IKE keys).
  explicit PskTable(const ike::config::Secrets& secrets);

  void add(std::vector<ike::pki::Identity> owners, ike::config::Secret secret);

  /// The key for `local` talking to `remote`, or nullopt.
  std::optional<ike::crypto::SecretBytes> find(const ike::pki::Identity& local,
                                               const ike::pki::Identity& remote) const;

  std::size_t size() const noexcept { return entries_.size(); }

 private:
  struct Entry {
    /// Empty: any identity.
    std::vector<ike::pki::Identity> owners;
    ike::config::Secret secret;
  };
  std::vector<Entry> entries_;
};

}  // namespace ikev2d::setup
