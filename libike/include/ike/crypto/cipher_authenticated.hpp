#pragma once
/// One direction's SK payload cipher behind a single interface, whichever
/// kind was negotiated:
///   - an AEAD (AES-GCM-16, ChaCha20-Poly1305): the ICV is the tag, the
///     associated data is authenticated by the AEAD itself (RFC 5282 5.1);
///   - AES-CBC then HMAC (RFC 7296 3.14): the ICV is the truncated HMAC over
///     associated data || IV || ciphertext, i.e. the whole message from the
///     IKE header through the ciphertext when the caller passes the message
///     prefix as the associated data.
/// The caller lays out the message; this class never parses anything.

#include <cstdint>
#include <optional>
#include <span>

#include "ike/bytes.hpp"
#include "ike/crypto/cipher_aead.hpp"
#include "ike/crypto/cipher_algorithms.hpp"
#include "ike/crypto/cipher_cbc.hpp"
#include "ike/crypto/cipher_description.hpp"
#include "ike/crypto/integrity_hmac.hpp"
#include "ike/error.hpp"

namespace ike::crypto {

class AuthenticatedCipher {
 public:
  /// `encryption_key` is SK_ei or SK_er (suite.encryption_key_size() bytes,
  /// salt included for AEAD); `integrity_key` is SK_ai or SK_ar
  /// (suite.integrity_key_size() bytes, empty for AEAD).
  static Result<AuthenticatedCipher> create(const CipherAlgorithms& algorithms,
                                            const SuiteDescription& suite, ByteView encryption_key,
                                            ByteView integrity_key);

  const SuiteDescription& suite() const noexcept { return suite_; }
  std::size_t iv_size() const noexcept { return suite_.iv_size(); }
  std::size_t icv_size() const noexcept { return suite_.icv_size(); }
  std::size_t block_size() const noexcept { return suite_.block_size(); }

  /// Encrypts `data` in place (a multiple of block_size()) and writes the
  /// ICV (icv_size() bytes) that covers `associated`, `iv` and the ciphertext.
  Status seal(ByteView associated, ByteView iv, std::span<std::uint8_t> data,
              std::span<std::uint8_t> icv);

  /// Verifies `icv` first and only then decrypts `data` in place (for an
  /// AEAD both happen in one pass and the output is wiped when the tag is
  /// wrong). Error{integrity_check_failed} when the ICV does not verify.
  Status open(ByteView associated, ByteView iv, std::span<std::uint8_t> data, ByteView icv);

 private:
  explicit AuthenticatedCipher(SuiteDescription suite) : suite_(std::move(suite)) {}
  SuiteDescription suite_;
  std::optional<AeadCipher> aead_;
  std::optional<CbcCipher> cbc_;
  std::optional<HmacIntegrity> hmac_;
};

}  // namespace ike::crypto
