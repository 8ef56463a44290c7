#pragma once
/// Signature schemes for IKE authentication and their RFC 7427 encodings:
/// the DER AlgorithmIdentifier each one is announced with inside an AUTH
/// payload of method 14 (RFC 7427 3 and Appendix A, RFC 8420 for Ed25519),
/// and the SIGNATURE_HASH_ALGORITHMS notify (RFC 7427 4).

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "ike/bytes.hpp"
#include "ike/crypto/pki/public_key.hpp"
#include "ike/error.hpp"
#include "ike/wire/types.hpp"

namespace ike::pki {

enum class SignatureScheme {
  rsa_pkcs1_sha1,    ///< AUTH method 1 only (RFC 7296), verification only
  rsa_pkcs1_sha256,  ///< sha256WithRSAEncryption
  rsa_pkcs1_sha384,
  rsa_pkcs1_sha512,
  rsa_pss_sha256,  ///< RSASSA-PSS, MGF1 with the same hash, salt = hash length
  rsa_pss_sha384,
  rsa_pss_sha512,
  ecdsa_sha256,  ///< any curve; DER ECDSA-Sig-Value under method 14
  ecdsa_sha384,
  ecdsa_sha512,
  ed25519,  ///< PureEdDSA, no prehash (RFC 8420)
};

/// Every scheme, for tests and tables.
inline constexpr SignatureScheme kAllSignatureSchemes[] = {
    SignatureScheme::rsa_pkcs1_sha1,   SignatureScheme::rsa_pkcs1_sha256,
    SignatureScheme::rsa_pkcs1_sha384, SignatureScheme::rsa_pkcs1_sha512,
    SignatureScheme::rsa_pss_sha256,   SignatureScheme::rsa_pss_sha384,
    SignatureScheme::rsa_pss_sha512,   SignatureScheme::ecdsa_sha256,
    SignatureScheme::ecdsa_sha384,     SignatureScheme::ecdsa_sha512,
    SignatureScheme::ed25519,
};

/// "RSASSA-PSS-SHA2-256", "ECDSA-SHA2-384", "Ed25519", ...
std::string_view name(SignatureScheme scheme) noexcept;

/// The hash the scheme signs with; HashAlgorithm::identity for Ed25519.
wire::HashAlgorithm hash_algorithm(SignatureScheme scheme) noexcept;

/// Whether a key of `type` can make or check this scheme's signatures.
bool scheme_fits_key(SignatureScheme scheme, KeyType type) noexcept;

/// The DER AlgorithmIdentifier of RFC 7427 Appendix A / RFC 8420 for the
/// scheme; empty for rsa_pkcs1_sha1, which we never announce.
ByteView algorithm_identifier(SignatureScheme scheme) noexcept;

/// Recognises a received AlgorithmIdentifier by exact byte comparison with
/// the known encodings. Unknown or refused (SHA-1 based) identifiers fail
/// with Errc::authentication_failed and the reason.
Result<SignatureScheme> scheme_from_algorithm_identifier(ByteView der);

/// SIGNATURE_HASH_ALGORITHMS notification data: 2-octet hash algorithm ids.
Bytes encode_signature_hash_algorithms(std::span<const wire::HashAlgorithm> hashes);

/// Decodes the notification data. An odd length is Errc::invalid_syntax.
/// Unknown values are kept (RFC 7427 4: the receiver ignores what it does
/// not know; choose_signature() does).
Result<std::vector<wire::HashAlgorithm>> decode_signature_hash_algorithms(ByteView data);

/// What we announce: SHA2-256, SHA2-384, SHA2-512 and Identity (RFC 8420,
/// for Ed25519), in that order.
std::span<const wire::HashAlgorithm> advertised_signature_hash_algorithms() noexcept;

}  // namespace ike::pki
