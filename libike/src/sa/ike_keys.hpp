#pragma once
/// Key setup after IKE_SA_INIT and NAT detection (RFC 7296 2.14, 2.23).

#include "ike/sa/ike_sa.hpp"
#include "ike/sa/task.hpp"

namespace ike::sa {

/// From the negotiated algorithms, the DH shared secret and both nonces:
/// SKEYSEED, SK_*, and the two SkProtection directions of `sa` (we seal with
/// SK_ei/SK_ai as original initiator, with SK_er/SK_ar as responder).
Status establish_ike_keys(IkeSa& sa, Services& services, ByteView shared_secret);

/// Installs SK_* derived elsewhere (IKE rekey) as the keys of `sa`.
Status install_ike_keys(IkeSa& sa, Services& services, crypto::IkeSaKeys keys);

/// SHA-1(SPIi | SPIr | IP | port), the NAT_DETECTION_*_IP notify data.
Bytes nat_detection_hash(std::uint64_t spi_i, std::uint64_t spi_r, const Endpoint& endpoint);

/// Adds both NAT detection notifies for a message from `sa.local` to `sa.remote`.
/// With forceencaps the source hash is faked, as strongSwan does: the peer
/// then finds our address translated (RFC 7296 2.23) and encapsulates ESP in
/// UDP as we do, also where no NAT is in the path.
void add_nat_detection(const IkeSa& sa, std::uint64_t spi_r, std::vector<wire::Payload>& out);

/// Compares the peer's NAT detection notifies with the addresses the message
/// really had, setting sa.nat_here / sa.nat_there. Returns false when the peer
/// sent none (it does not do NAT traversal).
bool process_nat_detection(IkeSa& sa, const InboundMessage& message);

}  // namespace ike::sa
