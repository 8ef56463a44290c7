#pragma once
/// NAT keepalives (RFC 3948 2.3, RFC 7296 2.23): the end behind a NAT keeps
/// the NAT's UDP mapping alive by sending a one-byte 0xFF datagram from its
/// NAT-T port to the peer whenever it sent nothing else for an interval
/// (strongSwan's charon.keep_alive, 20 s by default). Only the end whose
/// address is translated sends them: the peer cannot open a mapping for it.

#include <optional>

#include "ike/sa/endpoint.hpp"
#include "ike/sa/ike_sa.hpp"
#include "ike/sa/time.hpp"

namespace ike::sa {

/// When `sa` must send its next keepalive, or nullopt when it sends none
/// (not behind a NAT, keepalives disabled with a zero interval, or the IKE SA
/// is not in use: not yet started, replaced by a rekey, or gone).
std::optional<MonoTime> nat_keepalive_due(const IkeSa& sa, Duration interval);

/// The keepalive datagram of `sa`: 0xFF from our endpoint to the peer's,
/// flagged so the daemon sends it without the non-ESP marker.
Datagram make_nat_keepalive(const IkeSa& sa);

}  // namespace ike::sa
