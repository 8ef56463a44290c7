#include "ike/crypto/pki/signature_scheme.hpp"

#include <algorithm>
#include <array>

namespace ike::pki {
namespace {

using wire::HashAlgorithm;

// RFC 7427 Appendix A, byte for byte. A.1: PKCS #1 v1.5 RSA (the NULL
// parameters are part of the encoding).
constexpr std::uint8_t kSha1WithRsa[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                         0xf7, 0x0d, 0x01, 0x01, 0x05, 0x05, 0x00};
constexpr std::uint8_t kSha256WithRsa[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                           0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00};
constexpr std::uint8_t kSha384WithRsa[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                           0xf7, 0x0d, 0x01, 0x01, 0x0c, 0x05, 0x00};
constexpr std::uint8_t kSha512WithRsa[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                           0xf7, 0x0d, 0x01, 0x01, 0x0d, 0x05, 0x00};

// A.3: ECDSA (no parameters, RFC 5758 3.2).
constexpr std::uint8_t kEcdsaWithSha1[] = {0x30, 0x09, 0x06, 0x07, 0x2a, 0x86,
                                           0x48, 0xce, 0x3d, 0x04, 0x01};
constexpr std::uint8_t kEcdsaWithSha256[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
                                             0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
constexpr std::uint8_t kEcdsaWithSha384[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
                                             0x48, 0xce, 0x3d, 0x04, 0x03, 0x03};
constexpr std::uint8_t kEcdsaWithSha512[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
                                             0x48, 0xce, 0x3d, 0x04, 0x03, 0x04};

// A.4.3: id-RSASSA-PSS with RSASSA-PSS-params {hashAlgorithm [0] sha256 (NULL
// params), maskGenAlgorithm [1] mgf1 with sha256, saltLength [2] 32}; the
// SHA-384 / SHA-512 forms (RFC 8247 3.2) differ only in the hash OID's last
// arc (2 / 3) and the salt length (48 / 64).
#define IKE_PSS_ALGORITHM_IDENTIFIER(hash_arc, salt)                                              \
  {                                                                                               \
    0x30, 0x41, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a, 0x30, 0x34,     \
        0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,       \
        hash_arc, 0x05, 0x00, 0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,   \
        0x0d, 0x01, 0x01, 0x08, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, \
        0x02, hash_arc, 0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, salt                                  \
  }
constexpr std::uint8_t kRsaPssSha256[] = IKE_PSS_ALGORITHM_IDENTIFIER(0x01, 0x20);
constexpr std::uint8_t kRsaPssSha384[] = IKE_PSS_ALGORITHM_IDENTIFIER(0x02, 0x30);
constexpr std::uint8_t kRsaPssSha512[] = IKE_PSS_ALGORITHM_IDENTIFIER(0x03, 0x40);
#undef IKE_PSS_ALGORITHM_IDENTIFIER

// RFC 8420 2 / RFC 8410 3: id-Ed25519, parameters absent.
constexpr std::uint8_t kEd25519[] = {0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70};

struct KnownIdentifier {
  ByteView der;
  SignatureScheme scheme;
};

constexpr std::array<KnownIdentifier, 10> kAccepted = {{
    {kSha256WithRsa, SignatureScheme::rsa_pkcs1_sha256},
    {kSha384WithRsa, SignatureScheme::rsa_pkcs1_sha384},
    {kSha512WithRsa, SignatureScheme::rsa_pkcs1_sha512},
    {kRsaPssSha256, SignatureScheme::rsa_pss_sha256},
    {kRsaPssSha384, SignatureScheme::rsa_pss_sha384},
    {kRsaPssSha512, SignatureScheme::rsa_pss_sha512},
    {kEcdsaWithSha256, SignatureScheme::ecdsa_sha256},
    {kEcdsaWithSha384, SignatureScheme::ecdsa_sha384},
    {kEcdsaWithSha512, SignatureScheme::ecdsa_sha512},
    {kEd25519, SignatureScheme::ed25519},
}};

constexpr HashAlgorithm kAdvertised[] = {HashAlgorithm::sha2_256, HashAlgorithm::sha2_384,
                                         HashAlgorithm::sha2_512, HashAlgorithm::identity};

bool same_bytes(ByteView a, ByteView b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

}  // namespace

std::string_view name(SignatureScheme scheme) noexcept {
  switch (scheme) {
    case SignatureScheme::rsa_pkcs1_sha1:
      return "RSA-PKCS1-SHA1";
    case SignatureScheme::rsa_pkcs1_sha256:
      return "RSA-PKCS1-SHA2-256";
    case SignatureScheme::rsa_pkcs1_sha384:
      return "RSA-PKCS1-SHA2-384";
    case SignatureScheme::rsa_pkcs1_sha512:
      return "RSA-PKCS1-SHA2-512";
    case SignatureScheme::rsa_pss_sha256:
      return "RSASSA-PSS-SHA2-256";
    case SignatureScheme::rsa_pss_sha384:
      return "RSASSA-PSS-SHA2-384";
    case SignatureScheme::rsa_pss_sha512:
      return "RSASSA-PSS-SHA2-512";
    case SignatureScheme::ecdsa_sha256:
      return "ECDSA-SHA2-256";
    case SignatureScheme::ecdsa_sha384:
      return "ECDSA-SHA2-384";
    case SignatureScheme::ecdsa_sha512:
      return "ECDSA-SHA2-512";
    case SignatureScheme::ed25519:
      return "Ed25519";
  }
  return "unknown";
}

HashAlgorithm hash_algorithm(SignatureScheme scheme) noexcept {
  switch (scheme) {
    case SignatureScheme::rsa_pkcs1_sha1:
      return HashAlgorithm::sha1;
    case SignatureScheme::rsa_pkcs1_sha256:
    case SignatureScheme::rsa_pss_sha256:
    case SignatureScheme::ecdsa_sha256:
      return HashAlgorithm::sha2_256;
    case SignatureScheme::rsa_pkcs1_sha384:
    case SignatureScheme::rsa_pss_sha384:
    case SignatureScheme::ecdsa_sha384:
      return HashAlgorithm::sha2_384;
    case SignatureScheme::rsa_pkcs1_sha512:
    case SignatureScheme::rsa_pss_sha512:
    case SignatureScheme::ecdsa_sha512:
      return HashAlgorithm::sha2_512;
    case SignatureScheme::ed25519:
      return HashAlgorithm::identity;
  }
  return HashAlgorithm::identity;
}

bool scheme_fits_key(SignatureScheme scheme, KeyType type) noexcept {
  switch (scheme) {
    case SignatureScheme::rsa_pkcs1_sha1:
    case SignatureScheme::rsa_pkcs1_sha256:
    case SignatureScheme::rsa_pkcs1_sha384:
    case SignatureScheme::rsa_pkcs1_sha512:
      return type == KeyType::rsa;
    case SignatureScheme::rsa_pss_sha256:
    case SignatureScheme::rsa_pss_sha384:
    case SignatureScheme::rsa_pss_sha512:
      return type == KeyType::rsa || type == KeyType::rsa_pss;
    case SignatureScheme::ecdsa_sha256:
    case SignatureScheme::ecdsa_sha384:
    case SignatureScheme::ecdsa_sha512:
      return type == KeyType::ecdsa_p256 || type == KeyType::ecdsa_p384 ||
             type == KeyType::ecdsa_p521;
    case SignatureScheme::ed25519:
      return type == KeyType::ed25519;
  }
  return false;
}

ByteView algorithm_identifier(SignatureScheme scheme) noexcept {
  for (const auto& known : kAccepted) {
    if (known.scheme == scheme) return known.der;
  }
  return {};
}

Result<SignatureScheme> scheme_from_algorithm_identifier(ByteView der) {
  for (const auto& known : kAccepted) {
    if (same_bytes(known.der, der)) return known.scheme;
  }
  if (same_bytes(der, kSha1WithRsa) || same_bytes(der, kEcdsaWithSha1))
    return make_error(Errc::authentication_failed,
                      "AUTH signature algorithm uses SHA-1, which RFC 8247 forbids for RFC 7427 "
                      "signatures");
  return make_error(Errc::authentication_failed,
                    "AUTH signature AlgorithmIdentifier is not one we support: " + to_hex(der));
}

Bytes encode_signature_hash_algorithms(std::span<const HashAlgorithm> hashes) {
  Bytes out;
  out.reserve(hashes.size() * 2);
  for (HashAlgorithm hash : hashes) {
    auto value = static_cast<std::uint16_t>(hash);
    out.push_back(static_cast<std::uint8_t>(value >> 8));
    out.push_back(static_cast<std::uint8_t>(value & 0xff));
  }
  return out;
}

Result<std::vector<HashAlgorithm>> decode_signature_hash_algorithms(ByteView data) {
  if (data.size() % 2 != 0)
    return make_error(Errc::invalid_syntax, "SIGNATURE_HASH_ALGORITHMS data length " +
                                                std::to_string(data.size()) +
                                                " is not a multiple of 2");
  std::vector<HashAlgorithm> out;
  out.reserve(data.size() / 2);
  for (std::size_t i = 0; i < data.size(); i += 2)
    out.push_back(static_cast<HashAlgorithm>((data[i] << 8) | data[i + 1]));
  return out;
}

std::span<const HashAlgorithm> advertised_signature_hash_algorithms() noexcept {
  return kAdvertised;
}

}  // namespace ike::pki
