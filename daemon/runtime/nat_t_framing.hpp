#pragma once
/// What arrives on the NAT-T port (RFC 3948 2.2, RFC 7296 2.23): IKE messages
/// behind a four-byte non-ESP marker of zeros, ESP-in-UDP packets (a non-zero
/// SPI where the marker would be; the kernel takes these once
/// UDP_ENCAP_ESPINUDP is set, so one reaching us is dropped), and NAT
/// keepalives (a single 0xff byte, RFC 3948 2.3).

#include <array>
#include <cstdint>

#include "ike/bytes.hpp"

namespace ikev2d::runtime {

inline constexpr std::array<std::uint8_t, 4> kNonEspMarker{0, 0, 0, 0};

enum class NatTDatagramKind : std::uint8_t {
  ike,        ///< marker stripped: an IKE message for the engine
  esp,        ///< ESP-in-UDP: not ours
  keepalive,  ///< 0xff: nothing to do
  too_short,  ///< fewer than four bytes (and not a keepalive)
};
std::string_view to_string(NatTDatagramKind kind) noexcept;

struct NatTDatagram {
  NatTDatagramKind kind = NatTDatagramKind::too_short;
  /// For `ike`: the IKE message without the marker.
  ike::ByteView ike_message;
};

/// Classifies a datagram received on the NAT-T port.
NatTDatagram classify_nat_t_datagram(ike::ByteView datagram) noexcept;

}  // namespace ikev2d::runtime
