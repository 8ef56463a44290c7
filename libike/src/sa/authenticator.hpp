#pragma once
/// The AUTH payload of IKE_AUTH (RFC 7296 2.15, RFC 7427): building ours with
/// a pre-shared key or our signer, verifying the peer's against its
/// certificate chain and identity.

#include <vector>

#include "ike/sa/ike_sa.hpp"
#include "ike/sa/task.hpp"
#include "ike/wire/payloads.hpp"

namespace ike::sa {

/// Our ID payload for `sa`'s connection.
wire::IdPayload our_id_payload(const IkeSa& sa);

/// Our CERT payloads (end entity first), empty for PSK.
std::vector<wire::Payload> our_certificates(const IkeSa& sa);

/// AUTH over our IKE_SA_INIT message, the peer's nonce and prf(SK_p, ID).
Result<wire::AuthPayload> build_auth(IkeSa& sa, Services& services, const wire::IdPayload& our_id);

/// Checks the peer's identity against the connection, its certificate chain
/// (pubkey) and its AUTH value. On success sa.peer_id (and
/// sa.peer_certificate) are set. Errors carry the reason for the log;
/// the caller answers AUTHENTICATION_FAILED.
Status verify_peer(IkeSa& sa, Services& services, const wire::IdPayload& peer_id,
                   const wire::AuthPayload& auth, const std::vector<wire::Payload>& payloads);

}  // namespace ike::sa
