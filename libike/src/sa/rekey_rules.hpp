#pragma once
/// Two rules of RFC 7296 that rekeys of IKE and CHILD SAs share.

#include "ike/bytes.hpp"
#include "ike/random.hpp"
#include "ike/sa/time.hpp"

namespace ike::sa {

/// RFC 7296 2.8.1: when both peers rekeyed the same SA at once, "the SA
/// created with the lowest of the four nonces used in the two exchanges
/// SHOULD be closed by the endpoint that created it". Lowest means octet by
/// octet, a nonce that is a prefix of another being the lower. True when the
/// lowest of the four is one of `nonce_i` / `nonce_r` (this exchange loses).
bool lowest_nonce_in(ByteView nonce_i, ByteView nonce_r, ByteView other_nonce_i,
                     ByteView other_nonce_r);

/// RFC 7296 2.25: after TEMPORARY_FAILURE a peer "MUST NOT immediately retry
/// ... it MUST wait so that the sender may complete whatever operation caused
/// the temporary condition". A rekey is tried again after 10 to 20 seconds,
/// the jitter keeping two peers from colliding again.
Duration rekey_retry_delay(RandomSource& random);

}  // namespace ike::sa
