#pragma once
/// Byte buffers shared by every layer of libike.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ike {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

/// Lower-case hex of `data`, two characters per byte, no separators.
std::string to_hex(ByteView data);

/// Parses hex digits; whitespace and ':' between byte pairs are ignored so that
/// values can be pasted from logs. Returns nullopt on any other character or an
/// odd digit count.
std::optional<Bytes> from_hex(std::string_view text);

inline ByteView as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

inline Bytes concat(std::initializer_list<ByteView> parts) {
  std::size_t total = 0;
  for (auto part : parts)
    total += part.size();
  Bytes out;
  out.reserve(total);
  for (auto part : parts)
    out.insert(out.end(), part.begin(), part.end());
  return out;
}

/// Compares in time independent of where the inputs differ; for MACs and AUTH values.
bool constant_time_equal(ByteView a, ByteView b);

/// Overwrites `data` so secrets do not linger in freed heap.
void secure_wipe(Bytes& data);

}  // namespace ike
