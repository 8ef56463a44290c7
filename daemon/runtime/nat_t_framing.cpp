#include "runtime/nat_t_framing.hpp"

#include <algorithm>

namespace ikev2d::runtime {

std::string_view to_string(NatTDatagramKind kind) noexcept {
  switch (kind) {
    case NatTDatagramKind::ike:
      return "IKE";
    case NatTDatagramKind::esp:
      return "ESP-in-UDP";
    case NatTDatagramKind::keepalive:
      return "NAT keepalive";
    case NatTDatagramKind::too_short:
      return "too short";
  }
  return "?";
}

NatTDatagram classify_nat_t_datagram(ike::ByteView datagram) noexcept {
  if (datagram.size() == 1 && datagram[0] == 0xff) return {NatTDatagramKind::keepalive, {}};
  if (datagram.size() < kNonEspMarker.size()) return {NatTDatagramKind::too_short, {}};
  if (!std::equal(kNonEspMarker.begin(), kNonEspMarker.end(), datagram.begin())) {
    return {NatTDatagramKind::esp, {}};
  }
  return {NatTDatagramKind::ike, datagram.subspan(kNonEspMarker.size())};
}

}  // namespace ikev2d::runtime
