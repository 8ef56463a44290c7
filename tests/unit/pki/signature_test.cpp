#include "ike/crypto/pki/signature.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <map>
#include <set>

#include "pki_test_support.hpp"
#include "support/test_random.hpp"

namespace ike::pki {
namespace {

using ike::test::hex;

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
          issued_.emplace(type, test::issue(type, test::CertSpec::of({{"CN", "signer"}}), nullptr))
              .first;
    return found->second;
  }

 private:
  mutable std::map<KeyType, test::Issued> issued_;
};

InProcessSigner signer_for(const test::Issued& issued) {
  EVP_PKEY_up_ref(issued.key.get());
  auto key = PrivateKey::from_evp(EvpPkeyPtr(issued.key.get()), "test key");
  EXPECT_TRUE(key.ok());
  return InProcessSigner(std::move(*key));
}

struct SchemeCase {
  SignatureScheme scheme;
  KeyType key;
};

class SignVerify : public ::testing::TestWithParam<SchemeCase> {};

TEST_P(SignVerify, RoundTripsAndDetectsTampering) {
  auto [scheme, type] = GetParam();
  const test::Issued& issued = Keys::get().of(type);
  InProcessSigner signer = signer_for(issued);
  EXPECT_EQ(signer.key_type(), type);
  const PublicKey& public_key = issued.cert->public_key();
  Bytes octets = test::to_bytes("IKE_SA_INIT message | Nr | prf(SK_pi, IDi')");

  auto signature = signer.sign(octets, scheme);
  ASSERT_TRUE(signature.ok()) << signature.error().reason;
  EXPECT_TRUE(verify_signature(public_key, scheme, octets, *signature).ok());

  Bytes altered_octets = octets;
  altered_octets[5] ^= 0x01;
  auto bad_octets = verify_signature(public_key, scheme, altered_octets, *signature);
  ASSERT_FALSE(bad_octets.ok());
  EXPECT_EQ(bad_octets.error().code, Errc::authentication_failed);
  EXPECT_NE(bad_octets.error().reason.find(std::string(name(scheme))), std::string::npos);

  Bytes altered_signature = *signature;
  altered_signature[altered_signature.size() / 2] ^= 0x80;
  EXPECT_FALSE(verify_signature(public_key, scheme, octets, altered_signature).ok());
  Bytes truncated(signature->begin(), signature->end() - 1);
  EXPECT_FALSE(verify_signature(public_key, scheme, octets, truncated).ok());
  EXPECT_FALSE(verify_signature(public_key, scheme, octets, {}).ok());

  // Someone else's key of the same type does not verify it (RSA skipped:
  // generating a second RSA key costs more than it proves).
  if (type != KeyType::rsa) {
    auto other = test::issue(type, test::CertSpec::of({{"CN", "other"}}), nullptr);
    EXPECT_FALSE(verify_signature(other.cert->public_key(), scheme, octets, *signature).ok());
  }
}

std::vector<SchemeCase> all_cases() {
  std::vector<SchemeCase> out;
  for (auto scheme : {SignatureScheme::rsa_pkcs1_sha256, SignatureScheme::rsa_pkcs1_sha384,
                      SignatureScheme::rsa_pkcs1_sha512, SignatureScheme::rsa_pss_sha256,
                      SignatureScheme::rsa_pss_sha384, SignatureScheme::rsa_pss_sha512})
    out.push_back({scheme, KeyType::rsa});
  for (auto key : {KeyType::ecdsa_p256, KeyType::ecdsa_p384, KeyType::ecdsa_p521})
    for (auto scheme : {SignatureScheme::ecdsa_sha256, SignatureScheme::ecdsa_sha384,
                        SignatureScheme::ecdsa_sha512})
      out.push_back({scheme, key});
  out.push_back({SignatureScheme::ed25519, KeyType::ed25519});
  return out;
}

INSTANTIATE_TEST_SUITE_P(EveryScheme, SignVerify, ::testing::ValuesIn(all_cases()));

