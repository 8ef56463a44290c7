#include "ike/ts/ip_prefix.hpp"

#include <algorithm>

namespace ike {
namespace {

std::string quoted(std::string_view text) {
  constexpr std::size_t kMaxShown = 64;
  if (text.size() <= kMaxShown) return "\"" + std::string(text) + "\"";
  return "\"" + std::string(text.substr(0, kMaxShown)) + "...\"";
}

/// The largest prefix that starts at `cursor` (so `cursor` must be aligned to
/// it) and does not pass `end`; requires cursor <= end, same family.
IpPrefix largest_block(const IpAddress& cursor, const IpAddress& end) noexcept {
  unsigned width = address_bits(cursor.family());
  unsigned host_bits = std::min(cursor.trailing_zero_bits(), width);
  while (host_bits > 0 && end < cursor.with_host_bits_set(width - host_bits))
    --host_bits;
  return IpPrefix{cursor, static_cast<std::uint8_t>(width - host_bits)};
}

}  // namespace

IpPrefix IpPrefix::make(const IpAddress& address, unsigned length) noexcept {
  unsigned width = address_bits(address.family());
  length = std::min(length, width);
  return IpPrefix{address.masked(length), static_cast<std::uint8_t>(length)};
}

IpPrefix IpPrefix::host(const IpAddress& address) noexcept {
  return make(address, address_bits(address.family()));
}

Result<IpPrefix> IpPrefix::parse(std::string_view text) {
  auto slash = text.find('/');
  auto address = IpAddress::parse(text.substr(0, slash));
  if (!address) return std::move(address).error();
  unsigned width = address_bits(address->family());
  if (slash == std::string_view::npos) return host(*address);
  std::string_view digits = text.substr(slash + 1);
  bool decimal =
      !digits.empty() && digits.size() <= 3 &&
      std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!decimal) {
    return make_error(Errc::invalid_argument,
                      "prefix length " + quoted(digits) + " is not a decimal number");
  }
  unsigned length = 0;
  for (char c : digits)
    length = length * 10 + static_cast<unsigned>(c - '0');
  if (length > width) {
    return make_error(Errc::invalid_argument, "prefix length " + std::to_string(length) +
                                                  " is above " + std::to_string(width) + " for " +
                                                  std::string(ike::to_string(address->family())));
  }
  return make(*address, length);
}

bool IpPrefix::contains(const IpAddress& other) const noexcept {
  return other.family() == family() && other.masked(length) == address;
}

std::string IpPrefix::to_string() const {
  return address.to_string() + "/" + std::to_string(length);
}

bool is_single_prefix(const IpAddress& start, const IpAddress& end) noexcept {
  if (start.family() != end.family() || end < start) return false;
  return largest_block(start, end).last() == end;
}

std::vector<IpPrefix> range_to_prefixes(const IpAddress& start, const IpAddress& end) {
  std::vector<IpPrefix> out;
  if (start.family() != end.family() || end < start) return out;
  IpAddress cursor = start;
  while (true) {
    IpPrefix block = largest_block(cursor, end);
    out.push_back(block);
    IpAddress last = block.last();
    if (last == end) break;
    auto next = last.next();
    if (!next) break;  // unreachable: last < end <= all-ones
    cursor = *next;
  }
  return out;
}

}  // namespace ike
