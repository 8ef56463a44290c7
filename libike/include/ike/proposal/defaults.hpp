#pragma once
/// What ikev2d proposes and accepts when the configuration says nothing, and
/// what it appends to a configured list without a trailing `!`.
///
/// Policy (DESIGN.md "Security defaults"): only algorithms of RFC 8247's
/// MUST/SHOULD level plus the stronger MAY ones DESIGN.md names, never a
/// legacy one. Preference is descending; as responder our order decides
/// (selection.hpp), so the first entries are what two ikev2d peers use.
///
/// IKE (both proposals: PRF prfsha256, prfsha384, prfsha512; groups x25519,
/// ecp256, ecp384, ecp521, x448, modp3072, modp4096):
///   1. aes256gcm16, aes128gcm16, chacha20poly1305           (AEAD)
///   2. aes256, aes128 with sha256, sha384, sha512            (CBC + HMAC)
/// ESP (no PFS group, noesn like strongSwan):
///   1. aes256gcm16, aes128gcm16, chacha20poly1305
///   2. aes256, aes128 with sha256, sha384, sha512
///
/// Accepting differs from offering in one point: as responder the IKE
/// defaults also accept modp2048 (RFC 8247 MUST, last in preference), since
/// DESIGN.md allows it and old peers offer nothing better; we never offer it.
///
/// Left out on purpose: AES-192 (RFC 8247 [1]: 192-bit keys stay MAY), the
/// truncated GCM ICVs (gcm8, gcm12), sha1/prfsha1/modp1024 (legacy), ESN
/// (strongSwan offers noesn unless told), PFS (strongSwan's default too;
/// configure a group in esp= to get it).
///
/// Unlike strongSwan, whose appended defaults are whatever its crypto plugins
/// support, ours are this fixed list, so a configuration behaves the same on
/// every machine.

#include <vector>

#include "ike/proposal/crypto_proposal.hpp"
#include "ike/proposal/parser.hpp"

namespace ike::proposal {

/// Whether a list is for the SA payload we send or for judging a received one.
enum class DefaultsUse { offer, accept };

/// The default proposals for IKE or ESP (see above).
std::vector<CryptoProposal> default_proposals(wire::ProtocolId protocol, DefaultsUse use);

/// The effective list for a connection: the configured proposals, followed
/// (unless `config.strict`) by the defaults that are not already among them.
/// A config without proposals (the keyword was absent) yields the defaults:
///   proposals_for(ProposalConfig{.protocol = wire::ProtocolId::esp}, use)
std::vector<CryptoProposal> proposals_for(const ProposalConfig& config, DefaultsUse use);

}  // namespace ike::proposal
