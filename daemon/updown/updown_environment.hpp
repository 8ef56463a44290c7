#pragma once
/// The environment of a leftupdown script, as strongSwan's updown plugin
/// passes it (interface version 1.1, compatible with pluto's _updown), so
/// scripts written for strongSwan run unchanged. One invocation per pair of
/// local and remote traffic selectors of the CHILD SA, local outer, remote
/// inner, as strongSwan does.
///
///   PLUTO_VERSION=1.1
///   PLUTO_VERB=up-client | down-client | up-host | down-host, plus "-v6" for
///       IPv6 selectors. "host" when the local selector is exactly our own
///       address (always so in transport mode, and in tunnel mode without
///       leftsubnet), else "client".
///   PLUTO_CONNECTION  the CHILD SA's name (the conn name)
///   PLUTO_INTERFACE   the interface holding our address, or "unknown"
///   PLUTO_REQID, PLUTO_PROTO (esp), PLUTO_UNIQUEID (the IKE SA's serial)
///   PLUTO_ME, PLUTO_MY_ID, PLUTO_MY_CLIENT (address/prefix length),
///   PLUTO_MY_PORT, PLUTO_MY_PROTOCOL, and the same for PLUTO_PEER*
///   PLUTO_MARK_IN / PLUTO_MARK_OUT = value/0xmask (when a mark is set)
///   PLUTO_UDP_ENC = the peer's port (when ESP is UDP-encapsulated)
///   PLUTO_HOST_ACCESS=1 (lefthostaccess=yes)
///   PLUTO_MY_SOURCEIP, PLUTO_MY_SOURCEIP4_1..., PLUTO_PEER_SOURCEIP... (virtual IPs)
///   PATH=/usr/sbin:/usr/bin:/sbin:/bin (the script gets no other variable)
///
/// Ports (strongSwan's rule): a single port or "any" is written as its first
/// port ("0" for any), a range as "from:to". For ICMP/ICMPv6 (either side)
/// PLUTO_MY_PORT is the ICMP type and PLUTO_PEER_PORT the code, as pluto
/// scripts expect. A selector that is an address range, not a prefix, is
/// written as the smallest prefix covering it (strongSwan's to_subnet).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ike/crypto/pki/identity.hpp"
#include "ike/sa/kernel.hpp"
#include "ike/ts/ip_address.hpp"
#include "ike/ts/traffic_selector.hpp"

namespace ike::sa {
struct IkeSa;
struct ChildSa;
}  // namespace ike::sa

namespace ikev2d::updown {

/// What happened to which CHILD SA: everything the environment is made of.
struct ChildEvent {
  bool up = true;
  /// PLUTO_CONNECTION.
  std::string connection;
  /// PLUTO_INTERFACE; "unknown" when empty.
  std::string interface;
  std::uint32_t reqid = 0;
  /// PLUTO_UNIQUEID: the IKE SA's serial.
  std::uint32_t unique_id = 0;
  ike::IpAddress me;
  ike::IpAddress peer;
  ike::pki::Identity my_id;
  ike::pki::Identity peer_id;
  std::vector<ike::ts::TrafficSelector> local_ts;
  std::vector<ike::ts::TrafficSelector> remote_ts;
  ike::sa::Mark mark_in;
  ike::sa::Mark mark_out;
  /// ESP in UDP (NAT or forceencaps): PLUTO_UDP_ENC=peer_port.
  bool udp_encapsulation = false;
  std::uint16_t peer_port = 500;
  bool host_access = false;
  std::vector<ike::IpAddress> my_virtual_ips;
  std::vector<ike::IpAddress> peer_virtual_ips;
};

/// "NAME=value" entries for one selector pair, in a fixed order.
std::vector<std::string> updown_environment(const ChildEvent& event,
                                            const ike::ts::TrafficSelector& my_ts,
                                            const ike::ts::TrafficSelector& peer_ts);

/// One environment per (local, remote) selector pair, local outer.
std::vector<std::vector<std::string>> updown_environments(const ChildEvent& event);

/// "up-client", "down-host-v6", ...
std::string updown_verb(bool up, const ike::ts::TrafficSelector& my_ts, const ike::IpAddress& me);

/// "10.1.0.0/16": the smallest prefix that covers the selector's range.
std::string client_subnet(const ike::ts::TrafficSelector& selector);

/// PLUTO_MY_PORT (local) or PLUTO_PEER_PORT (!local), strongSwan's rule above.
std::string port_text(const ike::ts::TrafficSelector& my_ts,
                      const ike::ts::TrafficSelector& peer_ts, bool local);

/// The event for a CHILD SA of `sa` as the engine holds it: addresses,
/// identities (our ID as the engine sends it when none is configured),
/// negotiated selectors, marks, encapsulation. `interface` and `host_access`
/// come from the daemon (interface_of(), ConnectionSetup::updown_hostaccess).
ChildEvent describe_child(const ike::sa::IkeSa& sa, const ike::sa::ChildSa& child, bool up,
                          std::string interface, bool host_access);

/// The name of the interface that holds `address` (getifaddrs), or "".
std::string interface_of(const ike::IpAddress& address);

}  // namespace ikev2d::updown
