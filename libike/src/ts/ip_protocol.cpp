#include "ike/ts/ip_protocol.hpp"

#include <array>

namespace ike::ts {
namespace {

struct ProtocolName {
  std::string_view name;
  std::uint8_t number;
};

// From Debian 12's /etc/protocols (IANA protocol numbers). The first entry of
// a number is its canonical name; later ones are aliases accepted on input.
constexpr std::array kProtocols{
    ProtocolName{"icmp", 1},
    ProtocolName{"igmp", 2},
    ProtocolName{"ggp", 3},
    ProtocolName{"ipencap", 4},
    ProtocolName{"st", 5},
    ProtocolName{"tcp", 6},
    ProtocolName{"egp", 8},
    ProtocolName{"igp", 9},
    ProtocolName{"pup", 12},
    ProtocolName{"udp", 17},
    ProtocolName{"hmp", 20},
    ProtocolName{"xns-idp", 22},
    ProtocolName{"rdp", 27},
    ProtocolName{"iso-tp4", 29},
    ProtocolName{"dccp", 33},
    ProtocolName{"xtp", 36},
    ProtocolName{"ddp", 37},
    ProtocolName{"idpr-cmtp", 38},
    ProtocolName{"ipv6", 41},
    ProtocolName{"ipv6-route", 43},
    ProtocolName{"ipv6-frag", 44},
    ProtocolName{"idrp", 45},
    ProtocolName{"rsvp", 46},
    ProtocolName{"gre", 47},
    ProtocolName{"esp", 50},
    ProtocolName{"ah", 51},
    ProtocolName{"skip", 57},
    ProtocolName{"ipv6-icmp", 58},
    ProtocolName{"ipv6-nonxt", 59},
    ProtocolName{"ipv6-opts", 60},
    ProtocolName{"rspf", 73},
    ProtocolName{"vmtp", 81},
    ProtocolName{"eigrp", 88},
    ProtocolName{"ospf", 89},
    ProtocolName{"ax.25", 93},
    ProtocolName{"ipip", 94},
    ProtocolName{"etherip", 97},
    ProtocolName{"encap", 98},
    ProtocolName{"pim", 103},
    ProtocolName{"ipcomp", 108},
    ProtocolName{"vrrp", 112},
    ProtocolName{"l2tp", 115},
    ProtocolName{"isis", 124},
    ProtocolName{"sctp", 132},
    ProtocolName{"fc", 133},
    ProtocolName{"mobility-header", 135},
    ProtocolName{"udplite", 136},
    ProtocolName{"mpls-in-ip", 137},
    ProtocolName{"manet", 138},
    ProtocolName{"hip", 139},
    ProtocolName{"shim6", 140},
    ProtocolName{"wesp", 141},
    ProtocolName{"rohc", 142},
    ProtocolName{"ethernet", 143},
    // Aliases: the /etc/protocols alias column and the common spellings.
    ProtocolName{"icmpv6", 58},
    ProtocolName{"icmp6", 58},
    ProtocolName{"ipsec-esp", 50},
    ProtocolName{"ipsec-ah", 51},
    ProtocolName{"ip-encap", 4},
    ProtocolName{"ospfigp", 89},
};

struct ServiceName {
  std::string_view name;
  std::uint16_t port;
};

// Service names seen in real ipsec.conf files, with their /etc/services
// aliases; the port is the same for TCP and UDP in every entry here.
constexpr std::array kServices{
    ServiceName{"ftp", 21},           ServiceName{"ssh", 22},     ServiceName{"telnet", 23},
    ServiceName{"smtp", 25},          ServiceName{"domain", 53},  ServiceName{"bootps", 67},
    ServiceName{"bootpc", 68},        ServiceName{"http", 80},    ServiceName{"www", 80},
    ServiceName{"kerberos", 88},      ServiceName{"pop3", 110},   ServiceName{"ntp", 123},
    ServiceName{"imap2", 143},        ServiceName{"imap", 143},   ServiceName{"snmp", 161},
    ServiceName{"bgp", 179},          ServiceName{"ldap", 389},   ServiceName{"https", 443},
    ServiceName{"microsoft-ds", 445}, ServiceName{"isakmp", 500}, ServiceName{"syslog", 514},
    ServiceName{"openvpn", 1194},     ServiceName{"l2f", 1701},   ServiceName{"l2tp", 1701},
    ServiceName{"radius", 1812},      ServiceName{"mysql", 3306}, ServiceName{"ipsec-nat-t", 4500},
    ServiceName{"sip", 5060},
};

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

std::optional<std::uint8_t> protocol_from_name(std::string_view name) noexcept {
  for (const auto& entry : kProtocols) {
    if (equal_ignoring_case(entry.name, name)) return entry.number;
  }
  return std::nullopt;
}

std::string_view protocol_name(std::uint8_t protocol) noexcept {
  for (const auto& entry : kProtocols) {
    if (entry.number == protocol) return entry.name;
  }
  return {};
}

std::string protocol_to_string(std::uint8_t protocol) {
  auto name = protocol_name(protocol);
  if (!name.empty()) return std::string(name);
  return std::to_string(protocol);
}

std::optional<std::uint16_t> port_from_service_name(std::string_view name) noexcept {
  for (const auto& entry : kServices) {
    if (equal_ignoring_case(entry.name, name)) return entry.port;
  }
  return std::nullopt;
}

}  // namespace ike::ts
