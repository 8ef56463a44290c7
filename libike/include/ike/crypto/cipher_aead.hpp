#pragma once
/// AES-GCM-16 (RFC 5282) and ChaCha20-Poly1305 (RFC 7634) keyed for one
/// direction. The keying material is key || 4-byte salt; each message carries
/// an 8-byte explicit IV and the nonce is salt || IV (RFC 5282 4, RFC 7634 2).
/// Encryption and decryption work in place; the key schedule is computed once.

#include <cstdint>
#include <span>

#include "ike/bytes.hpp"
#include "ike/crypto/cipher_algorithms.hpp"
#include "ike/crypto/cipher_description.hpp"
#include "ike/error.hpp"

namespace ike::crypto {

class AeadCipher {
 public:
  /// `keying_material` must be exactly description.keying_material_size() bytes.
  static Result<AeadCipher> create(const CipherAlgorithms& algorithms,
                                   const CipherDescription& description, ByteView keying_material);

  AeadCipher(AeadCipher&&) noexcept;
  AeadCipher& operator=(AeadCipher&&) noexcept;
  ~AeadCipher();

  std::size_t iv_size() const noexcept { return iv_size_; }
  std::size_t tag_size() const noexcept { return tag_size_; }

  /// Encrypts `data` in place under nonce salt || `iv`, authenticating `aad`
  /// too, and writes the tag into `tag` (tag_size() bytes).
  Status seal(ByteView iv, ByteView aad, std::span<std::uint8_t> data, std::span<std::uint8_t> tag);

  /// Decrypts `data` in place and checks `tag` over `aad` and the ciphertext
  /// (OpenSSL compares in constant time). On any failure `data` is wiped, so
  /// no unauthenticated plaintext is ever left behind; a wrong tag is
  /// Error{integrity_check_failed}.
  Status open(ByteView iv, ByteView aad, std::span<std::uint8_t> data, ByteView tag);

 private:
  struct State;
  explicit AeadCipher(std::unique_ptr<State> state, std::size_t iv_size, std::size_t tag_size);
  std::unique_ptr<State> state_;
  std::size_t iv_size_;
  std::size_t tag_size_;
};

}  // namespace ike::crypto
