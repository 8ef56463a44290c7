#pragma once
/// strongSwan's leftsubnet= / rightsubnet= and leftprotoport= syntax.
///
///   list     := item { "," item }            (blanks around items are ignored)
///   item     := subnet [ "[" protoport "]" ]
///   subnet   := "%dynamic" | "dynamic"        the SA's own address, see resolve()
///             | address [ "/" length ]        10.1.0.0/16, 10.1.2.3, 2001:db8::/32
///             | address "-" address           10.1.0.5-10.1.0.9 (inclusive)
///             | address ".." address          the form to_string prints
///   protoport:= [ proto ] [ "/" [ port ] ]
///   proto    := name | 0..255 | "%any"        tcp, udp, icmp, ipv6-icmp, gre, 47, ...
///   port     := value | value "-" value | "%any" | "%opaque" | "OPAQUE"
///   value    := 0..65535 | service name       (l2tp, http, ...; see ip_protocol.hpp)
///             | type "(" code ")"             ICMP/ICMPv6 only, as to_string prints
///
/// Meaning, as in strongSwan 5.9:
/// - An empty proto or "%any" is any protocol; an empty port or "%any" is
///   0-65535; "%opaque" is RFC 4301 OPAQUE (65535..0).
/// - A subnet with host bits ("10.1.2.3/16") is accepted and masked to
///   10.1.0.0/16; strongSwan does the same.
/// - A leftprotoport= value applies to every item that has no "[...]" of its
///   own (parse_subnet_list's `side_default`); an item's brackets win.
/// - ICMP/ICMPv6 (RFC 4301 4.4.1.1: type in the high byte, code in the low
///   byte): a port value below 256 is an ICMP type with code 0, so "[icmp/8]"
///   is start = end = 0x0800, echo request with code 0 only; "[icmp/3-4]" is
///   0x0300..0x0400. A value of 256 or more is taken as type << 8 | code as it
///   is ("[icmp/772]" = type 3 code 4), and so is "type(code)". This is
///   strongSwan's encoding; to cover every code of type 3 write
///   "[icmp/3-3(255)]" (or "[icmp/768-1023]").
/// - Differences: strongSwan logs and skips an invalid item; we refuse the
///   whole list with the reason. strongSwan reads any /etc/services name; we
///   know a fixed list. "%any"/"%any6" are not subnets here (strongSwan would
///   turn "%any" into 0.0.0.0/32); the error says to write 0.0.0.0/0 or ::/0.
///
/// Errors are Error{invalid_argument} whose reason names the item and the
/// cause, e.g. `traffic selector "10.1.0.0/33": prefix length 33 is above 32
/// for IPv4` or `traffic selector "10.0.0.0/8[tcp/99999]": port 99999 is above
/// 65535`.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ike/error.hpp"
#include "ike/ts/ip_address.hpp"
#include "ike/ts/port_range.hpp"
#include "ike/ts/traffic_selector.hpp"

namespace ike::ts {

/// A protocol and port restriction: "[tcp/80]" or a leftprotoport= value.
/// Ports are already encoded (ICMP type/code in the high/low byte).
struct ProtoPort {
  std::uint8_t protocol = 0;
  PortRange ports;
  friend bool operator==(const ProtoPort&, const ProtoPort&) = default;
};

/// One configured selector: concrete, or dynamic (strongSwan's %dynamic, the
/// default when leftsubnet= is absent): "this side's address, whatever it turns
/// out to be" - the IKE SA's local/remote address or a virtual IP. A dynamic
/// template keeps its protocol and ports in `selector`; its addresses are
/// ignored (they are 0.0.0.0..255.255.255.255 so that templates compare
/// predictably). resolve() turns templates into concrete selectors.
struct SelectorTemplate {
  bool dynamic = false;
  TrafficSelector selector;

  /// %dynamic with the given restriction.
  static SelectorTemplate dynamic_host(ProtoPort restriction = {}) noexcept;
  static SelectorTemplate concrete(const TrafficSelector& selector) noexcept;

  /// "%dynamic", "%dynamic[udp/1701]", or selector.to_string().
  std::string to_string() const;
  friend bool operator==(const SelectorTemplate&, const SelectorTemplate&) = default;
};

/// Parses "proto/port" (the leftprotoport= value, or what is inside "[...]"):
/// "17/1701", "udp/l2tp", "tcp", "%any/53", "/53", "icmp/8", "udp/%any".
/// Error reasons read `protocol/port "17/99999": port 99999 is above 65535`.
Result<ProtoPort> parse_protoport(std::string_view text);

/// Parses a leftsubnet=/rightsubnet= value (grammar at the top). Items
/// without brackets get `side_default` (the side's leftprotoport=).
Result<std::vector<SelectorTemplate>> parse_subnet_list(std::string_view text,
                                                        ProtoPort side_default = {});

/// The templates for a side whose leftsubnet= is absent: one dynamic template
/// with the side's leftprotoport= restriction.
std::vector<SelectorTemplate> default_side_selectors(ProtoPort side_default = {});

/// "a, b, c", which parse_subnet_list reads back to the same templates.
std::string to_string(std::span<const SelectorTemplate> templates);

/// Whether any template is dynamic (the engine must then know the address).
bool has_dynamic(std::span<const SelectorTemplate> templates) noexcept;

/// Concrete selectors once addresses are known. Each dynamic template becomes
/// one host selector per address in `hosts` (with the template's protocol and
/// ports): the SA's own outer address, or its virtual IPs once assigned. A zero
/// address in `hosts` (0.0.0.0 or ::) stands for "not known yet" and yields the
/// whole family (0.0.0.0/0, ::/0): strongSwan proposes that while it asks for a
/// virtual IP, and the responder narrows it to the address it assigns.
/// Concrete templates pass unchanged. Order is kept; exact duplicates are
/// dropped; no hosts means dynamic templates yield nothing.
std::vector<TrafficSelector> resolve(std::span<const SelectorTemplate> templates,
                                     std::span<const IpAddress> hosts);

}  // namespace ike::ts
