#include "xfrm/xfrm_address.hpp"

#include <sys/socket.h>

#include <array>
#include <cstring>
#include <string>

namespace ikev2d::xfrm {

std::uint16_t kernel_family(ike::AddressFamily family) noexcept {
  return family == ike::AddressFamily::ipv4 ? AF_INET : AF_INET6;
}

std::uint16_t kernel_family(const ike::IpAddress& address) noexcept {
  return kernel_family(address.family());
}

xfrm_address_t to_xfrm_address(const ike::IpAddress& address) noexcept {
  xfrm_address_t out;
  std::memset(&out, 0, sizeof(out));
  auto bytes = address.bytes();
  std::memcpy(&out, bytes.data(), bytes.size());
  return out;
}

ike::Result<ike::IpAddress> from_xfrm_address(const xfrm_address_t& address, std::uint16_t family) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(&address);
  if (family == AF_INET) {
    std::array<std::uint8_t, 4> v4{};
    std::memcpy(v4.data(), bytes, v4.size());
    return ike::IpAddress::v4(v4);
  }
  if (family == AF_INET6) {
    std::array<std::uint8_t, 16> v6{};
    std::memcpy(v6.data(), bytes, v6.size());
    return ike::IpAddress::v6(v6);
  }
  return ike::make_error(ike::Errc::invalid_syntax,
                         "address family " + std::to_string(family) + " is neither IPv4 nor IPv6");
}

ike::Result<std::uint8_t> kernel_protocol(ike::wire::ProtocolId protocol) {
  switch (protocol) {
    case ike::wire::ProtocolId::esp:
      return std::uint8_t{IPPROTO_ESP};
    case ike::wire::ProtocolId::ah:
      return std::uint8_t{IPPROTO_AH};
    default:
      return ike::make_error(ike::Errc::invalid_argument,
                             "protocol " + ike::wire::to_string(protocol) + " has no kernel SA");
  }
}

ike::Result<ike::wire::ProtocolId> protocol_from_kernel(std::uint8_t protocol) {
  if (protocol == IPPROTO_ESP) return ike::wire::ProtocolId::esp;
  if (protocol == IPPROTO_AH) return ike::wire::ProtocolId::ah;
  return ike::make_error(ike::Errc::invalid_syntax,
                         "IP protocol " + std::to_string(protocol) + " is neither ESP nor AH");
}

std::uint8_t kernel_mode(ike::sa::IpsecMode mode) noexcept {
  return mode == ike::sa::IpsecMode::tunnel ? XFRM_MODE_TUNNEL : XFRM_MODE_TRANSPORT;
}

xfrm_mark to_xfrm_mark(const ike::sa::Mark& mark) noexcept {
  return xfrm_mark{mark.value, mark.mask};
}

}  // namespace ikev2d::xfrm
