#include "ike/ts/traffic_selector.hpp"

#include <algorithm>

#include "ike/ts/ip_protocol.hpp"

namespace ike::ts {
namespace {

std::string icmp_value_to_string(std::uint16_t port) {
  std::string out = std::to_string(icmp_type(port));
  if (icmp_code(port) != 0) out += "(" + std::to_string(icmp_code(port)) + ")";
  return out;
}

std::string port_value_to_string(std::uint8_t protocol, std::uint16_t port) {
  return is_icmp(protocol) ? icmp_value_to_string(port) : std::to_string(port);
}

Error wire_error(const std::string& reason) {
  return make_error(Errc::invalid_syntax, reason);
}

}  // namespace

std::string protoport_to_string(std::uint8_t protocol, const PortRange& ports) {
  if (protocol == kProtocolAny && ports.is_any()) return "";
  std::string out = "[";
  out += protocol == kProtocolAny ? "%any" : protocol_to_string(protocol);
  if (ports.is_any()) return out + "]";
  out += "/";
  if (ports.is_opaque()) {
    out += "OPAQUE";
  } else if (ports.start == ports.end) {
    out += port_value_to_string(protocol, ports.start);
  } else {
    out += port_value_to_string(protocol, ports.start) + "-" +
           port_value_to_string(protocol, ports.end);
  }
  return out + "]";
}

TrafficSelector TrafficSelector::any(AddressFamily family) noexcept {
  return TrafficSelector{IpAddress::zero(family), IpAddress::all_ones(family), 0, PortRange::any()};
}

TrafficSelector TrafficSelector::from_prefix(const IpPrefix& prefix, std::uint8_t protocol,
                                             PortRange ports) noexcept {
  return TrafficSelector{prefix.first(), prefix.last(), protocol, ports};
}

TrafficSelector TrafficSelector::host(const IpAddress& address, std::uint8_t protocol,
                                      PortRange ports) noexcept {
  return TrafficSelector{address, address, protocol, ports};
}

Result<TrafficSelector> TrafficSelector::from_range(const IpAddress& start, const IpAddress& end,
                                                    std::uint8_t protocol, PortRange ports) {
  if (start.family() != end.family()) {
    return make_error(Errc::invalid_argument, "range " + start.to_string() + "-" + end.to_string() +
                                                  " mixes IPv4 and IPv6");
  }
  if (end < start) {
    return make_error(Errc::invalid_argument,
                      "range start " + start.to_string() + " is above its end " + end.to_string());
  }
  if (!ports.is_valid()) {
    return make_error(Errc::invalid_argument, "port range " + std::to_string(ports.start) + "-" +
                                                  std::to_string(ports.end) + " is empty");
  }
  return TrafficSelector{start, end, protocol, ports};
}

bool TrafficSelector::is_valid() const noexcept {
  return start_address.family() == end_address.family() && !(end_address < start_address) &&
         ports.is_valid();
}

std::optional<IpPrefix> TrafficSelector::as_prefix() const noexcept {
  if (!is_single_prefix(start_address, end_address)) return std::nullopt;
  unsigned width = address_bits(family());
  unsigned length = width - std::min(start_address.trailing_zero_bits(), width);
  // start is aligned to `length`; the range is that block or a smaller one.
  while (start_address.with_host_bits_set(length) != end_address)
    ++length;
  return IpPrefix{start_address, static_cast<std::uint8_t>(length)};
}

std::vector<IpPrefix> TrafficSelector::to_prefixes() const {
  return range_to_prefixes(start_address, end_address);
}

bool TrafficSelector::contains(const IpAddress& address) const noexcept {
  return address.family() == family() && !(address < start_address) && !(end_address < address);
}

bool TrafficSelector::contains(const TrafficSelector& other) const noexcept {
  if (other.family() != family()) return false;
  if (protocol != kProtocolAny && protocol != other.protocol) return false;
  return !(other.start_address < start_address) && !(end_address < other.end_address) &&
         ports.contains(other.ports);
}

std::string TrafficSelector::to_string() const {
  std::string out;
  if (auto prefix = as_prefix()) {
    out = prefix->to_string();
  } else {
    out = start_address.to_string() + ".." + end_address.to_string();
  }
  return out + protoport_to_string(protocol, ports);
}

std::optional<TrafficSelector> intersect(const TrafficSelector& a,
                                         const TrafficSelector& b) noexcept {
  if (a.family() != b.family()) return std::nullopt;
  if (a.protocol != b.protocol && a.protocol != kProtocolAny && b.protocol != kProtocolAny) {
    return std::nullopt;
  }
  auto ports = intersect(a.ports, b.ports);
  if (!ports) return std::nullopt;
  IpAddress start = std::max(a.start_address, b.start_address);
  IpAddress end = std::min(a.end_address, b.end_address);
  if (end < start) return std::nullopt;
  return TrafficSelector{start, end, std::max(a.protocol, b.protocol), *ports};
}

std::string to_string(std::span<const TrafficSelector> selectors) {
  std::string out;
  for (const auto& selector : selectors) {
    if (!out.empty()) out += ", ";
    out += selector.to_string();
  }
  return out;
}

wire::TrafficSelector to_wire(const TrafficSelector& selector) {
  wire::TrafficSelector out;
  out.type = selector.family() == AddressFamily::ipv4 ? wire::TsType::ipv4_addr_range
                                                      : wire::TsType::ipv6_addr_range;
  out.ip_protocol = selector.protocol;
  out.start_port = selector.ports.start;
  out.end_port = selector.ports.end;
  out.start_address = selector.start_address.to_bytes();
  out.end_address = selector.end_address.to_bytes();
  return out;
}

std::vector<wire::TrafficSelector> to_wire(std::span<const TrafficSelector> selectors) {
  std::vector<wire::TrafficSelector> out;
  out.reserve(selectors.size());
  for (const auto& selector : selectors)
    out.push_back(to_wire(selector));
  return out;
}

Result<TrafficSelector> from_wire(const wire::TrafficSelector& selector) {
  std::size_t length = 0;
  if (selector.type == wire::TsType::ipv4_addr_range) {
    length = 4;
  } else if (selector.type == wire::TsType::ipv6_addr_range) {
    length = 16;
  } else {
    return wire_error("unsupported TS type " + wire::to_string(selector.type));
  }
  std::string type_name(wire::name(selector.type));
  if (selector.start_address.size() != length || selector.end_address.size() != length) {
    return wire_error(type_name + " needs " + std::to_string(length) + "-byte addresses, got " +
                      std::to_string(selector.start_address.size()) + " and " +
                      std::to_string(selector.end_address.size()));
  }
  auto start = IpAddress::from_bytes(selector.start_address);
  auto end = IpAddress::from_bytes(selector.end_address);
  if (!start || !end) return wire_error(type_name + ": unreadable address");
  if (*end < *start) {
    return wire_error(type_name + ": start address " + start->to_string() +
                      " is above end address " + end->to_string());
  }
  PortRange ports{selector.start_port, selector.end_port};
  if (!ports.is_valid()) {
    return wire_error(type_name + ": start port " + std::to_string(ports.start) +
                      " is above end port " + std::to_string(ports.end));
  }
  return TrafficSelector{*start, *end, selector.ip_protocol, ports};
}

Result<std::vector<TrafficSelector>> from_wire(std::span<const wire::TrafficSelector> selectors) {
  std::vector<TrafficSelector> out;
  out.reserve(selectors.size());
  for (std::size_t i = 0; i < selectors.size(); ++i) {
    auto selector = from_wire(selectors[i]);
    if (!selector) {
      Error error = std::move(selector).error();
      error.reason = "TS " + std::to_string(i + 1) + ": " + error.reason;
      return error;
    }
    out.push_back(*selector);
  }
  return out;
}

}  // namespace ike::ts
