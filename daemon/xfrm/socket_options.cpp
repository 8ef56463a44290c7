// bypass_ipsec_policies and enable_esp_in_udp (declared in xfrm_kernel.hpp):
// the two socket options the daemon's IKE sockets need.

#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>

#include <linux/xfrm.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "xfrm/xfrm_kernel.hpp"

namespace ikev2d::xfrm {

namespace {

ike::Error option_error(const std::string& what, int socket_fd, int error_number) {
  return ike::make_error(ike::Errc::io_error, what + " on socket " + std::to_string(socket_fd) +
                                                  ": " + std::strerror(error_number));
}

}  // namespace

ike::Status bypass_ipsec_policies(int socket_fd, int address_family) {
  if (address_family != AF_INET && address_family != AF_INET6) {
    return ike::make_error(ike::Errc::invalid_argument,
                           "policy bypass needs AF_INET or AF_INET6, not address family " +
                               std::to_string(address_family));
  }
  int level = address_family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
  int option = address_family == AF_INET ? IP_XFRM_POLICY : IPV6_XFRM_POLICY;
  const char* option_name = address_family == AF_INET ? "IP_XFRM_POLICY" : "IPV6_XFRM_POLICY";
  // A per-socket policy without templates whose action is ALLOW takes
  // precedence over every global policy for this socket's packets.
  for (std::uint8_t direction : {XFRM_POLICY_IN, XFRM_POLICY_OUT}) {
    xfrm_userpolicy_info policy;
    std::memset(&policy, 0, sizeof(policy));
    policy.sel.family = static_cast<std::uint16_t>(address_family);
    policy.lft.soft_byte_limit = policy.lft.hard_byte_limit = XFRM_INF;
    policy.lft.soft_packet_limit = policy.lft.hard_packet_limit = XFRM_INF;
    policy.dir = direction;
    policy.action = XFRM_POLICY_ALLOW;
    if (setsockopt(socket_fd, level, option, &policy, sizeof(policy)) != 0) {
      return option_error(std::string("bypassing IPsec policies (") + option_name +
                              (direction == XFRM_POLICY_IN ? " in)" : " out)"),
                          socket_fd, errno);
    }
  }
  return {};
}

ike::Status enable_esp_in_udp(int socket_fd) {
  int type = UDP_ENCAP_ESPINUDP;
  if (setsockopt(socket_fd, IPPROTO_UDP, UDP_ENCAP, &type, sizeof(type)) != 0) {
    return option_error("enabling ESP-in-UDP (UDP_ENCAP_ESPINUDP)", socket_fd, errno);
  }
  return {};
}

}  // namespace ikev2d::xfrm
