#include "ike/crypto/pki/signature.hpp"

#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <string>

namespace ike::pki {
namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* p) const noexcept { EVP_MD_CTX_free(p); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

bool is_pss(SignatureScheme scheme) {
  return scheme == SignatureScheme::rsa_pss_sha256 || scheme == SignatureScheme::rsa_pss_sha384 ||
         scheme == SignatureScheme::rsa_pss_sha512;
}

/// The pre-fetched digest for the scheme; null for Ed25519 (no prehash).
const EVP_MD* digest_for(SignatureScheme scheme) {
  switch (hash_algorithm(scheme)) {
    case wire::HashAlgorithm::sha1:
      return digests().sha1;
    case wire::HashAlgorithm::sha2_256:
      return digests().sha256;
    case wire::HashAlgorithm::sha2_384:
      return digests().sha384;
    case wire::HashAlgorithm::sha2_512:
      return digests().sha512;
    case wire::HashAlgorithm::identity:
      return nullptr;
  }
  return nullptr;
}

/// RSA padding per scheme: PKCS #1 v1.5, or PSS with MGF1 over the same hash
/// and a salt as long as the hash (RFC 7427 A.4.3 / RFC 8247 3.2); the
/// verifier insists on exactly that salt length.
bool configure_padding(EVP_PKEY_CTX* pctx, SignatureScheme scheme, KeyType type) {
  if (type != KeyType::rsa && type != KeyType::rsa_pss) return true;
  if (!is_pss(scheme)) return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0;
  return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) > 0 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, digest_for(scheme)) > 0;
}

std::string mismatch_reason(SignatureScheme scheme, KeyType type) {
  return std::string(name(scheme)) + " cannot be used with a " + std::string(name(type)) + " key";
}

}  // namespace

Result<Bytes> InProcessSigner::sign(ByteView octets, SignatureScheme scheme) {
  if (scheme == SignatureScheme::rsa_pkcs1_sha1)
    return make_error(Errc::invalid_argument, "RSA with SHA-1 (AUTH method 1) is verify-only");
  if (!scheme_fits_key(scheme, key_.type()))
    return make_error(Errc::invalid_argument, mismatch_reason(scheme, key_.type()));
  clear_openssl_errors();
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, digest_for(scheme), nullptr, key_.get()) != 1 ||
      !configure_padding(pctx, scheme, key_.type()))
    return openssl_error(Errc::crypto_failure, std::string(name(scheme)) + " signing setup");
  std::size_t length = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &length, octets.data(), octets.size()) != 1)
    return openssl_error(Errc::crypto_failure, std::string(name(scheme)) + " signing");
  Bytes signature(length);
  if (EVP_DigestSign(ctx.get(), signature.data(), &length, octets.data(), octets.size()) != 1)
    return openssl_error(Errc::crypto_failure, std::string(name(scheme)) + " signing");
  signature.resize(length);  // DER ECDSA signatures are often shorter than the maximum
  return signature;
}

Status verify_signature(const PublicKey& key, SignatureScheme scheme, ByteView octets,
                        ByteView signature) {
  if (key.get() == nullptr) return make_error(Errc::authentication_failed, "no public key");
  if (!scheme_fits_key(scheme, key.type()))
    return make_error(Errc::authentication_failed, mismatch_reason(scheme, key.type()));
  clear_openssl_errors();
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, digest_for(scheme), nullptr, key.get()) != 1 ||
      !configure_padding(pctx, scheme, key.type()))
    return openssl_error(Errc::crypto_failure, std::string(name(scheme)) + " verification setup");
  int verdict =
      EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), octets.data(), octets.size());
  // 0 is "does not verify", negative a malformed signature (e.g. bad DER or
  // wrong length): both are an authentication failure, not a crypto fault.
  clear_openssl_errors();
  if (verdict != 1)
    return make_error(Errc::authentication_failed,
                      std::string(name(scheme)) + " signature does not verify with the peer's " +
                          key.description() + " key");
  return {};
}

}  // namespace ike::pki
