#pragma once
/// Big-endian writing into a growing buffer, with length fields patched once
/// the length is known.

#include <cassert>
#include <cstdint>

#include "ike/bytes.hpp"

namespace ike::wire {

class Writer {
 public:
  explicit Writer(Bytes& out) : out_(out) {}

  std::size_t size() const noexcept { return out_.size(); }

  void u8(std::uint8_t value) { out_.push_back(value); }
  void u16(std::uint16_t value) {
    out_.push_back(static_cast<std::uint8_t>(value >> 8));
    out_.push_back(static_cast<std::uint8_t>(value));
  }
  void u32(std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8)
      out_.push_back(static_cast<std::uint8_t>(value >> shift));
  }
  void u64(std::uint64_t value) {
    for (int shift = 56; shift >= 0; shift -= 8)
      out_.push_back(static_cast<std::uint8_t>(value >> shift));
  }
  void bytes(ByteView data) { out_.insert(out_.end(), data.begin(), data.end()); }
  void zeros(std::size_t count) { out_.insert(out_.end(), count, 0); }

  /// Writes a 16-bit placeholder and returns its position for `patch_u16`.
  std::size_t placeholder_u16() {
    std::size_t at = out_.size();
    u16(0);
    return at;
  }
  void patch_u16(std::size_t at, std::uint16_t value) {
    assert(at + 2 <= out_.size());
    out_[at] = static_cast<std::uint8_t>(value >> 8);
    out_[at + 1] = static_cast<std::uint8_t>(value);
  }
  void patch_u32(std::size_t at, std::uint32_t value) {
    assert(at + 4 <= out_.size());
    for (int i = 0; i < 4; ++i)
      out_[at + i] = static_cast<std::uint8_t>(value >> (24 - 8 * i));
  }

 private:
  Bytes& out_;
};

}  // namespace ike::wire
