#include "ike/crypto/pki/auth_signature.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <map>

#include "pki_test_support.hpp"
#include "support/test_random.hpp"

namespace ike::pki {
namespace {

using ike::test::hex;
using wire::AuthMethod;
using wire::HashAlgorithm;

// RFC 7427 Appendix A (A.1.2-A.1.4, A.3.2-A.3.4, A.4.3) and RFC 8420 2, as
// printed there; the SHA-384/512 PSS forms follow A.4.3 with the hash arc and
// salt length changed (RFC 8247 3.2).
const std::map<SignatureScheme, std::string> kRfcAlgorithmIdentifiers = {
    {SignatureScheme::rsa_pkcs1_sha256, "300d06092a864886f70d01010b0500"},
    {SignatureScheme::rsa_pkcs1_sha384, "300d06092a864886f70d01010c0500"},
    {SignatureScheme::rsa_pkcs1_sha512, "300d06092a864886f70d01010d0500"},
    {SignatureScheme::ecdsa_sha256, "300a06082a8648ce3d040302"},
    {SignatureScheme::ecdsa_sha384, "300a06082a8648ce3d040303"},
    {SignatureScheme::ecdsa_sha512, "300a06082a8648ce3d040304"},
    {SignatureScheme::rsa_pss_sha256,
     "304106092a864886f70d01010a3034a00f300d06096086480165030402010500a11c301a06092a864886f70d"
     "010108300d06096086480165030402010500a203020120"},
    {SignatureScheme::rsa_pss_sha384,
     "304106092a864886f70d01010a3034a00f300d06096086480165030402020500a11c301a06092a864886f70d"
     "010108300d06096086480165030402020500a203020130"},
    {SignatureScheme::rsa_pss_sha512,
     "304106092a864886f70d01010a3034a00f300d06096086480165030402030500a11c301a06092a864886f70d"
     "010108300d06096086480165030402030500a203020140"},
    {SignatureScheme::ed25519, "300506032b6570"},
};

/// One key per type, generated on first use and kept for the process (RSA
/// key generation is slow, and ctest runs each test in its own process).
class Keys {
 public:
  static const Keys& get() {
    static const Keys keys;
    return keys;
  }
  const test::Issued& of(KeyType type) const {
    auto found = issued_.find(type);
    if (found == issued_.end())
      found =
          issued_.emplace(type, test::issue(type, test::CertSpec::of({{"CN", "auth"}}), nullptr))
              .first;
    return found->second;
  }

 private:
  mutable std::map<KeyType, test::Issued> issued_;
};

InProcessSigner signer_for(KeyType type) {
  EVP_PKEY* key = Keys::get().of(type).key.get();
  EVP_PKEY_up_ref(key);
  auto loaded = PrivateKey::from_evp(EvpPkeyPtr(key), "test key");
  EXPECT_TRUE(loaded.ok());
  return InProcessSigner(std::move(*loaded));
}

const PublicKey& public_key(KeyType type) {
  return Keys::get().of(type).cert->public_key();
}

/// The signatureAlgorithm OpenSSL writes into a certificate it signs with
/// `scheme`: an independent encoder for the same AlgorithmIdentifier.
std::string openssl_algorithm_identifier(SignatureScheme scheme) {
  KeyType type = scheme_fits_key(scheme, KeyType::rsa) ? KeyType::rsa
                 : scheme == SignatureScheme::ed25519  ? KeyType::ed25519
                                                       : KeyType::ecdsa_p384;
  EVP_PKEY* key = Keys::get().of(type).key.get();
  X509Ptr cert(X509_dup(Keys::get().of(type).cert->x509()));
  const EVP_MD* md = nullptr;
  switch (hash_algorithm(scheme)) {
    case HashAlgorithm::sha2_256:
      md = EVP_sha256();
      break;
    case HashAlgorithm::sha2_384:
      md = EVP_sha384();
      break;
    case HashAlgorithm::sha2_512:
      md = EVP_sha512();
      break;
    default:
      break;
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  EXPECT_EQ(EVP_DigestSignInit(ctx, &pctx, md, nullptr, key), 1);
  if (scheme == SignatureScheme::rsa_pss_sha256 || scheme == SignatureScheme::rsa_pss_sha384 ||
      scheme == SignatureScheme::rsa_pss_sha512) {
    EXPECT_GT(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING), 0);
    EXPECT_GT(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST), 0);
    EXPECT_GT(EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md), 0);
  }
  EXPECT_GT(X509_sign_ctx(cert.get(), ctx), 0);
  EVP_MD_CTX_free(ctx);
  const X509_ALGOR* algorithm = nullptr;
  X509_get0_signature(nullptr, &algorithm, cert.get());
  unsigned char* der = nullptr;
  int length = i2d_X509_ALGOR(algorithm, &der);
  std::string out = to_hex(ByteView(der, static_cast<std::size_t>(length)));
  OPENSSL_free(der);
  return out;
}

