#include "xfrm/xfrm_selector.hpp"

#include <arpa/inet.h>

#include <cstring>
#include <string>

#include "ike/ts/port_range.hpp"

namespace ikev2d::xfrm {

namespace {

using ike::ts::PortMask;
using ike::ts::PortRange;
using ike::ts::TrafficSelector;

bool is_icmp(std::uint8_t protocol) noexcept {
  return protocol == IPPROTO_ICMP || protocol == IPPROTO_ICMPV6;
}

/// Protocols whose packets have ports the kernel selector can match; for the
/// others xfrm_flowi_sport/dport yield 0 or something else (GRE keys).
bool has_ports(std::uint8_t protocol) noexcept {
  return protocol == 0 || protocol == IPPROTO_TCP || protocol == IPPROTO_UDP ||
         protocol == IPPROTO_SCTP || protocol == IPPROTO_UDPLITE;
}

std::string describe(const TrafficSelector& source, const TrafficSelector& destination) {
  return "traffic " + source.to_string() + " === " + destination.to_string();
}

ike::Error refuse(const TrafficSelector& source, const TrafficSelector& destination,
                  const std::string& why) {
  return ike::make_error(ike::Errc::invalid_argument,
                         describe(source, destination) + " cannot be an XFRM selector: " + why);
}

/// Source and destination port matches of one kernel selector.
struct PortPair {
  PortMask source;
  PortMask destination;
};

ike::Result<std::vector<PortPair>> port_pairs(const TrafficSelector& source,
                                              const TrafficSelector& destination,
                                              std::uint8_t protocol) {
  if (source.ports.is_opaque() || destination.ports.is_opaque()) {
    return refuse(source, destination, "OPAQUE ports have no kernel selector");
  }
  std::vector<PortPair> pairs;
  if (is_icmp(protocol)) {
    auto common = ike::ts::intersect(source.ports, destination.ports);
    if (!common) return refuse(source, destination, "the ICMP type/code ranges do not overlap");
    for (const auto& mask : ike::ts::port_range_to_masks(*common)) {
      // Type in the source port, code in the destination port (see header).
      pairs.push_back(
          PortPair{PortMask{ike::ts::icmp_type(mask.port), ike::ts::icmp_type(mask.mask)},
                   PortMask{ike::ts::icmp_code(mask.port), ike::ts::icmp_code(mask.mask)}});
    }
    return pairs;
  }
  if (!has_ports(protocol) && !(source.ports.is_any() && destination.ports.is_any())) {
    return refuse(source, destination,
                  "IP protocol " + std::to_string(protocol) + " has no ports to select on");
  }
  auto source_masks = ike::ts::port_range_to_masks(source.ports);
  auto destination_masks = ike::ts::port_range_to_masks(destination.ports);
  for (const auto& source_mask : source_masks) {
    for (const auto& destination_mask : destination_masks) {
      pairs.push_back(PortPair{source_mask, destination_mask});
    }
  }
  return pairs;
}

ike::Result<std::uint8_t> common_protocol(const TrafficSelector& source,
                                          const TrafficSelector& destination) {
  if (source.protocol != 0 && destination.protocol != 0 &&
      source.protocol != destination.protocol) {
    return refuse(source, destination, "the two sides name different IP protocols");
  }
  return source.protocol != 0 ? source.protocol : destination.protocol;
}

unsigned common_leading_bits(const ike::IpAddress& a, const ike::IpAddress& b) {
  auto left = a.bytes();
  auto right = b.bytes();
  unsigned bits = 0;
  for (std::size_t i = 0; i < left.size(); ++i) {
    auto differing = static_cast<std::uint8_t>(left[i] ^ right[i]);
    if (differing == 0) {
      bits += 8;
      continue;
    }
    for (std::uint8_t probe = 0x80; (differing & probe) == 0; probe >>= 1)
      ++bits;
    break;
  }
  return bits;
}

xfrm_selector empty_selector(ike::AddressFamily family) {
  xfrm_selector selector;
  std::memset(&selector, 0, sizeof(selector));
  selector.family = kernel_family(family);
  return selector;
}

PortRange range_of(std::uint16_t port, std::uint16_t mask) {
  if (mask == 0) return PortRange::any();
  auto low = static_cast<std::uint16_t>(port & mask);
  auto high = static_cast<std::uint16_t>(low | static_cast<std::uint16_t>(~mask));
  return PortRange{low, high};
}

}  // namespace

ike::Result<std::vector<xfrm_selector>> to_xfrm_selectors(const TrafficSelector& source,
                                                          const TrafficSelector& destination,
                                                          std::size_t limit) {
  if (source.family() != destination.family()) {
    return refuse(source, destination, "the two sides are of different address families");
  }
  if (!source.is_valid() || !destination.is_valid()) {
    return refuse(source, destination, "a selector is not valid");
  }
  auto protocol = common_protocol(source, destination);
  if (!protocol) return std::move(protocol).error();
  auto ports = port_pairs(source, destination, *protocol);
  if (!ports) return std::move(ports).error();
  auto source_prefixes = source.to_prefixes();
  auto destination_prefixes = destination.to_prefixes();
  std::size_t count = source_prefixes.size() * destination_prefixes.size() * ports->size();
  if (count > limit) {
    return refuse(source, destination,
                  "it needs " + std::to_string(count) + " kernel selectors (" +
                      std::to_string(source_prefixes.size()) + " source prefixes x " +
                      std::to_string(destination_prefixes.size()) + " destination prefixes x " +
                      std::to_string(ports->size()) + " port masks), more than " +
                      std::to_string(limit));
  }
  std::vector<xfrm_selector> selectors;
  selectors.reserve(count);
  for (const auto& source_prefix : source_prefixes) {
    for (const auto& destination_prefix : destination_prefixes) {
      for (const auto& pair : *ports) {
        auto selector = empty_selector(source.family());
        selector.saddr = to_xfrm_address(source_prefix.address);
        selector.prefixlen_s = source_prefix.length;
        selector.daddr = to_xfrm_address(destination_prefix.address);
        selector.prefixlen_d = destination_prefix.length;
        selector.proto = *protocol;
        selector.sport = htons(pair.source.port);
        selector.sport_mask = htons(pair.source.mask);
        selector.dport = htons(pair.destination.port);
        selector.dport_mask = htons(pair.destination.mask);
        selectors.push_back(selector);
      }
    }
  }
  return selectors;
}

ike::IpPrefix covering_prefix(const TrafficSelector& selector) {
  return ike::IpPrefix::make(selector.start_address,
                             common_leading_bits(selector.start_address, selector.end_address));
}

xfrm_selector covering_address_selector(const TrafficSelector& source,
                                        const TrafficSelector& destination) {
  auto selector = empty_selector(source.family());
  auto source_prefix = covering_prefix(source);
  auto destination_prefix = covering_prefix(destination);
  selector.saddr = to_xfrm_address(source_prefix.address);
  selector.prefixlen_s = source_prefix.length;
  selector.daddr = to_xfrm_address(destination_prefix.address);
  selector.prefixlen_d = destination_prefix.length;
  return selector;
}

ike::Result<SelectorPair> from_xfrm_selector(const xfrm_selector& selector) {
  auto source_address = from_xfrm_address(selector.saddr, selector.family);
  if (!source_address) return std::move(source_address).error();
  auto destination_address = from_xfrm_address(selector.daddr, selector.family);
  if (!destination_address) return std::move(destination_address).error();
  unsigned width = ike::address_bits(source_address->family());
  if (selector.prefixlen_s > width || selector.prefixlen_d > width) {
    return ike::make_error(
        ike::Errc::invalid_syntax,
        "selector prefix length " +
            std::to_string(std::max(selector.prefixlen_s, selector.prefixlen_d)) + " is above " +
            std::to_string(width));
  }
  auto source_prefix = ike::IpPrefix::make(*source_address, selector.prefixlen_s);
  auto destination_prefix = ike::IpPrefix::make(*destination_address, selector.prefixlen_d);
  PortRange source_ports;
  PortRange destination_ports;
  if (is_icmp(selector.proto)) {
    auto type = static_cast<std::uint8_t>(ntohs(selector.sport));
    auto type_mask = static_cast<std::uint8_t>(ntohs(selector.sport_mask));
    auto code = static_cast<std::uint8_t>(ntohs(selector.dport));
    auto code_mask = static_cast<std::uint8_t>(ntohs(selector.dport_mask));
    auto port = ike::ts::icmp_port(type, code);
    auto mask = type_mask == 0 ? std::uint16_t{0} : ike::ts::icmp_port(type_mask, code_mask);
    source_ports = destination_ports = range_of(port, mask);
  } else {
    source_ports = range_of(ntohs(selector.sport), ntohs(selector.sport_mask));
    destination_ports = range_of(ntohs(selector.dport), ntohs(selector.dport_mask));
  }
  return SelectorPair{
      TrafficSelector::from_prefix(source_prefix, selector.proto, source_ports),
      TrafficSelector::from_prefix(destination_prefix, selector.proto, destination_ports)};
}

}  // namespace ikev2d::xfrm
