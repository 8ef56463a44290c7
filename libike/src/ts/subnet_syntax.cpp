#include "ike/ts/subnet_syntax.hpp"

#include <algorithm>

#include "ike/ts/ip_prefix.hpp"
#include "ike/ts/ip_protocol.hpp"

namespace ike::ts {
namespace {

std::string quoted(std::string_view text) {
  constexpr std::size_t kMaxShown = 64;
  if (text.size() <= kMaxShown) return "\"" + std::string(text) + "\"";
  return "\"" + std::string(text.substr(0, kMaxShown)) + "...\"";
}

Error fail(std::string reason) {
  return make_error(Errc::invalid_argument, std::move(reason));
}

/// Prefixes an error's reason with the thing being parsed.
Error in_context(std::string_view what, std::string_view text, Error error) {
  error.reason = std::string(what) + " " + quoted(text) + ": " + error.reason;
  return error;
}

std::string_view trim_blanks(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

bool all_decimal(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// A decimal number up to `max`; `what` names it in errors ("port", "ICMP code").
Result<unsigned> parse_number(std::string_view text, unsigned max, std::string_view what) {
  if (!all_decimal(text)) {
    return fail(std::string(what) + " " + quoted(text) + " is not a decimal number");
  }
  // Long digit strings cannot fit; say so without risking overflow.
  if (text.size() > 6) return fail(std::string(what) + " " + quoted(text) + " is too large");
  unsigned value = 0;
  for (char c : text)
    value = value * 10 + static_cast<unsigned>(c - '0');
  if (value > max) {
    return fail(std::string(what) + " " + std::to_string(value) + " is above " +
                std::to_string(max));
  }
  return value;
}

Result<std::uint8_t> parse_protocol(std::string_view text) {
  if (text.empty() || text == "%any") return kProtocolAny;
  if (all_decimal(text)) {
    auto number = parse_number(text, 255, "protocol");
    if (!number) return std::move(number).error();
    return static_cast<std::uint8_t>(*number);
  }
  if (auto number = protocol_from_name(text)) return *number;
  return fail("unknown protocol " + quoted(text));
}

/// "type(code)" for ICMP, already encoded.
Result<std::uint16_t> parse_icmp_type_code(std::string_view text, std::uint8_t protocol) {
  auto open = text.find('(');
  if (!is_icmp(protocol)) {
    return fail(quoted(text) + ": type(code) is only for icmp and ipv6-icmp");
  }
  if (text.back() != ')') return fail("ICMP value " + quoted(text) + " lacks the closing ')'");
  auto type = parse_number(text.substr(0, open), 255, "ICMP type");
  if (!type) return std::move(type).error();
  auto code = parse_number(text.substr(open + 1, text.size() - open - 2), 255, "ICMP code");
  if (!code) return std::move(code).error();
  return icmp_port(static_cast<std::uint8_t>(*type), static_cast<std::uint8_t>(*code));
}

/// One port value, encoded for the protocol (see the header on ICMP).
Result<std::uint16_t> parse_port_value(std::string_view text, std::uint8_t protocol) {
  if (text.empty()) return fail("a port is empty");
  if (text.find('(') != std::string_view::npos) return parse_icmp_type_code(text, protocol);
  unsigned value = 0;
  if (all_decimal(text)) {
    auto number = parse_number(text, 65535, "port");
    if (!number) return std::move(number).error();
    value = *number;
  } else if (auto port = port_from_service_name(text)) {
    value = *port;
  } else {
    return fail("unknown port or service " + quoted(text));
  }
  // strongSwan: for ICMP a value below 256 is a message type with code 0.
  if (is_icmp(protocol) && value < 256) return icmp_port(static_cast<std::uint8_t>(value), 0);
  return static_cast<std::uint16_t>(value);
}

Result<PortRange> parse_ports(std::string_view text, std::uint8_t protocol) {
  if (text.empty() || text == "%any") return PortRange::any();
  if (text == "%opaque" || text == "OPAQUE") return PortRange::opaque();
  if (text.find('/') != std::string_view::npos) {
    return fail("port " + quoted(text) + " contains a second '/'");
  }
  auto dash = text.find('-');
  // A service name may itself contain '-' (ipsec-nat-t): try it whole first.
  if (dash == std::string_view::npos || port_from_service_name(text)) {
    auto port = parse_port_value(text, protocol);
    if (!port) return std::move(port).error();
    return PortRange::single(*port);
  }
  std::string_view first = text.substr(0, dash), last = text.substr(dash + 1);
  if (first.empty()) return fail("port range " + quoted(text) + " has no start");
  if (last.empty()) return fail("port range " + quoted(text) + " has no end");
  auto start = parse_port_value(first, protocol);
  if (!start) return std::move(start).error();
  auto end = parse_port_value(last, protocol);
  if (!end) return std::move(end).error();
  if (*start > *end) {
    return fail("port range " + quoted(text) + " is reversed (" + std::to_string(*start) + " > " +
                std::to_string(*end) + ")");
  }
  return PortRange{*start, *end};
}

Result<ProtoPort> parse_protoport_body(std::string_view text) {
  auto slash = text.find('/');
  auto protocol = parse_protocol(text.substr(0, slash));
  if (!protocol) return std::move(protocol).error();
  if (slash == std::string_view::npos) return ProtoPort{*protocol, PortRange::any()};
  auto ports = parse_ports(text.substr(slash + 1), *protocol);
  if (!ports) return std::move(ports).error();
  return ProtoPort{*protocol, *ports};
}

Result<TrafficSelector> parse_range(std::string_view text, std::size_t separator,
                                    std::size_t separator_length) {
  std::string_view first = text.substr(0, separator);
  std::string_view last = text.substr(separator + separator_length);
  if (first.empty()) return fail("the range start is missing");
  if (last.empty()) return fail("the range end is missing");
  auto start = IpAddress::parse(first);
  if (!start) return std::move(start).error();
  auto end = IpAddress::parse(last);
  if (!end) return std::move(end).error();
  return TrafficSelector::from_range(*start, *end);
}

/// A prefix, an address, or a range "a-b" / "a..b".
Result<TrafficSelector> parse_address_part(std::string_view text) {
  if (auto dots = text.find(".."); dots != std::string_view::npos)
    return parse_range(text, dots, 2);
  if (auto dash = text.find('-'); dash != std::string_view::npos) return parse_range(text, dash, 1);
  auto prefix = IpPrefix::parse(text);
  if (!prefix) return std::move(prefix).error();
  return TrafficSelector::from_prefix(*prefix);
}

/// The part before "[": %dynamic, a prefix, an address, or a range.
Result<SelectorTemplate> parse_subnet(std::string_view text) {
  if (text.empty()) return fail("the subnet is missing");
  if (text == "%dynamic" || text == "dynamic") return SelectorTemplate::dynamic_host();
  if (text.front() == '%') {
    return fail("unknown keyword " + quoted(text) +
                " (write 0.0.0.0/0 or ::/0 for every address, %dynamic for this host)");
  }
  auto selector = parse_address_part(text);
  if (!selector) return std::move(selector).error();
  return SelectorTemplate::concrete(*selector);
}

/// One list item: subnet, then an optional "[proto/port]" that wins over the
/// side's default.
Result<SelectorTemplate> parse_item(std::string_view item, const ProtoPort& side_default) {
  auto open = item.find('[');
  auto close = item.find(']');
  if (open == std::string_view::npos) {
    if (close != std::string_view::npos) return fail("unexpected ']'");
  } else {
    if (close == std::string_view::npos) return fail("missing ']'");
    if (close < open) return fail("unexpected ']' before '['");
    if (item.find('[', open + 1) != std::string_view::npos) return fail("unexpected second '['");
    if (close + 1 != item.size()) {
      return fail("unexpected text " + quoted(item.substr(close + 1)) + " after ']'");
    }
  }
  auto parsed = parse_subnet(item.substr(0, open));
  if (!parsed) return std::move(parsed).error();
  ProtoPort restriction = side_default;
  if (open != std::string_view::npos) {
    auto inner = parse_protoport_body(item.substr(open + 1, close - open - 1));
    if (!inner) return std::move(inner).error();
    restriction = *inner;
  }
  parsed->selector.protocol = restriction.protocol;
  parsed->selector.ports = restriction.ports;
  return parsed;
}

}  // namespace

SelectorTemplate SelectorTemplate::dynamic_host(ProtoPort restriction) noexcept {
  SelectorTemplate out;
  out.dynamic = true;
  out.selector = TrafficSelector::any(AddressFamily::ipv4);
  out.selector.protocol = restriction.protocol;
  out.selector.ports = restriction.ports;
  return out;
}

SelectorTemplate SelectorTemplate::concrete(const TrafficSelector& selector) noexcept {
  return SelectorTemplate{false, selector};
}

std::string SelectorTemplate::to_string() const {
  if (!dynamic) return selector.to_string();
  return "%dynamic" + protoport_to_string(selector.protocol, selector.ports);
}

Result<ProtoPort> parse_protoport(std::string_view text) {
  auto parsed = parse_protoport_body(text);
  if (!parsed) return in_context("protocol/port", text, std::move(parsed).error());
  return parsed;
}

Result<std::vector<SelectorTemplate>> parse_subnet_list(std::string_view text,
                                                        ProtoPort side_default) {
  if (trim_blanks(text).empty()) return fail("empty traffic selector list");
  std::vector<SelectorTemplate> out;
  std::size_t pos = 0;
  for (std::size_t index = 1;; ++index) {
    auto comma = text.find(',', pos);
    std::string_view item = trim_blanks(text.substr(pos, comma - pos));
    if (item.empty()) {
      return fail("traffic selector list " + quoted(text) + ": item " + std::to_string(index) +
                  " is empty");
    }
    auto parsed = parse_item(item, side_default);
    if (!parsed) return in_context("traffic selector", item, std::move(parsed).error());
    out.push_back(*parsed);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return out;
}

std::vector<SelectorTemplate> default_side_selectors(ProtoPort side_default) {
  return {SelectorTemplate::dynamic_host(side_default)};
}

std::string to_string(std::span<const SelectorTemplate> templates) {
  std::string out;
  for (const auto& entry : templates) {
    if (!out.empty()) out += ", ";
    out += entry.to_string();
  }
  return out;
}

bool has_dynamic(std::span<const SelectorTemplate> templates) noexcept {
  return std::any_of(templates.begin(), templates.end(),
                     [](const SelectorTemplate& entry) { return entry.dynamic; });
}

std::vector<TrafficSelector> resolve(std::span<const SelectorTemplate> templates,
                                     std::span<const IpAddress> hosts) {
  std::vector<TrafficSelector> out;
  auto add = [&out](const TrafficSelector& selector) {
    if (std::find(out.begin(), out.end(), selector) == out.end()) out.push_back(selector);
  };
  for (const auto& entry : templates) {
    if (!entry.dynamic) {
      add(entry.selector);
      continue;
    }
    for (const auto& host : hosts) {
      TrafficSelector selector =
          host.is_zero() ? TrafficSelector::any(host.family()) : TrafficSelector::host(host);
      selector.protocol = entry.selector.protocol;
      selector.ports = entry.selector.ports;
      add(selector);
    }
  }
  return out;
}

}  // namespace ike::ts
