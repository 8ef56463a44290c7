#pragma once
/// A secret from ipsec.secrets (pre-shared key, EAP password, key
/// passphrase). Its printed forms never show the value: `to_string()` and
/// `operator<<` give "<redacted>", so a secret that slips into a log line, an
/// `ikectl` answer or a test failure message stays secret. The bytes are
/// wiped when the object goes away.

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

#include "ike/bytes.hpp"

namespace ike::config {

class Secret {
 public:
  Secret() = default;
  explicit Secret(ByteView value) : value_(value.begin(), value.end()) {}
  explicit Secret(std::string_view value) : Secret(as_bytes(value)) {}
  /// Takes the buffer over, so no unwiped copy is left behind.
  explicit Secret(Bytes&& value) noexcept : value_(std::move(value)) {}
  Secret(const Secret& other) = default;
  Secret(Secret&& other) noexcept;
  Secret& operator=(const Secret& other);
  Secret& operator=(Secret&& other) noexcept;
  ~Secret();

  /// The value itself, for the code that keys a PRF or opens a key file.
  /// Named so that every use is easy to find in review.
  ByteView reveal() const noexcept { return value_; }
  std::size_t size() const noexcept { return value_.size(); }
  bool empty() const noexcept { return value_.empty(); }

  /// Always "<redacted>".
  std::string to_string() const { return "<redacted>"; }

  /// Constant-time comparison (constant_time_equal).
  friend bool operator==(const Secret& a, const Secret& b);

 private:
  Bytes value_;
};

/// Writes "<redacted>"; also what GoogleTest prints for a Secret.
std::ostream& operator<<(std::ostream& out, const Secret& secret);

}  // namespace ike::config
