#pragma once
/// AES-CBC without padding (RFC 3602 as used by RFC 7296 3.14): the caller
/// pads to the block size itself, so every length here is a whole number of
/// blocks. Keyed once per direction; each call sets only the IV.

#include <cstdint>
#include <memory>
#include <span>

#include "ike/bytes.hpp"
#include "ike/crypto/cipher_algorithms.hpp"
#include "ike/crypto/cipher_description.hpp"
#include "ike/error.hpp"

namespace ike::crypto {

class CbcCipher {
 public:
  /// `key` must be exactly description.key_size bytes.
  static Result<CbcCipher> create(const CipherAlgorithms& algorithms,
                                  const CipherDescription& description, ByteView key);

  CbcCipher(CbcCipher&&) noexcept;
  CbcCipher& operator=(CbcCipher&&) noexcept;
  ~CbcCipher();

  std::size_t iv_size() const noexcept { return block_size_; }
  std::size_t block_size() const noexcept { return block_size_; }

  /// Encrypts `data` (a multiple of the block size) in place under `iv`.
  Status encrypt(ByteView iv, std::span<std::uint8_t> data);
  /// Decrypts `data` (a multiple of the block size) in place under `iv`.
  Status decrypt(ByteView iv, std::span<std::uint8_t> data);

 private:
  struct State;
  CbcCipher(std::unique_ptr<State> state, std::size_t block_size);
  Status run(bool encrypt, ByteView iv, std::span<std::uint8_t> data);
  std::unique_ptr<State> state_;
  std::size_t block_size_;
};

}  // namespace ike::crypto
