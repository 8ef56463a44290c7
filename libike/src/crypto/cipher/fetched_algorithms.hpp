#pragma once
// The private side of CipherAlgorithms: the fetched EVP objects.

#include "crypto/cipher/openssl_handles.hpp"
#include "ike/crypto/cipher_algorithms.hpp"

namespace ike::crypto {

struct CipherAlgorithms::Fetched {
  detail::CipherPtr aes128_gcm;
  detail::CipherPtr aes256_gcm;
  detail::CipherPtr chacha20_poly1305;
  detail::CipherPtr aes128_cbc;
  detail::CipherPtr aes256_cbc;
  detail::MacPtr hmac;

  /// The cipher for `description`, or nullptr when the providers lack it.
  EVP_CIPHER* cipher(const CipherDescription& description) const noexcept;
};

}  // namespace ike::crypto
