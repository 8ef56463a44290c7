#pragma once
/// The responder's choice (RFC 7296 2.7, 3.3.6): given the initiator's SA
/// payload and our acceptable proposals, pick one proposal and exactly one
/// transform of each type.
///
/// Whose preference wins: ours, by default, like strongSwan's
/// charon.prefer_configured_proposals = yes. Our proposals are tried in our
/// order; for each, the initiator's proposals in its order; the first pair
/// that agrees on every type wins, and within each type we take the first of
/// our transforms the initiator also offered. `Preference::peer` swaps both
/// orders (strongSwan's "no").
///
/// The key exchange group is the one exception: if the group of the
/// initiator's KE payload is acceptable in the chosen pair, it is used even
/// when we list another group first, which saves the INVALID_KE_PAYLOAD round
/// trip. Among the initiator's proposals that agree with our chosen one, one
/// that allows its KE group is preferred. We do not, however, fall back to a
/// less preferred proposal of ours to avoid the round trip: the operator's
/// order of proposals decides ciphers. When the chosen group differs from the
/// KE payload's, the result says so and the engine answers
/// INVALID_KE_PAYLOAD with that group (RFC 7296 1.2, 1.3) instead of an SA.
///
/// Other rules: key lengths must match exactly (AES_CBC_128 is not
/// AES_CBC_256); unknown transforms and attributes are skipped (see
/// wire_conversion.hpp); AEAD takes no integrity, and if the initiator
/// offered integrity NONE it is echoed; an ESP proposal without PFS on our
/// side accepts an initiator's KE list only if it includes NONE (echoed),
/// and an ESP proposal with PFS on our side requires a common group; ESN
/// must be offered for ESP and is negotiated like any type.
///
/// When nothing matches, the error is Errc::no_proposal_chosen and its reason
/// explains, for each of the initiator's proposals (the first few), what
/// differed from the closest of ours, e.g.
///   no acceptable proposal: #1 IKE:AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/
///   MODP_1024: no common key exchange group (offered MODP_1024; we accept
///   CURVE_25519/ECP_256)
/// The engine then sends NO_PROPOSAL_CHOSEN.

#include <cstddef>
#include <optional>
#include <span>

#include "ike/error.hpp"
#include "ike/proposal/crypto_proposal.hpp"
#include "ike/wire/payloads.hpp"

namespace ike::proposal {

/// Whose order decides when several proposals or transforms would do.
enum class Preference { ours, peer };

/// What the responder knows besides the SA payload.
struct SelectionRequest {
  /// The protocol being negotiated: IKE in IKE_SA_INIT and IKE rekeys, ESP
  /// for Child SAs. Initiator proposals for another protocol are refused.
  wire::ProtocolId protocol = wire::ProtocolId::ike;
  /// The SPI size every initiator proposal must have: 0 in IKE_SA_INIT, 8
  /// for an IKE rekey, 4 for ESP (RFC 7296 3.3.1).
  std::size_t spi_size = 0;
  /// The group of the initiator's KE payload; nullopt when it sent none.
  std::optional<wire::KeGroup> initiator_ke_group;
  /// The first Child SA in IKE_AUTH: key exchange transforms are ignored on
  /// both sides and none is selected (RFC 7296 1.2).
  bool ignore_ke_transforms = false;
  Preference preference = Preference::ours;
};

/// The responder's decision.
struct ResponderChoice {
  SelectedProposal selected;
  /// Set when the chosen group is not the one of the initiator's KE payload
  /// (or it sent none): answer INVALID_KE_PAYLOAD carrying this group, not
  /// the SA. Never set for `none` (ESP without PFS).
  std::optional<wire::KeGroup> invalid_ke_group;
};

/// Chooses among the initiator's proposals. `acceptable` is our list, e.g.
/// proposals_for(config, DefaultsUse::accept); ours for other protocols are
/// skipped. Error: Errc::no_proposal_chosen with the reason.
Result<ResponderChoice> select_proposal(const wire::SaPayload& offered,
                                        std::span<const CryptoProposal> acceptable,
                                        const SelectionRequest& request);

}  // namespace ike::proposal
