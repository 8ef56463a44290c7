#include "nat_keepalive.hpp"

#include <algorithm>

#include "ike/sa/task.hpp"

namespace ike::sa {

namespace {

/// RFC 3948 2.3: the payload of a NAT-keepalive packet.
constexpr std::uint8_t kKeepaliveOctet = 0xff;

bool sends_keepalives(const IkeSa& sa) {
  switch (sa.state) {
    case IkeState::connecting:
    case IkeState::established:
    case IkeState::rekeying:
    case IkeState::deleting:
      return true;
    case IkeState::created:  // nothing sent yet
    case IkeState::rekeyed:  // its successor keeps the mapping alive
    case IkeState::destroying:
      return false;
  }
  return false;
}

}  // namespace

std::optional<MonoTime> nat_keepalive_due(const IkeSa& sa, Duration interval) {
  if (interval <= Duration::zero() || !sa.nat_here || !sends_keepalives(sa)) return std::nullopt;
  // An IKE SA made by a rekey sent nothing itself yet: its predecessor's
  // exchange just went through the NAT.
  return std::max(sa.last_sent, sa.created_at) + interval;
}

Datagram make_nat_keepalive(const IkeSa& sa) {
  Datagram keepalive{sa.local, sa.remote, Bytes{kKeepaliveOctet}};
  keepalive.nat_keepalive = true;
  return keepalive;
}

}  // namespace ike::sa
