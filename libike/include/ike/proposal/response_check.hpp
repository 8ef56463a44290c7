#pragma once
/// The initiator's check of the responder's SA payload (RFC 7296 2.7, 3.3.6):
/// exactly one proposal, whose number is one we sent, with the protocol and
/// SPI size of that proposal, exactly one transform of each type, each of
/// them one we offered in that proposal with the same attributes. Anything
/// else means the responder broke the protocol and the exchange fails.
///
/// Two tolerances, for interoperability (Android's IKE library needed the
/// same): a type for which we offered NONE (integrity with AEAD, KE for
/// optional PFS) may be left out of the answer, and an integrity or KE
/// transform NONE may appear although we offered no transform of that type.

#include "ike/error.hpp"
#include "ike/proposal/crypto_proposal.hpp"
#include "ike/wire/payloads.hpp"

namespace ike::proposal {

/// `sent` is the SA payload of our request, `received` the responder's.
/// Returns the agreed algorithms with the responder's SPI in `peer_spi`.
/// Error: Errc::no_proposal_chosen naming what was wrong, e.g.
///   "responder's SA: transform ENCR AES_CBC_256 was not offered in proposal 1"
/// (the engine abandons the IKE SA, or deletes the new Child SA).
Result<SelectedProposal> check_response(const wire::SaPayload& sent,
                                        const wire::SaPayload& received);

}  // namespace ike::proposal
