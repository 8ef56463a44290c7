#pragma once
/// What the AUTH payload covers and the shared-key AUTH value (RFC 7296 2.15).

#include "ike/bytes.hpp"
#include "ike/crypto/prf.hpp"
#include "ike/error.hpp"
#include "ike/wire/types.hpp"

namespace ike::crypto {

/// The pad of RFC 7296 2.15: 17 ASCII octets, no terminating NUL.
inline constexpr std::string_view kIkev2KeyPad = "Key Pad for IKEv2";

/// RestOfInitIDPayload / RestOfRespIDPayload (RFC 7296 2.15): the ID payload
/// body as sent, i.e. ID type, three reserved zero octets, ID data.
Bytes id_payload_body(wire::IdType type, ByteView id_data);

/// The octets an AUTH payload signs or MACs (RFC 7296 2.15):
///   InitiatorSignedOctets = RealMessage1 | NonceRData | MACedIDForI
///   ResponderSignedOctets = RealMessage2 | NonceIData | MACedIDForR
///   MACedIDForX = prf(SK_px, RestOfXIDPayload)
/// For the initiator's AUTH pass its IKE_SA_INIT request as sent, Nr, SK_pi
/// and IDi's body; for the responder's, its IKE_SA_INIT response, Ni, SK_pr
/// and IDr's body. Both sides compute the same octets to create and to verify.
/// `message` is the whole IKE message, header included, exactly as on the wire.
Result<Bytes> signed_octets(const Prf& prf, ByteView message, ByteView peer_nonce, ByteView sk_p,
                            ByteView id_body);

/// AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), <signed octets>) for
/// the Shared Key Message Integrity Code method (RFC 7296 2.15).
Result<Bytes> shared_key_auth(const Prf& prf, ByteView shared_key, ByteView signed_octets);

/// Recomputes the shared-key AUTH and compares it with `received` in constant
/// time. Fails with authentication_failed on any mismatch (also of length).
Status verify_shared_key_auth(const Prf& prf, ByteView shared_key, ByteView signed_octets,
                              ByteView received);

}  // namespace ike::crypto