TEST(AlgorithmIdentifier, ConstantsAreTheRfcBytesAndWhatOpenSslEncodes) {
  for (const auto& [scheme, expected] : kRfcAlgorithmIdentifiers) {
    EXPECT_EQ(to_hex(algorithm_identifier(scheme)), expected) << name(scheme);
    EXPECT_EQ(openssl_algorithm_identifier(scheme), expected) << name(scheme);
    auto back = scheme_from_algorithm_identifier(hex(expected));
    ASSERT_TRUE(back.ok()) << name(scheme);
    EXPECT_EQ(*back, scheme);
  }
  EXPECT_TRUE(algorithm_identifier(SignatureScheme::rsa_pkcs1_sha1).empty());
}

TEST(AlgorithmIdentifier, UnknownOrSha1IdentifiersAreRefusedWithTheReason) {
  auto sha1 = scheme_from_algorithm_identifier(hex("300d06092a864886f70d0101050500"));
  ASSERT_FALSE(sha1.ok());
  EXPECT_EQ(sha1.error().code, Errc::authentication_failed);
  EXPECT_NE(sha1.error().reason.find("SHA-1"), std::string::npos);
  EXPECT_FALSE(scheme_from_algorithm_identifier(hex("300906072a8648ce3d0401")).ok());
  // PSS with empty parameters (RFC 7427 A.4.1) is not one we accept.
  auto pss_default = scheme_from_algorithm_identifier(hex("300d06092a864886f70d01010a3000"));
  ASSERT_FALSE(pss_default.ok());
  EXPECT_EQ(pss_default.error().reason,
            "AUTH signature AlgorithmIdentifier is not one we support: "
            "300d06092a864886f70d01010a3000");
  // ECDSA with a (non-standard) NULL parameter: not byte-identical, refused.
  EXPECT_FALSE(scheme_from_algorithm_identifier(hex("300c06082a8648ce3d0403020500")).ok());
  EXPECT_FALSE(scheme_from_algorithm_identifier({}).ok());
}

TEST(SignatureHashAlgorithms, EncodeDecodeAndWhatWeAdvertise) {
  // strongSwan 5.9.8's notify in the ecdsa vector's IKE_SA_INIT carries exactly this.
  EXPECT_EQ(to_hex(encode_signature_hash_algorithms(advertised_signature_hash_algorithms())),
            "0002000300040005");
  auto decoded = decode_signature_hash_algorithms(hex("0002000300040005"));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded,
            (std::vector<HashAlgorithm>{HashAlgorithm::sha2_256, HashAlgorithm::sha2_384,
                                        HashAlgorithm::sha2_512, HashAlgorithm::identity}));
  auto with_unknown = decode_signature_hash_algorithms(hex("00010007ffff"));
  ASSERT_TRUE(with_unknown.ok());
  EXPECT_EQ(static_cast<unsigned>((*with_unknown)[2]), 0xffffu);
  auto odd = decode_signature_hash_algorithms(hex("000200"));
  ASSERT_FALSE(odd.ok());
  EXPECT_EQ(odd.error().code, Errc::invalid_syntax);
  EXPECT_EQ(odd.error().reason, "SIGNATURE_HASH_ALGORITHMS data length 3 is not a multiple of 2");
  auto empty = decode_signature_hash_algorithms({});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

