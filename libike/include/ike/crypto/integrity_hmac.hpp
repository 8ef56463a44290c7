#pragma once
/// HMAC-SHA2 integrity with truncated output (RFC 4868): HMAC-SHA2-256-128,
/// HMAC-SHA2-384-192 and HMAC-SHA2-512-256, keyed once per direction.

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>

#include "ike/bytes.hpp"
#include "ike/crypto/cipher_algorithms.hpp"
#include "ike/crypto/cipher_description.hpp"
#include "ike/error.hpp"

namespace ike::crypto {

class HmacIntegrity {
 public:
  /// `key` must be exactly description.key_size bytes (RFC 4868 2.1.1: the
  /// key is as long as the hash output).
  static Result<HmacIntegrity> create(const CipherAlgorithms& algorithms,
                                      const IntegrityDescription& description, ByteView key);

  HmacIntegrity(HmacIntegrity&&) noexcept;
  HmacIntegrity& operator=(HmacIntegrity&&) noexcept;
  ~HmacIntegrity();

  std::size_t icv_size() const noexcept { return icv_size_; }

  /// The truncated MAC over the concatenation of `parts`, into `icv`
  /// (icv_size() bytes).
  Status compute(std::initializer_list<ByteView> parts, std::span<std::uint8_t> icv);
  /// The same, returned.
  Result<Bytes> compute(ByteView data);

  /// Computes over `parts` and compares with `icv` in constant time; a
  /// mismatch is Error{integrity_check_failed}.
  Status verify(std::initializer_list<ByteView> parts, ByteView icv);

 private:
  struct State;
  HmacIntegrity(std::unique_ptr<State> state, std::size_t icv_size);
  std::unique_ptr<State> state_;
  std::size_t icv_size_;
};

}  // namespace ike::crypto
