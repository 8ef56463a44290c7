#pragma once
/// Key material that wipes itself: g^ir, SKEYSEED, SK_*, KEYMAT and private
/// keys live in `SecretBytes`, so no copy lingers in freed heap (a rule of
/// RFC 7296 2.14's spirit and of our security defaults in DESIGN.md).

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

#include "ike/bytes.hpp"

namespace ike::crypto {

/// Owns secret bytes and overwrites them on destruction, on assignment and on
/// `clear()`. The buffer has a fixed size from construction on, so it never
/// reallocates and leaves an unwiped copy behind. Deliberately has no
/// stream operator: secrets reach a log only through an explicit `to_hex`.
class SecretBytes {
 public:
  SecretBytes() = default;
  /// `size` zero bytes, to be filled through `span()`.
  explicit SecretBytes(std::size_t size) : bytes_(size) {}
  /// A copy of `data`.
  explicit SecretBytes(ByteView data) : bytes_(data.begin(), data.end()) {}
  SecretBytes(const SecretBytes& other) : bytes_(other.bytes_) {}
  SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) { other.clear(); }
  SecretBytes& operator=(const SecretBytes& other) {
    if (this != &other) {
      clear();
      bytes_ = other.bytes_;
    }
    return *this;
  }
  SecretBytes& operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
      clear();
      bytes_ = std::move(other.bytes_);
      other.clear();
    }
    return *this;
  }
  ~SecretBytes() { secure_wipe(bytes_); }

  std::size_t size() const noexcept { return bytes_.size(); }
  bool empty() const noexcept { return bytes_.empty(); }
  const std::uint8_t* data() const noexcept { return bytes_.data(); }
  std::uint8_t* data() noexcept { return bytes_.data(); }
  ByteView view() const noexcept { return bytes_; }
  /// Writable access to the fixed-size buffer (for OpenSSL to write into).
  std::span<std::uint8_t> span() noexcept { return bytes_; }
  /// Lets a secret be passed wherever a `ByteView` is expected (PRF keys, seeds).
  operator ByteView() const noexcept { return bytes_; }

  /// A new secret holding `length` bytes starting at `offset`.
  SecretBytes slice(std::size_t offset, std::size_t length) const {
    assert(offset <= bytes_.size() && length <= bytes_.size() - offset);
    return SecretBytes(view().subspan(offset, length));
  }

  /// Wipes and empties.
  void clear() noexcept {
    secure_wipe(bytes_);
    bytes_.clear();
    bytes_.shrink_to_fit();
  }

  /// Constant-time equality, for tests and key confirmation.
  friend bool operator==(const SecretBytes& a, const SecretBytes& b) {
    return constant_time_equal(a.view(), b.view());
  }

 private:
  Bytes bytes_;
};

}  // namespace ike::crypto
