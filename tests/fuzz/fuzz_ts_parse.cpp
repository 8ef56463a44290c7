// Fuzzes the traffic selector text parsers (leftsubnet= syntax, protocol/port,
// addresses) and checks, for every input that parses:
//   - parse(to_string(x)) == x, for subnet lists, protocol/port and addresses;
//   - every concrete selector satisfies its invariant, and its prefix split
//     covers exactly its address range;
//   - narrowing a list against itself keeps all of its traffic and nothing else.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "ike/ts/ip_address.hpp"
#include "ike/ts/narrowing.hpp"
#include "ike/ts/subnet_syntax.hpp"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

void check_address(std::string_view text) {
  auto address = ike::IpAddress::parse(text);
  if (!address) {
    check(!address.error().reason.empty());
    return;
  }
  auto again = ike::IpAddress::parse(address->to_string());
  check(again && *again == *address);
}

void check_selector(const ike::ts::TrafficSelector& selector) {
  check(selector.is_valid());
  auto prefixes = selector.to_prefixes();
  check(!prefixes.empty());
  check(prefixes.front().first() == selector.start_address);
  check(prefixes.back().last() == selector.end_address);
  check(prefixes.size() <= 2 * ike::address_bits(selector.family()));
  check(selector.as_prefix().has_value() == (prefixes.size() == 1));
  auto wire = ike::ts::from_wire(ike::ts::to_wire(selector));
  check(wire && *wire == selector);
}

void check_subnet_list(std::string_view text) {
  auto parsed = ike::ts::parse_subnet_list(text);
  if (!parsed) {
    check(!parsed.error().reason.empty());
    return;
  }
  auto again = ike::ts::parse_subnet_list(ike::ts::to_string(*parsed));
  check(again && *again == *parsed);

  std::vector<ike::ts::TrafficSelector> concrete;
  for (const auto& entry : *parsed) {
    if (!entry.dynamic) concrete.push_back(entry.selector);
  }
  // The per-selector checks split ranges into up to 254 prefixes, and
  // narrowing is quadratic: long lists would only slow the fuzzer down.
  if (concrete.size() > 8) concrete.resize(8);
  for (const auto& selector : concrete)
    check_selector(selector);
  auto narrowed = ike::ts::narrow(concrete, concrete);
  for (const auto& selector : concrete)
    check(ike::ts::is_covered(selector, narrowed));
  for (const auto& selector : narrowed)
    check(ike::ts::is_covered(selector, concrete));
}

void check_protoport(std::string_view text) {
  auto parsed = ike::ts::parse_protoport(text);
  if (!parsed) return;
  auto printed = ike::ts::protoport_to_string(parsed->protocol, parsed->ports);
  if (printed.empty()) return;  // any/any prints as nothing
  auto again = ike::ts::parse_protoport(printed.substr(1, printed.size() - 2));
  check(again && *again == *parsed);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  check_subnet_list(text);
  check_protoport(text);
  check_address(text);
  return 0;
}
