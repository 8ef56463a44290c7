#pragma once
/// Bounds-checked big-endian reading of untrusted bytes. Every read either
/// succeeds completely or returns false and leaves the reader where it was;
/// nothing here ever reads past the view it was given.

#include <cstdint>

#include "ike/bytes.hpp"

namespace ike::wire {

class Reader {
 public:
  explicit Reader(ByteView data) : data_(data) {}

  std::size_t remaining() const noexcept { return data_.size() - offset_; }
  std::size_t offset() const noexcept { return offset_; }
  bool empty() const noexcept { return remaining() == 0; }

  [[nodiscard]] bool u8(std::uint8_t& out) noexcept {
    if (remaining() < 1) return false;
    out = data_[offset_++];
    return true;
  }
  [[nodiscard]] bool u16(std::uint16_t& out) noexcept {
    if (remaining() < 2) return false;
    out = static_cast<std::uint16_t>(data_[offset_] << 8 | data_[offset_ + 1]);
    offset_ += 2;
    return true;
  }
  [[nodiscard]] bool u32(std::uint32_t& out) noexcept {
    if (remaining() < 4) return false;
    out = 0;
    for (int i = 0; i < 4; ++i)
      out = out << 8 | data_[offset_ + i];
    offset_ += 4;
    return true;
  }
  [[nodiscard]] bool u64(std::uint64_t& out) noexcept {
    if (remaining() < 8) return false;
    out = 0;
    for (int i = 0; i < 8; ++i)
      out = out << 8 | data_[offset_ + i];
    offset_ += 8;
    return true;
  }
  /// A view of the next `length` bytes, which stay owned by the input.
  [[nodiscard]] bool view(std::size_t length, ByteView& out) noexcept {
    if (remaining() < length) return false;
    out = data_.subspan(offset_, length);
    offset_ += length;
    return true;
  }
  [[nodiscard]] bool copy(std::size_t length, Bytes& out) {
    ByteView part;
    if (!view(length, part)) return false;
    out.assign(part.begin(), part.end());
    return true;
  }
  [[nodiscard]] bool skip(std::size_t length) noexcept {
    if (remaining() < length) return false;
    offset_ += length;
    return true;
  }
  /// Everything not read yet.
  ByteView rest() noexcept {
    ByteView out = data_.subspan(offset_);
    offset_ = data_.size();
    return out;
  }

 private:
  ByteView data_;
  std::size_t offset_ = 0;
};

}  // namespace ike::wire