struct ChoiceCase {
  KeyType key;
  std::vector<HashAlgorithm> peer;
  bool rsa_pss;
  AuthMethod method;
  SignatureScheme scheme;
};

TEST(ChooseSignature, FollowsKeyAndPeerHashes) {
  using H = HashAlgorithm;
  using S = SignatureScheme;
  const std::vector<H> all = {H::sha2_256, H::sha2_384, H::sha2_512, H::identity};
  const ChoiceCase cases[] = {
      {KeyType::ecdsa_p256, all, true, AuthMethod::digital_signature, S::ecdsa_sha256},
      {KeyType::ecdsa_p384, all, true, AuthMethod::digital_signature, S::ecdsa_sha384},
      {KeyType::ecdsa_p521, all, true, AuthMethod::digital_signature, S::ecdsa_sha512},
      {KeyType::ecdsa_p384,
       {H::sha2_512, H::sha2_256},
       true,
       AuthMethod::digital_signature,
       S::ecdsa_sha256},
      {KeyType::ecdsa_p256, {}, true, AuthMethod::ecdsa_sha256_p256, S::ecdsa_sha256},
      {KeyType::ecdsa_p384, {H::sha1}, true, AuthMethod::ecdsa_sha384_p384, S::ecdsa_sha384},
      {KeyType::ecdsa_p521,
       {static_cast<H>(9)},
       true,
       AuthMethod::ecdsa_sha512_p521,
       S::ecdsa_sha512},
      {KeyType::rsa, all, true, AuthMethod::digital_signature, S::rsa_pss_sha256},
      {KeyType::rsa, all, false, AuthMethod::digital_signature, S::rsa_pkcs1_sha256},
      {KeyType::rsa, {H::sha2_512}, true, AuthMethod::digital_signature, S::rsa_pss_sha512},
      {KeyType::rsa,
       {H::sha1, H::sha2_384},
       false,
       AuthMethod::digital_signature,
       S::rsa_pkcs1_sha384},
      {KeyType::rsa_pss, all, false, AuthMethod::digital_signature, S::rsa_pss_sha256},
      {KeyType::ed25519, {H::identity}, true, AuthMethod::digital_signature, S::ed25519},
  };
  for (const auto& c : cases) {
    auto choice = choose_signature(c.key, c.peer, {.rsa_pss = c.rsa_pss, .hash = std::nullopt});
    ASSERT_TRUE(choice.ok()) << name(c.key) << ": " << choice.error().reason;
    EXPECT_EQ(choice->method, c.method) << name(c.key) << " " << c.peer.size();
    EXPECT_EQ(choice->scheme, c.scheme) << name(c.key) << " " << c.peer.size();
  }
}

TEST(ChooseSignature, ExplainsWhenNothingFits) {
  auto rsa_legacy = choose_signature(KeyType::rsa, {});
  ASSERT_FALSE(rsa_legacy.ok());
  EXPECT_EQ(rsa_legacy.error().code, Errc::unsupported_algorithm);
  EXPECT_NE(rsa_legacy.error().reason.find("does not support RFC 7427"), std::string::npos);
  std::vector<HashAlgorithm> sha1_only = {HashAlgorithm::sha1};
  EXPECT_FALSE(choose_signature(KeyType::rsa, sha1_only).ok());
  std::vector<HashAlgorithm> no_identity = {HashAlgorithm::sha2_256, HashAlgorithm::sha2_512};
  auto ed = choose_signature(KeyType::ed25519, no_identity);
  ASSERT_FALSE(ed.ok());
  EXPECT_NE(ed.error().reason.find("RFC 8420"), std::string::npos);
  EXPECT_FALSE(choose_signature(KeyType::unsupported, no_identity).ok());
}

