#pragma once
/// strongSwan's proposal syntax, as in ipsec.conf's `ike=` and `esp=`:
///
///   ike=aes256gcm16-prfsha384-x25519,aes128-sha256-modp3072
///   esp=aes128gcm16-noesn
///   ike=aes256-sha256-ecp384-modp3072!
///
/// Proposals are separated by commas; each is a list of algorithm keywords
/// (catalogue.hpp) separated by dashes, in any order of types, several of one
/// type being alternatives in descending preference. A `!` at the very end
/// makes the list strict; without it the default proposals are appended
/// (see defaults.hpp, proposals_for()). Keywords are matched case-insensitively;
/// blanks around proposals and keywords are ignored.
///
/// What each proposal must contain, following strongSwan 5.9:
/// - an encryption algorithm, either all AEAD or all classic (mixing them in
///   one proposal is an error: RFC 7296 3.3 wants them in separate proposals);
/// - IKE: a key exchange group; a PRF. Without a PRF keyword, each integrity
///   algorithm implies its PRF (sha256 -> prfsha256), so
///   "aes128-sha256-modp3072" means PRF_HMAC_SHA2_256. An AEAD IKE proposal
///   without a PRF keyword and without integrity keyword
///   ("aes256gcm16-x25519") is an ERROR, not defaulted: strongSwan refuses it
///   too ("a PRF algorithm is mandatory in IKE proposals") and skips the
///   proposal; write e.g. "aes256gcm16-prfsha384-x25519";
/// - classic encryption needs an integrity algorithm (strongSwan lets ESP go
///   without; we refuse confidentiality without integrity, RFC 8221 3);
/// - AEAD with integrity keywords ("aes128gcm16-sha256-modp3072") is accepted
///   like strongSwan does it, with a warning: for IKE the integrity keywords
///   imply the PRF and are then dropped, for ESP they are dropped;
/// - ESP: PRF keywords are dropped with a warning (strongSwan drops them
///   silently); a key exchange group means PFS for CREATE_CHILD_SA; without
///   esn/noesn the proposal gets noesn (strongSwan's default); esn/noesn in an
///   IKE proposal is an error;
/// - a keyword repeated in one proposal is kept once, with a warning;
/// - legacy algorithms (sha1, prfsha1, modp1024) are accepted with a warning.
///
/// Every error is Errc::proposal_syntax and names the proposal, the keyword
/// and its column (1-based, in the text given), e.g.
///   ike proposal 2 "aes128-sha265-modp3072": unknown algorithm "sha265"
///   (keyword 2, column 31)

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "ike/error.hpp"
#include "ike/proposal/crypto_proposal.hpp"

namespace ike::proposal {

/// More proposals than this in one ike=/esp= line are refused, which keeps the
/// SA payload (at most 255 proposals) within bounds with the defaults appended.
inline constexpr std::size_t kMaxConfiguredProposals = 100;

/// A parsed ike= or esp= value.
struct ProposalConfig {
  wire::ProtocolId protocol = wire::ProtocolId::ike;
  /// The configured proposals, in the order written.
  std::vector<CryptoProposal> proposals;
  /// A trailing `!`: use only these proposals, append no defaults.
  bool strict = false;
  /// Remarks for the log (accepted only for strongSwan compatibility, legacy
  /// algorithms); each names its proposal.
  std::vector<std::string> warnings;
  friend bool operator==(const ProposalConfig&, const ProposalConfig&) = default;
};

/// Parses a whole ike= (protocol IKE) or esp= (protocol ESP) value.
Result<ProposalConfig> parse_proposals(std::string_view text, wire::ProtocolId protocol);

/// Parses one proposal (no commas, no `!`); warnings are dropped.
Result<CryptoProposal> parse_proposal(std::string_view text, wire::ProtocolId protocol);

/// The keyword form of a proposal, types in the order encryption, integrity,
/// PRF, group, ESN; the PRF list is left out when it is exactly the one the
/// integrity list implies, and ESN when it is just noesn, so that
/// "aes128-sha256-modp3072" and "aes128gcm16" come back as written.
/// parse_proposal(to_string(p)) == p for every parsed p.
std::string to_string(const CryptoProposal& proposal);

/// The proposals joined by ",", with "!" when strict.
std::string to_string(const ProposalConfig& config);

}  // namespace ike::proposal
