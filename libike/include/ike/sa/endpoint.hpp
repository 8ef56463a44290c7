#pragma once
/// Addresses and datagrams as the engine exchanges them with the daemon.

#include <cstdint>
#include <string>

#include "ike/bytes.hpp"
#include "ike/ts/ip_address.hpp"

namespace ike::sa {

inline constexpr std::uint16_t kIkePort = 500;
inline constexpr std::uint16_t kNatTraversalPort = 4500;

struct Endpoint {
  IpAddress address;
  std::uint16_t port = kIkePort;
  std::string to_string() const;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

/// One IKE message on the wire. On port 4500 the daemon strips (receiving)
/// and adds (sending) the four-byte non-ESP marker; `bytes` never holds it.
struct Datagram {
  Endpoint local;
  Endpoint remote;
  Bytes bytes;
  /// A NAT keepalive (RFC 3948 2.3, the single octet 0xFF): sent as it is,
  /// without the non-ESP marker, from the NAT-T socket.
  bool nat_keepalive = false;
};

}  // namespace ike::sa