TEST(ChooseSignature, ConfiguredHashIsUsedOnlyWhenThePeerAnnouncedIt) {
  using H = HashAlgorithm;
  using S = SignatureScheme;
  const std::vector<H> all = {H::sha2_256, H::sha2_384, H::sha2_512, H::identity};
  // leftauth=rsa-sha384: PKCS #1 v1.5 with SHA2-384 although SHA2-256 comes first.
  auto pkcs1 = choose_signature(KeyType::rsa, all, {.rsa_pss = false, .hash = H::sha2_384});
  ASSERT_TRUE(pkcs1.ok()) << pkcs1.error().reason;
  EXPECT_EQ(pkcs1->scheme, S::rsa_pkcs1_sha384);
  auto pss = choose_signature(KeyType::rsa, all, {.rsa_pss = true, .hash = H::sha2_512});
  ASSERT_TRUE(pss.ok()) << pss.error().reason;
  EXPECT_EQ(pss->scheme, S::rsa_pss_sha512);
  // An ECDSA key follows the configured hash instead of its curve's.
  auto ecdsa = choose_signature(KeyType::ecdsa_p256, all, {.rsa_pss = true, .hash = H::sha2_384});
  ASSERT_TRUE(ecdsa.ok()) << ecdsa.error().reason;
  EXPECT_EQ(ecdsa->method, AuthMethod::digital_signature);
  EXPECT_EQ(ecdsa->scheme, S::ecdsa_sha384);
  // RFC 7427 4: a hash the peer did not announce is not used, and the
  // reason names it.
  const std::vector<H> sha256_only = {H::sha2_256};
  auto missing =
      choose_signature(KeyType::rsa, sha256_only, {.rsa_pss = false, .hash = H::sha2_384});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Errc::unsupported_algorithm);
  EXPECT_NE(missing.error().reason.find("SHA2_384"), std::string::npos) << missing.error().reason;
  EXPECT_FALSE(
      choose_signature(KeyType::ecdsa_p256, {}, {.rsa_pss = true, .hash = H::sha2_256}).ok());
}

class AuthRoundTrip : public ::testing::TestWithParam<std::tuple<KeyType, SignatureChoice>> {};

TEST_P(AuthRoundTrip, BuildsWhatVerifies) {
  auto [type, choice] = GetParam();
  InProcessSigner signer = signer_for(type);
  Bytes octets = test::to_bytes("RealMessage1 | NonceRData | MACedIDForI");
  auto data = build_signature_auth_data(signer, choice, octets);
  ASSERT_TRUE(data.ok()) << data.error().reason;
  if (choice.method == AuthMethod::digital_signature) {
    ByteView id = algorithm_identifier(choice.scheme);
    ASSERT_GT(data->size(), 1 + id.size());
    EXPECT_EQ((*data)[0], id.size());
    EXPECT_EQ(to_hex(ByteView(*data).subspan(1, id.size())), to_hex(id));
  } else {
    std::size_t component = type == KeyType::ecdsa_p256   ? 32
                            : type == KeyType::ecdsa_p384 ? 48
                                                          : 66;
    EXPECT_EQ(data->size(), 2 * component);
  }
  auto scheme = verify_signature_auth_data(public_key(type), choice.method, *data, octets);
  ASSERT_TRUE(scheme.ok()) << scheme.error().reason;
  EXPECT_EQ(*scheme, choice.scheme);

  Bytes tampered = octets;
  tampered.back() ^= 1;
  auto bad = verify_signature_auth_data(public_key(type), choice.method, *data, tampered);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Errc::authentication_failed);
  Bytes flipped = *data;
  flipped.back() ^= 1;
  EXPECT_FALSE(verify_signature_auth_data(public_key(type), choice.method, flipped, octets).ok());
}