TEST(Signature, SchemesThatDoNotFitTheKeyAreRefused) {
  InProcessSigner ec = signer_for(Keys::get().of(KeyType::ecdsa_p256));
  auto rsa_with_ec = ec.sign(test::to_bytes("x"), SignatureScheme::rsa_pss_sha256);
  ASSERT_FALSE(rsa_with_ec.ok());
  EXPECT_EQ(rsa_with_ec.error().code, Errc::invalid_argument);
  EXPECT_EQ(rsa_with_ec.error().reason, "RSASSA-PSS-SHA2-256 cannot be used with a ECDSA-P256 key");
  InProcessSigner rsa = signer_for(Keys::get().of(KeyType::rsa));
  auto sha1 = rsa.sign(test::to_bytes("x"), SignatureScheme::rsa_pkcs1_sha1);
  ASSERT_FALSE(sha1.ok());
  EXPECT_NE(sha1.error().reason.find("verify-only"), std::string::npos);

  auto verify = verify_signature(Keys::get().of(KeyType::ed25519).cert->public_key(),
                                 SignatureScheme::ecdsa_sha256, test::to_bytes("x"), Bytes(64));
  ASSERT_FALSE(verify.ok());
  EXPECT_EQ(verify.error().code, Errc::authentication_failed);
  EXPECT_FALSE(verify_signature(PublicKey(), SignatureScheme::ed25519, {}, Bytes(64)).ok());
}

/// Signs with OpenSSL directly (not through the code under test).
Bytes openssl_rsa_sign(EVP_PKEY* key, const EVP_MD* md, int padding, int salt_length,
                       ByteView octets) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  EXPECT_EQ(EVP_DigestSignInit(ctx, &pctx, md, nullptr, key), 1);
  EXPECT_GT(EVP_PKEY_CTX_set_rsa_padding(pctx, padding), 0);
  if (padding == RSA_PKCS1_PSS_PADDING) {
    EXPECT_GT(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, salt_length), 0);
  }
  std::size_t length = 0;
  EXPECT_EQ(EVP_DigestSign(ctx, nullptr, &length, octets.data(), octets.size()), 1);
  Bytes out(length);
  EXPECT_EQ(EVP_DigestSign(ctx, out.data(), &length, octets.data(), octets.size()), 1);
  EVP_MD_CTX_free(ctx);
  out.resize(length);
  return out;
}

TEST(Signature, PssRequiresASaltAsLongAsTheHash) {
  const test::Issued& rsa = Keys::get().of(KeyType::rsa);
  Bytes octets = test::to_bytes("signed octets");
  Bytes salt32 = openssl_rsa_sign(rsa.key.get(), EVP_sha256(), RSA_PKCS1_PSS_PADDING, 32, octets);
  EXPECT_TRUE(
      verify_signature(rsa.cert->public_key(), SignatureScheme::rsa_pss_sha256, octets, salt32)
          .ok());
  // RFC 7427 A.4.3 fixes saltLength = 32 for SHA-256; a zero-salt PSS
  // signature is a different scheme and must not pass.
  Bytes salt0 = openssl_rsa_sign(rsa.key.get(), EVP_sha256(), RSA_PKCS1_PSS_PADDING, 0, octets);
  EXPECT_FALSE(
      verify_signature(rsa.cert->public_key(), SignatureScheme::rsa_pss_sha256, octets, salt0)
          .ok());
  // PKCS#1 v1.5 and PSS are not interchangeable.
  Bytes pkcs1 = openssl_rsa_sign(rsa.key.get(), EVP_sha256(), RSA_PKCS1_PADDING, 0, octets);
  EXPECT_TRUE(
      verify_signature(rsa.cert->public_key(), SignatureScheme::rsa_pkcs1_sha256, octets, pkcs1)
          .ok());
  EXPECT_FALSE(
      verify_signature(rsa.cert->public_key(), SignatureScheme::rsa_pss_sha256, octets, pkcs1)
          .ok());
}

TEST(Signature, VerifiesLegacyRsaSha1MadeByOpenSsl) {
  const test::Issued& rsa = Keys::get().of(KeyType::rsa);
  Bytes octets = test::to_bytes("old peer");
  Bytes sha1 = openssl_rsa_sign(rsa.key.get(), EVP_sha1(), RSA_PKCS1_PADDING, 0, octets);
  EXPECT_TRUE(
      verify_signature(rsa.cert->public_key(), SignatureScheme::rsa_pkcs1_sha1, octets, sha1).ok());
  EXPECT_FALSE(
      verify_signature(rsa.cert->public_key(), SignatureScheme::rsa_pkcs1_sha256, octets, sha1)
          .ok());
}

