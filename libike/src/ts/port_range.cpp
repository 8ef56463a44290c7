#include "ike/ts/port_range.hpp"

#include <algorithm>

namespace ike::ts {

bool PortRange::contains(const PortRange& other) const noexcept {
  if (other.is_opaque()) return is_opaque() || is_any();
  if (is_opaque() || !is_valid() || !other.is_valid()) return false;
  return start <= other.start && other.end <= end;
}

std::optional<PortRange> intersect(const PortRange& a, const PortRange& b) noexcept {
  if (a.is_opaque() || b.is_opaque()) {
    // RFC 4301 4.4.1: OPAQUE matches only where the other side is OPAQUE or ANY.
    if ((a.is_opaque() || a.is_any()) && (b.is_opaque() || b.is_any())) return PortRange::opaque();
    return std::nullopt;
  }
  PortRange common{std::max(a.start, b.start), std::min(a.end, b.end)};
  if (common.start > common.end) return std::nullopt;
  return common;
}

std::vector<PortMask> port_range_to_masks(const PortRange& range) {
  std::vector<PortMask> out;
  if (range.is_opaque() || range.start > range.end) return out;
  unsigned cursor = range.start;
  while (cursor <= range.end) {
    // Largest aligned block starting at cursor that stays within the range.
    unsigned size = cursor == 0 ? 0x10000u : (cursor & (~cursor + 1u));
    while (cursor + size - 1 > range.end)
      size >>= 1;
    auto mask = static_cast<std::uint16_t>(~(size - 1) & 0xffffu);
    out.push_back(PortMask{static_cast<std::uint16_t>(cursor), mask});
    cursor += size;
  }
  return out;
}

}  // namespace ike::ts