std::vector<std::tuple<KeyType, SignatureChoice>> round_trip_cases() {
  using S = SignatureScheme;
  const AuthMethod m14 = AuthMethod::digital_signature;
  std::vector<std::tuple<KeyType, SignatureChoice>> out;
  for (S s : {S::rsa_pkcs1_sha256, S::rsa_pkcs1_sha384, S::rsa_pkcs1_sha512, S::rsa_pss_sha256,
              S::rsa_pss_sha384, S::rsa_pss_sha512})
    out.push_back({KeyType::rsa, {m14, s}});
  for (KeyType k : {KeyType::ecdsa_p256, KeyType::ecdsa_p384, KeyType::ecdsa_p521})
    for (S s : {S::ecdsa_sha256, S::ecdsa_sha384, S::ecdsa_sha512})
      out.push_back({k, {m14, s}});
  out.push_back({KeyType::ed25519, {m14, S::ed25519}});
  out.push_back({KeyType::ecdsa_p256, {AuthMethod::ecdsa_sha256_p256, S::ecdsa_sha256}});
  out.push_back({KeyType::ecdsa_p384, {AuthMethod::ecdsa_sha384_p384, S::ecdsa_sha384}});
  out.push_back({KeyType::ecdsa_p521, {AuthMethod::ecdsa_sha512_p521, S::ecdsa_sha512}});
  return out;
}

INSTANTIATE_TEST_SUITE_P(EveryMethodAndScheme, AuthRoundTrip,
                         ::testing::ValuesIn(round_trip_cases()));

TEST(AuthSignature, MalformedDigitalSignatureDataIsRejectedWithReason) {
  const PublicKey& key = public_key(KeyType::ecdsa_p256);
  Bytes octets = test::to_bytes("octets");
  auto reason = [&](const Bytes& data) {
    auto result = verify_signature_auth_data(key, AuthMethod::digital_signature, data, octets);
    EXPECT_FALSE(result.ok());
    return result.ok() ? std::string() : result.error().reason;
  };
  EXPECT_EQ(reason({}), "AUTH data is empty");
  EXPECT_NE(reason(hex("00")).find("too short"), std::string::npos);
  EXPECT_NE(reason(hex("0c300a06082a8648ce3d040302")).find("too short"), std::string::npos);
  EXPECT_NE(reason(hex("ff300a")).find("too short"), std::string::npos);
  EXPECT_NE(reason(hex("0c300a06082a8648ce3d040399"
                       "3006020101020101"))
                .find("not one we support"),
            std::string::npos);
  // A well-formed identifier that does not fit the key.
  EXPECT_NE(reason(concat({hex("07300506032b6570"), Bytes(64, 1)})).find("cannot be used with"),
            std::string::npos);
}

TEST(AuthSignature, LegacyMethodsCheckCurveAndLength) {
  InProcessSigner p384 = signer_for(KeyType::ecdsa_p384);
  Bytes octets = test::to_bytes("octets");
  auto wrong_curve = build_signature_auth_data(
      p384, {AuthMethod::ecdsa_sha256_p256, SignatureScheme::ecdsa_sha256}, octets);
  ASSERT_FALSE(wrong_curve.ok());
  EXPECT_EQ(wrong_curve.error().code, Errc::invalid_argument);

  auto good = build_signature_auth_data(
      p384, {AuthMethod::ecdsa_sha384_p384, SignatureScheme::ecdsa_sha384}, octets);
  ASSERT_TRUE(good.ok());
  auto as_p256 = verify_signature_auth_data(public_key(KeyType::ecdsa_p256),
                                            AuthMethod::ecdsa_sha384_p384, *good, octets);
  ASSERT_FALSE(as_p256.ok());
  EXPECT_NE(as_p256.error().reason.find("needs a ECDSA-P384 key"), std::string::npos);
  Bytes short_sig(good->begin(), good->end() - 1);
  auto truncated = verify_signature_auth_data(public_key(KeyType::ecdsa_p384),
                                              AuthMethod::ecdsa_sha384_p384, short_sig, octets);
  ASSERT_FALSE(truncated.ok());
  EXPECT_NE(truncated.error().reason.find("95 octets, expected 96"), std::string::npos);
}

