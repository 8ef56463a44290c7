#include "ike/crypto/pki/auth_signature.hpp"

#include <openssl/bn.h>
#include <openssl/ec.h>

#include <algorithm>
#include <optional>
#include <string>

namespace ike::pki {
namespace {

using wire::AuthMethod;
using wire::HashAlgorithm;

struct EcdsaSigDeleter {
  void operator()(ECDSA_SIG* p) const noexcept { ECDSA_SIG_free(p); }
};
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, EcdsaSigDeleter>;

/// RFC 4754 3: the method fixes curve and hash.
struct LegacyEcdsa {
  AuthMethod method;
  KeyType key;
  SignatureScheme scheme;
  std::size_t component_length;
};
constexpr LegacyEcdsa kLegacyEcdsa[] = {
    {AuthMethod::ecdsa_sha256_p256, KeyType::ecdsa_p256, SignatureScheme::ecdsa_sha256, 32},
    {AuthMethod::ecdsa_sha384_p384, KeyType::ecdsa_p384, SignatureScheme::ecdsa_sha384, 48},
    {AuthMethod::ecdsa_sha512_p521, KeyType::ecdsa_p521, SignatureScheme::ecdsa_sha512, 66},
};

const LegacyEcdsa* legacy_by_method(AuthMethod method) {
  for (const auto& entry : kLegacyEcdsa) {
    if (entry.method == method) return &entry;
  }
  return nullptr;
}

const LegacyEcdsa* legacy_by_key(KeyType key) {
  for (const auto& entry : kLegacyEcdsa) {
    if (entry.key == key) return &entry;
  }
  return nullptr;
}

bool announced(std::span<const HashAlgorithm> hashes, HashAlgorithm wanted) {
  return std::find(hashes.begin(), hashes.end(), wanted) != hashes.end();
}

std::optional<HashAlgorithm> first_common_sha2(std::span<const HashAlgorithm> peer) {
  for (HashAlgorithm hash :
       {HashAlgorithm::sha2_256, HashAlgorithm::sha2_384, HashAlgorithm::sha2_512}) {
    if (announced(peer, hash)) return hash;
  }
  return std::nullopt;
}

SignatureScheme rsa_scheme(HashAlgorithm hash, bool pss) {
  switch (hash) {
    case HashAlgorithm::sha2_384:
      return pss ? SignatureScheme::rsa_pss_sha384 : SignatureScheme::rsa_pkcs1_sha384;
    case HashAlgorithm::sha2_512:
      return pss ? SignatureScheme::rsa_pss_sha512 : SignatureScheme::rsa_pkcs1_sha512;
    default:
      return pss ? SignatureScheme::rsa_pss_sha256 : SignatureScheme::rsa_pkcs1_sha256;
  }
}

SignatureScheme ecdsa_scheme(HashAlgorithm hash) {
  switch (hash) {
    case HashAlgorithm::sha2_384:
      return SignatureScheme::ecdsa_sha384;
    case HashAlgorithm::sha2_512:
      return SignatureScheme::ecdsa_sha512;
    default:
      return SignatureScheme::ecdsa_sha256;
  }
}

/// The configured hash when the peer announced it (RFC 7427 4: we may only
/// use a hash it announced).
Result<HashAlgorithm> configured_hash(HashAlgorithm wanted, std::span<const HashAlgorithm> peer) {
  if (announced(peer, wanted)) return wanted;
  return make_error(Errc::unsupported_algorithm,
                    "the configuration asks for " + wire::to_string(wanted) +
                        " signatures, which the peer did not announce in "
                        "SIGNATURE_HASH_ALGORITHMS (RFC 7427 4)");
}

Result<SignatureChoice> choose_ecdsa(const LegacyEcdsa& legacy, std::span<const HashAlgorithm> peer,
                                     const SignatureChoiceOptions& options) {
  if (options.hash) {
    auto hash = configured_hash(*options.hash, peer);
    if (!hash) return std::move(hash).error();
    return SignatureChoice{AuthMethod::digital_signature, ecdsa_scheme(*hash)};
  }
  HashAlgorithm matching = hash_algorithm(legacy.scheme);
  if (announced(peer, matching))
    return SignatureChoice{AuthMethod::digital_signature, legacy.scheme};
  if (auto common = first_common_sha2(peer))
    return SignatureChoice{AuthMethod::digital_signature, ecdsa_scheme(*common)};
  return SignatureChoice{legacy.method, legacy.scheme};
}

Result<SignatureScheme> verify_digital_signature(const PublicKey& key, ByteView data,
                                                 ByteView octets) {
  // RFC 7427 3: | ASN.1 Length (1 octet) | AlgorithmIdentifier | Signature |
  if (data.empty()) return make_error(Errc::authentication_failed, "AUTH data is empty");
  std::size_t id_length = data[0];
  if (id_length == 0 || data.size() < 1 + id_length + 1)
    return make_error(Errc::authentication_failed,
                      "AUTH data of " + std::to_string(data.size()) + " octets too short for a " +
                          std::to_string(id_length) + "-octet AlgorithmIdentifier and a signature");
  auto scheme = scheme_from_algorithm_identifier(data.subspan(1, id_length));
  if (!scheme) return std::move(scheme).error();
  if (auto ok = verify_signature(key, *scheme, octets, data.subspan(1 + id_length)); !ok)
    return ok.error();
  return *scheme;
}

Result<SignatureScheme> verify_legacy_ecdsa(const PublicKey& key, const LegacyEcdsa& legacy,
                                            ByteView data, ByteView octets) {
  if (key.type() != legacy.key)
    return make_error(Errc::authentication_failed, "AUTH method " + wire::to_string(legacy.method) +
                                                       " needs a " + std::string(name(legacy.key)) +
                                                       " key, the peer's is " +
                                                       std::string(name(key.type())));
  if (data.size() != 2 * legacy.component_length)
    return make_error(Errc::authentication_failed,
                      "AUTH " + wire::to_string(legacy.method) + " signature is " +
                          std::to_string(data.size()) + " octets, expected " +
                          std::to_string(2 * legacy.component_length));
  auto der = ecdsa_raw_to_der(data);
  if (!der) return make_error(Errc::authentication_failed, der.error().reason);
  if (auto ok = verify_signature(key, legacy.scheme, octets, *der); !ok) return ok.error();
  return legacy.scheme;
}

}  // namespace

Result<SignatureChoice> choose_signature(KeyType our_key, std::span<const HashAlgorithm> peer,
                                         const SignatureChoiceOptions& options) {
  if (const LegacyEcdsa* legacy = legacy_by_key(our_key))
    return choose_ecdsa(*legacy, peer, options);
  switch (our_key) {
    case KeyType::rsa:
    case KeyType::rsa_pss: {
      bool pss = options.rsa_pss || our_key == KeyType::rsa_pss;
      if (options.hash) {
        auto hash = configured_hash(*options.hash, peer);
        if (!hash) return std::move(hash).error();
        return SignatureChoice{AuthMethod::digital_signature, rsa_scheme(*hash, pss)};
      }
      auto common = first_common_sha2(peer);
      if (!common)
        return make_error(Errc::unsupported_algorithm,
                          peer.empty() ? "peer does not support RFC 7427 signatures, and RSA "
                                         "with SHA-1 (AUTH method 1) is not offered"
                                       : "peer announced none of SHA2-256/384/512 for signatures");
      return SignatureChoice{AuthMethod::digital_signature, rsa_scheme(*common, pss)};
    }
    case KeyType::ed25519:
      if (!announced(peer, HashAlgorithm::identity))
        return make_error(Errc::unsupported_algorithm,
                          "peer did not announce the Identity hash needed for Ed25519 (RFC 8420)");
      return SignatureChoice{AuthMethod::digital_signature, SignatureScheme::ed25519};
    default:
      return make_error(Errc::unsupported_algorithm,
                        "no IKE signature method for a " + std::string(name(our_key)) + " key");
  }
}

Result<Bytes> build_signature_auth_data(Signer& signer, const SignatureChoice& choice,
                                        ByteView signed_octets) {
  if (choice.method == AuthMethod::digital_signature) {
    ByteView id = algorithm_identifier(choice.scheme);
    if (id.empty())
      return make_error(Errc::invalid_argument,
                        std::string(name(choice.scheme)) + " has no RFC 7427 encoding we send");
    auto signature = signer.sign(signed_octets, choice.scheme);
    if (!signature) return signature;
    Bytes out;
    out.reserve(1 + id.size() + signature->size());
    out.push_back(static_cast<std::uint8_t>(id.size()));
    out.insert(out.end(), id.begin(), id.end());
    out.insert(out.end(), signature->begin(), signature->end());
    return out;
  }
  const LegacyEcdsa* legacy = legacy_by_method(choice.method);
  if (legacy == nullptr || legacy->scheme != choice.scheme || legacy->key != signer.key_type())
    return make_error(Errc::invalid_argument, "cannot sign AUTH method " +
                                                  wire::to_string(choice.method) + " with " +
                                                  std::string(name(choice.scheme)) + " and a " +
                                                  std::string(name(signer.key_type())) + " key");
  auto der = signer.sign(signed_octets, choice.scheme);
  if (!der) return der;
  return ecdsa_der_to_raw(*der, legacy->component_length);
}

Result<SignatureScheme> verify_signature_auth_data(const PublicKey& peer_key, AuthMethod method,
                                                   ByteView auth_data, ByteView signed_octets,
                                                   const SignatureAuthPolicy& policy) {
  if (method == AuthMethod::digital_signature)
    return verify_digital_signature(peer_key, auth_data, signed_octets);
  if (const LegacyEcdsa* legacy = legacy_by_method(method))
    return verify_legacy_ecdsa(peer_key, *legacy, auth_data, signed_octets);
  if (method == AuthMethod::rsa_signature) {
    if (!policy.accept_rsa_sha1)
      return make_error(Errc::authentication_failed,
                        "AUTH method RSA_SIG (RSA with SHA-1) is not accepted by configuration");
    auto ok = verify_signature(peer_key, SignatureScheme::rsa_pkcs1_sha1, signed_octets, auth_data);
    if (!ok) return ok.error();
    return SignatureScheme::rsa_pkcs1_sha1;
  }
  return make_error(Errc::authentication_failed, "AUTH method " + wire::to_string(method) +
                                                     " is not a signature method we support");
}

Result<Bytes> ecdsa_der_to_raw(ByteView der, std::size_t component_length) {
  const unsigned char* cursor = der.data();
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size())));
  clear_openssl_errors();
  if (!sig || cursor != der.data() + der.size())
    return make_error(Errc::crypto_failure, "ECDSA signature is not a DER ECDSA-Sig-Value");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  Bytes out(2 * component_length);
  auto length = static_cast<int>(component_length);
  if (BN_bn2binpad(r, out.data(), length) != length ||
      BN_bn2binpad(s, out.data() + component_length, length) != length)
    return make_error(Errc::crypto_failure,
                      "ECDSA signature component longer than the curve order");
  return out;
}

Result<Bytes> ecdsa_raw_to_der(ByteView raw) {
  if (raw.empty() || raw.size() % 2 != 0)
    return make_error(Errc::invalid_argument,
                      "raw ECDSA signature length " + std::to_string(raw.size()) + " is not even");
  std::size_t half = raw.size() / 2;
  EcdsaSigPtr sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(raw.data(), static_cast<int>(half), nullptr);
  BIGNUM* s = BN_bin2bn(raw.data() + half, static_cast<int>(half), nullptr);
  if (!sig || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return openssl_error(Errc::crypto_failure, "ECDSA signature conversion");
  }
  unsigned char* der = nullptr;
  int length = i2d_ECDSA_SIG(sig.get(), &der);
  if (length <= 0) return openssl_error(Errc::crypto_failure, "ECDSA signature encoding");
  Bytes out(der, der + length);
  OPENSSL_free(der);
  return out;
}

}  // namespace ike::pki