TEST(Signature, Ed25519MatchesRfc8032TestVectors) {
  struct Vector {
    const char* secret;
    const char* public_key;
    const char* message;
    const char* signature;
  };
  // RFC 8032 7.1, TEST 1 and TEST 2.
  const Vector vectors[] = {
      {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
       "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
       "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf"
       "9"
       "b46bd25bf5f0595bbe24655141438e7a100b"},
      {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
       "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
       "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f"
       "1"
       "1d8c387b2eaeb4302aeeb00d291612bb0c00"},
  };
  for (const auto& v : vectors) {
    Bytes secret = hex(v.secret);
    EvpPkeyPtr raw(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, secret.data(), 32));
    ASSERT_TRUE(raw);
    auto key = PrivateKey::from_evp(std::move(raw), "rfc8032");
    ASSERT_TRUE(key.ok());
    InProcessSigner signer(std::move(*key));
    Bytes message = hex(v.message);
    auto signature = signer.sign(message, SignatureScheme::ed25519);
    ASSERT_TRUE(signature.ok()) << signature.error().reason;
    EXPECT_EQ(to_hex(*signature), v.signature);

    Bytes public_bytes = hex(v.public_key);
    EvpPkeyPtr pub(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_bytes.data(), 32));
    EXPECT_TRUE(
        verify_signature(PublicKey(pub.get()), SignatureScheme::ed25519, message, hex(v.signature))
            .ok());
  }
}

TEST(Signature, RsaPkcs1SignaturesAreDeterministic) {
  InProcessSigner signer = signer_for(Keys::get().of(KeyType::rsa));
  Bytes octets = test::to_bytes("same input");
  auto a = signer.sign(octets, SignatureScheme::rsa_pkcs1_sha384);
  auto b = signer.sign(octets, SignatureScheme::rsa_pkcs1_sha384);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(a->size(), 256u);  // RSA-2048
  auto pss_a = signer.sign(octets, SignatureScheme::rsa_pss_sha384);
  auto pss_b = signer.sign(octets, SignatureScheme::rsa_pss_sha384);
  ASSERT_TRUE(pss_a.ok() && pss_b.ok());
  EXPECT_NE(*pss_a, *pss_b);  // random salt
}

}  // namespace
}  // namespace ike::pki

namespace ike::pki {
namespace {

TEST(SignatureSchemeNames, EverySchemeHasADistinctNameAndAHash) {
  std::set<std::string_view> seen;
  for (SignatureScheme scheme : kAllSignatureSchemes) {
    std::string_view text = name(scheme);
    EXPECT_NE(text, "unknown");
    EXPECT_TRUE(seen.insert(text).second) << text;
    EXPECT_NE(name(hash_algorithm(scheme)), "") << text;
    // Every scheme fits exactly the key families its name says.
    bool fits_some_key = false;
    for (KeyType type : {KeyType::rsa, KeyType::rsa_pss, KeyType::ecdsa_p256, KeyType::ecdsa_p384,
                         KeyType::ecdsa_p521, KeyType::ed25519})
      fits_some_key = fits_some_key || scheme_fits_key(scheme, type);
    EXPECT_TRUE(fits_some_key) << text;
    EXPECT_FALSE(scheme_fits_key(scheme, KeyType::unsupported)) << text;
  }
  EXPECT_EQ(seen.size(), 11u);
}

TEST(KeyTypeNames, EveryKeyTypeHasADistinctName) {
  std::set<std::string_view> seen;
  for (KeyType type : {KeyType::rsa, KeyType::rsa_pss, KeyType::ecdsa_p256, KeyType::ecdsa_p384,
                       KeyType::ecdsa_p521, KeyType::ed25519, KeyType::unsupported})
    EXPECT_TRUE(seen.insert(name(type)).second) << name(type);
  EXPECT_EQ(name(KeyType::ecdsa_p384), "ECDSA-P384");
}

}  // namespace
}  // namespace ike::pki
