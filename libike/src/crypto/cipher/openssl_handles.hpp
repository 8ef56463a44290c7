#pragma once
// Owning handles for the OpenSSL objects of the cipher component, and the
// helper that turns OpenSSL's error queue into an `Error`. Private to
// src/crypto/cipher.

#include <openssl/evp.h>

#include <climits>
#include <memory>
#include <string>

#include "ike/error.hpp"

namespace ike::crypto::detail {

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const noexcept { EVP_CIPHER_CTX_free(ctx); }
};
struct MacCtxFree {
  void operator()(EVP_MAC_CTX* ctx) const noexcept { EVP_MAC_CTX_free(ctx); }
};
struct CipherFree {
  void operator()(EVP_CIPHER* cipher) const noexcept { EVP_CIPHER_free(cipher); }
};
struct MacFree {
  void operator()(EVP_MAC* mac) const noexcept { EVP_MAC_free(mac); }
};

using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, MacCtxFree>;
using CipherPtr = std::unique_ptr<EVP_CIPHER, CipherFree>;
using MacPtr = std::unique_ptr<EVP_MAC, MacFree>;

/// A crypto_failure naming the operation and the first queued OpenSSL error;
/// clears the queue so errors never leak into an unrelated later call.
Error openssl_error(const std::string& operation);

/// OpenSSL counts bytes in `int`; every length handed to it passes here first.
inline bool fits_int(std::size_t length) noexcept {
  return length <= static_cast<std::size_t>(INT_MAX);
}

}  // namespace ike::crypto::detail
