#pragma once
/// Owning handles for the OpenSSL objects the PKI layer hands around, plus the
/// few helpers every file of the component shares (error text, fetched
/// digests). Part of the public API only because `Certificate`, `PrivateKey`
/// and `Crl` expose their OpenSSL objects to callers that need them.

#include <openssl/evp.h>
#include <openssl/types.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <string_view>

#include "ike/bytes.hpp"
#include "ike/error.hpp"

namespace ike::pki {

struct X509Deleter {
  void operator()(X509* p) const noexcept { X509_free(p); }
};
struct X509CrlDeleter {
  void operator()(X509_CRL* p) const noexcept { X509_CRL_free(p); }
};
struct X509NameDeleter {
  void operator()(X509_NAME* p) const noexcept { X509_NAME_free(p); }
};
struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};

using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using X509CrlPtr = std::unique_ptr<X509_CRL, X509CrlDeleter>;
using X509NamePtr = std::unique_ptr<X509_NAME, X509NameDeleter>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyDeleter>;

/// The digests the PKI layer uses, fetched once per process (DESIGN.md
/// "Scale": EVP_MD_fetch is not free) and never modified afterwards.
struct Digests {
  const EVP_MD* sha1 = nullptr;
  const EVP_MD* sha256 = nullptr;
  const EVP_MD* sha384 = nullptr;
  const EVP_MD* sha512 = nullptr;
};

/// The process-wide fetched digests; initialised on first use (thread-safe),
/// immutable afterwards. Aborts if the default provider lacks SHA-1/SHA-2,
/// since nothing in IKE works without them.
const Digests& digests();

/// Drains OpenSSL's thread-local error queue into one line ("error:1E08010C:
/// DECODER routines::unsupported; ..."); "no OpenSSL detail" when empty.
std::string take_openssl_errors();

/// Clears OpenSSL's thread-local error queue so a later failure reports only
/// its own errors.
void clear_openssl_errors();

/// `make_error(code, context + ": " + take_openssl_errors())`.
Error openssl_error(Errc code, std::string_view context);

/// Reads a whole file (for certificates, keys and CRLs; bounded at 1 MiB so a
/// wrong path to a huge file fails fast). Fails with Errc::io_error naming the
/// file and the errno text.
Result<Bytes> read_small_file(const std::string& path);

/// True when `data` looks like PEM ("-----BEGIN " after optional whitespace);
/// otherwise callers treat it as DER.
bool looks_like_pem(ByteView data);

/// Hash of `data` with `md` (one of `digests()`), into `out` (sized by the caller
/// to EVP_MD_get_size(md)). Returns false only on an OpenSSL failure.
bool digest_into(const EVP_MD* md, ByteView data, std::uint8_t* out);

}  // namespace ike::pki
