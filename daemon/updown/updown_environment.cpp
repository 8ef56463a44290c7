#include "updown/updown_environment.hpp"

#include <cstdio>

#include "ike/ts/ip_protocol.hpp"

namespace ikev2d::updown {
namespace {

using ike::ts::TrafficSelector;

/// Number of leading bits start and end share: the prefix length of the
/// smallest prefix covering start..end.
unsigned common_prefix_bits(const ike::IpAddress& start, const ike::IpAddress& end) {
  auto a = start.bytes();
  auto b = end.bytes();
  unsigned bits = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::uint8_t diff = a[i] ^ b[i];
    if (diff == 0) {
      bits += 8;
      continue;
    }
    for (std::uint8_t mask = 0x80; (diff & mask) == 0; mask >>= 1)
      ++bits;
    break;
  }
  return bits;
}

std::string mark_text(const ike::sa::Mark& mark) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%u/0x%08x", mark.value, mark.mask);
  return buffer;
}

void push(std::vector<std::string>& env, const char* name, const std::string& value) {
  env.push_back(std::string(name) + "=" + value);
}

/// PLUTO_MY_SOURCEIP (the first) and PLUTO_MY_SOURCEIP4_1, _4_2, 6_1, ...
void push_virtual_ips(std::vector<std::string>& env, const char* prefix,
                      const std::vector<ike::IpAddress>& addresses) {
  if (addresses.empty()) return;
  push(env, prefix, addresses.front().to_string());
  unsigned v4 = 0;
  unsigned v6 = 0;
  for (const auto& address : addresses) {
    auto name = std::string(prefix) +
                (address.is_v4() ? "4_" + std::to_string(++v4) : "6_" + std::to_string(++v6));
    env.push_back(name + "=" + address.to_string());
  }
}

}  // namespace

std::string updown_verb(bool up, const TrafficSelector& my_ts, const ike::IpAddress& me) {
  bool is_host = my_ts.is_host() && my_ts.start_address == me;
  std::string verb = up ? "up" : "down";
  verb += is_host ? "-host" : "-client";
  if (my_ts.family() == ike::AddressFamily::ipv6) verb += "-v6";
  return verb;
}

std::string client_subnet(const TrafficSelector& selector) {
  auto bits = common_prefix_bits(selector.start_address, selector.end_address);
  return selector.start_address.masked(bits).to_string() + "/" + std::to_string(bits);
}

std::string port_text(const TrafficSelector& my_ts, const TrafficSelector& peer_ts, bool local) {
  auto protocol = std::max(my_ts.protocol, peer_ts.protocol);
  if (ike::ts::is_icmp(protocol)) {
    auto port = std::max(my_ts.ports.start, peer_ts.ports.start);
    return std::to_string(local ? ike::ts::icmp_type(port) : ike::ts::icmp_code(port));
  }
  const auto& ports = local ? my_ts.ports : peer_ts.ports;
  if (ports.start == ports.end || ports.is_any()) return std::to_string(ports.start);
  return std::to_string(ports.start) + ":" + std::to_string(ports.end);
}

std::vector<std::string> updown_environment(const ChildEvent& event, const TrafficSelector& my_ts,
                                            const TrafficSelector& peer_ts) {
  std::vector<std::string> env;
  push(env, "PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
  push(env, "PLUTO_VERSION", "1.1");
  push(env, "PLUTO_VERB", updown_verb(event.up, my_ts, event.me));
  push(env, "PLUTO_CONNECTION", event.connection);
  push(env, "PLUTO_INTERFACE", event.interface.empty() ? "unknown" : event.interface);
  push(env, "PLUTO_REQID", std::to_string(event.reqid));
  push(env, "PLUTO_PROTO", "esp");
  push(env, "PLUTO_UNIQUEID", std::to_string(event.unique_id));
  push(env, "PLUTO_ME", event.me.to_string());
  push(env, "PLUTO_MY_ID", event.my_id.to_string());
  push(env, "PLUTO_MY_CLIENT", client_subnet(my_ts));
  push(env, "PLUTO_MY_PORT", port_text(my_ts, peer_ts, true));
  push(env, "PLUTO_MY_PROTOCOL", std::to_string(my_ts.protocol));
  push(env, "PLUTO_PEER", event.peer.to_string());
  push(env, "PLUTO_PEER_ID", event.peer_id.to_string());
  push(env, "PLUTO_PEER_CLIENT", client_subnet(peer_ts));
  push(env, "PLUTO_PEER_PORT", port_text(my_ts, peer_ts, false));
  push(env, "PLUTO_PEER_PROTOCOL", std::to_string(peer_ts.protocol));
  if (event.mark_in.value != 0) push(env, "PLUTO_MARK_IN", mark_text(event.mark_in));
  if (event.mark_out.value != 0) push(env, "PLUTO_MARK_OUT", mark_text(event.mark_out));
  if (event.udp_encapsulation) push(env, "PLUTO_UDP_ENC", std::to_string(event.peer_port));
  if (event.host_access) push(env, "PLUTO_HOST_ACCESS", "1");
  push_virtual_ips(env, "PLUTO_MY_SOURCEIP", event.my_virtual_ips);
  push_virtual_ips(env, "PLUTO_PEER_SOURCEIP", event.peer_virtual_ips);
  return env;
}

std::vector<std::vector<std::string>> updown_environments(const ChildEvent& event) {
  std::vector<std::vector<std::string>> out;
  for (const auto& my_ts : event.local_ts) {
    for (const auto& peer_ts : event.remote_ts) {
      out.push_back(updown_environment(event, my_ts, peer_ts));
    }
  }
  return out;
}

}  // namespace ikev2d::updown
