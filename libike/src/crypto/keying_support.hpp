#pragma once
/// What the files of ike_crypto share: owning handles for OpenSSL objects,
/// the one way they turn an OpenSSL failure into an `Error`, and comparisons
/// of secret octet strings in constant time. Internal to src/crypto/.

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <memory>
#include <string>

#include "ike/bytes.hpp"
#include "ike/error.hpp"

namespace ike::crypto::keying {

template <auto free_function>
struct OpenSslDeleter {
  template <class T>
  void operator()(T* object) const noexcept {
    free_function(object);
  }
};

using EvpMac = std::unique_ptr<EVP_MAC, OpenSslDeleter<EVP_MAC_free>>;
using EvpMacCtx = std::unique_ptr<EVP_MAC_CTX, OpenSslDeleter<EVP_MAC_CTX_free>>;
using EvpPkey = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY_free>>;
using EvpPkeyCtx = std::unique_ptr<EVP_PKEY_CTX, OpenSslDeleter<EVP_PKEY_CTX_free>>;
/// For secret numbers (private keys): cleared before freeing.
using SecretBignum = std::unique_ptr<BIGNUM, OpenSslDeleter<BN_clear_free>>;
using Bignum = std::unique_ptr<BIGNUM, OpenSslDeleter<BN_free>>;
using BignumCtx = std::unique_ptr<BN_CTX, OpenSslDeleter<BN_CTX_free>>;
using EcGroup = std::unique_ptr<EC_GROUP, OpenSslDeleter<EC_GROUP_free>>;
using EcPoint = std::unique_ptr<EC_POINT, OpenSslDeleter<EC_POINT_clear_free>>;

/// An `Error` whose reason is `what` followed by OpenSSL's first queued error
/// (": <reason>"), if any. Empties this thread's OpenSSL error queue so a stale
/// entry never ends up in a later, unrelated message.
Error openssl_error(Errc code, std::string what);

/// Empties this thread's OpenSSL error queue (after an expected failure that
/// is reported with our own reason).
void discard_openssl_errors() noexcept;

/// True when every octet is zero; time independent of the contents.
bool all_zero_ct(ByteView data) noexcept;

/// Big-endian `a` < `b` for strings of equal length; time independent of the
/// contents (for range checks of private scalars).
bool less_than_ct(ByteView a, ByteView b) noexcept;

}  // namespace ike::crypto::keying