TEST(AuthSignature, RsaSha1MethodOnlyWhenAllowed) {
  const test::Issued& rsa = Keys::get().of(KeyType::rsa);
  Bytes octets = test::to_bytes("legacy peer");
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ASSERT_EQ(EVP_DigestSignInit(ctx, nullptr, EVP_sha1(), nullptr, rsa.key.get()), 1);
  std::size_t length = 0;
  ASSERT_EQ(EVP_DigestSign(ctx, nullptr, &length, octets.data(), octets.size()), 1);
  Bytes signature(length);
  ASSERT_EQ(EVP_DigestSign(ctx, signature.data(), &length, octets.data(), octets.size()), 1);
  EVP_MD_CTX_free(ctx);

  auto refused = verify_signature_auth_data(rsa.cert->public_key(), AuthMethod::rsa_signature,
                                            signature, octets);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().reason.find("not accepted by configuration"), std::string::npos);
  auto accepted = verify_signature_auth_data(rsa.cert->public_key(), AuthMethod::rsa_signature,
                                             signature, octets, {.accept_rsa_sha1 = true});
  ASSERT_TRUE(accepted.ok()) << accepted.error().reason;
  EXPECT_EQ(*accepted, SignatureScheme::rsa_pkcs1_sha1);

  InProcessSigner signer = signer_for(KeyType::rsa);
  EXPECT_FALSE(build_signature_auth_data(
                   signer, {AuthMethod::rsa_signature, SignatureScheme::rsa_pkcs1_sha1}, octets)
                   .ok());
  auto psk = verify_signature_auth_data(rsa.cert->public_key(), AuthMethod::shared_key_mic,
                                        signature, octets);
  ASSERT_FALSE(psk.ok());
  EXPECT_NE(psk.error().reason.find("not a signature method"), std::string::npos);
}

TEST(EcdsaEncoding, ConvertsBetweenDerAndFixedLengthRawForm) {
  // SEQUENCE { INTEGER 1, INTEGER 2 } <-> 32-octet r || 32-octet s.
  auto raw = ecdsa_der_to_raw(hex("3006020101020102"), 32);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(to_hex(*raw), std::string(62, '0') + "01" + std::string(62, '0') + "02");
  auto der = ecdsa_raw_to_der(*raw);
  ASSERT_TRUE(der.ok());
  EXPECT_EQ(to_hex(*der), "3006020101020102");
  // A high bit needs DER's leading zero octet.
  Bytes high(64, 0);
  high[0] = 0x80;
  high[63] = 0x01;
  auto high_der = ecdsa_raw_to_der(high);
  ASSERT_TRUE(high_der.ok());
  EXPECT_EQ(to_hex(ByteView(*high_der).first(5)), "3026022100");
  auto back = ecdsa_der_to_raw(*high_der, 32);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, high);

  EXPECT_FALSE(ecdsa_der_to_raw(hex("300602010102010200"), 32).ok());  // trailing byte
  EXPECT_FALSE(ecdsa_der_to_raw(hex("3006020101"), 32).ok());
  EXPECT_FALSE(ecdsa_der_to_raw(*high_der, 16).ok());  // r does not fit 16 octets
  EXPECT_FALSE(ecdsa_raw_to_der(hex("010203")).ok());
  EXPECT_FALSE(ecdsa_raw_to_der({}).ok());
}

}  // namespace
}  // namespace ike::pki
