#pragma once
/// Signature AUTH payload data (RFC 7296 3.8) for the methods we speak:
///
///   14 DIGITAL_SIGNATURE (RFC 7427 3): 1-octet length, DER AlgorithmIdentifier,
///      signature (ECDSA as DER ECDSA-Sig-Value).
///   9 / 10 / 11 ECDSA_SHA256_P256 / _SHA384_P384 / _SHA512_P521 (RFC 4754):
///      raw r || s, each as long as the curve order (32 / 48 / 66 octets).
///   1 RSA_SIG (RFC 7296): PKCS #1 v1.5 with SHA-1; verified only, and only
///      when the policy allows it (RFC 8247 deprecates SHA-1 signatures).
///
/// and the choice of method and scheme from our key and the hash algorithms
/// the peer announced in SIGNATURE_HASH_ALGORITHMS (RFC 7427 4).

#include <optional>
#include <span>

#include "ike/bytes.hpp"
#include "ike/crypto/pki/public_key.hpp"
#include "ike/crypto/pki/signature.hpp"
#include "ike/crypto/pki/signature_scheme.hpp"
#include "ike/error.hpp"
#include "ike/wire/types.hpp"

namespace ike::pki {

/// How we sign: AUTH method plus scheme.
struct SignatureChoice {
  wire::AuthMethod method = wire::AuthMethod::digital_signature;
  SignatureScheme scheme = SignatureScheme::ecdsa_sha256;
  friend bool operator==(const SignatureChoice&, const SignatureChoice&) = default;
};

struct SignatureChoiceOptions {
  /// RSA keys sign with RSASSA-PSS (RFC 8247 recommends it); false selects
  /// PKCS #1 v1.5 (strongSwan's default without rsa/pss in the config).
  bool rsa_pss = true;
  /// The hash the configuration asks for (leftauth=rsa-sha384, ...): used
  /// when the peer announced it, an error otherwise. Unset: the first of
  /// SHA2-256/384/512 the peer announced (for ECDSA, the curve's own first).
  std::optional<wire::HashAlgorithm> hash;
  friend bool operator==(const SignatureChoiceOptions&, const SignatureChoiceOptions&) = default;
};

/// Picks method and scheme for a key of `our_key` given the peer's
/// SIGNATURE_HASH_ALGORITHMS (empty when the peer sent none, i.e. has no
/// RFC 7427 support; unknown values are ignored):
/// - RSA: method 14 with the first of SHA2-256/384/512 the peer announced;
///   without RFC 7427 there is no method we produce (method 1 is verify-only).
/// - ECDSA: method 14, preferring the hash that matches the curve (P-256 ->
///   SHA2-256, P-384 -> SHA2-384, P-521 -> SHA2-512), else the first of
///   SHA2-256/384/512 the peer announced; without a common hash, the RFC 4754
///   method of the curve (9/10/11).
/// - Ed25519: method 14; the peer must have announced Identity (RFC 8420).
/// - options.hash (RSA, ECDSA): exactly that hash, which the peer must have
///   announced.
/// Errc::unsupported_algorithm with the reason when nothing fits.
Result<SignatureChoice> choose_signature(KeyType our_key,
                                         std::span<const wire::HashAlgorithm> peer_hashes,
                                         const SignatureChoiceOptions& options = {});

/// Signs `signed_octets` through `signer` and encodes the AUTH data for
/// `choice.method` (14, 9, 10 or 11). Errc::invalid_argument when the method
/// does not fit the scheme or the key.
Result<Bytes> build_signature_auth_data(Signer& signer, const SignatureChoice& choice,
                                        ByteView signed_octets);

struct SignatureAuthPolicy {
  /// Accept AUTH method 1 (RSA PKCS #1 v1.5 with SHA-1).
  bool accept_rsa_sha1 = false;
};

/// Checks a peer's AUTH payload of `method` (1, 9, 10, 11, 14) over
/// `signed_octets` with the public key of its certificate. Returns the scheme
/// the peer used, for the log. Errc::authentication_failed with the reason:
/// malformed data, unknown AlgorithmIdentifier, scheme not fitting the key,
/// method not allowed by `policy`, or a signature that does not verify.
Result<SignatureScheme> verify_signature_auth_data(const PublicKey& peer_key,
                                                   wire::AuthMethod method, ByteView auth_data,
                                                   ByteView signed_octets,
                                                   const SignatureAuthPolicy& policy = {});

/// RFC 4754 encoding helpers (exposed for tests): DER ECDSA-Sig-Value to and
/// from r || s with each integer left-padded to `component_length` octets.
Result<Bytes> ecdsa_der_to_raw(ByteView der, std::size_t component_length);
Result<Bytes> ecdsa_raw_to_der(ByteView raw);

}  // namespace ike::pki
