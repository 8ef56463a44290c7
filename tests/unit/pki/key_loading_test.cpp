#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "ike/crypto/pki/crl.hpp"
#include "ike/crypto/pki/private_key.hpp"
#include "pki_test_support.hpp"

namespace ike::pki {
namespace {

using test::day;

const std::string kVectors = std::string(IKE_SHARED_VECTORS_DIR) + "/pki/";
constexpr char kPassphrase[] = "correct horse battery staple";

struct BioDeleter {
  void operator()(BIO* p) const noexcept { BIO_free(p); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

Bytes bio_bytes(BIO* bio) {
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  return Bytes(data, data + length);
}

/// The encodings an operator may hand us, each produced by OpenSSL's own
/// writers (not by the code under test).
enum class Format {
  pkcs8_pem,
  pkcs8_der,
  encrypted_pkcs8_pem,
  encrypted_pkcs8_der,
  traditional_pem,
  traditional_der,
};

Bytes encode(EVP_PKEY* key, Format format) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  int ok = 0;
  switch (format) {
    case Format::pkcs8_pem:
      ok = PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
      break;
    case Format::pkcs8_der:
      ok = i2d_PKCS8PrivateKey_bio(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
      break;
    case Format::encrypted_pkcs8_pem:
      ok = PEM_write_bio_PKCS8PrivateKey(bio.get(), key, EVP_aes_256_cbc(), kPassphrase,
                                         sizeof kPassphrase - 1, nullptr, nullptr);
      break;
    case Format::encrypted_pkcs8_der:
      ok = i2d_PKCS8PrivateKey_bio(bio.get(), key, EVP_aes_256_cbc(), kPassphrase,
                                   sizeof kPassphrase - 1, nullptr, nullptr);
      break;
    case Format::traditional_pem:
      ok = PEM_write_bio_PrivateKey_traditional(bio.get(), key, nullptr, nullptr, 0, nullptr,
                                                nullptr);
      break;
    case Format::traditional_der:
      ok = i2d_PrivateKey_bio(bio.get(), key);
      break;
  }
  EXPECT_EQ(ok, 1);
  return bio_bytes(bio.get());
}

bool encrypted(Format format) {
  return format == Format::encrypted_pkcs8_pem || format == Format::encrypted_pkcs8_der;
}

class KeyFormats : public ::testing::TestWithParam<std::tuple<KeyType, Format>> {};

TEST_P(KeyFormats, LoadsAndMatchesItsCertificate) {
  auto [type, format] = GetParam();
  auto issued = test::issue(type, test::CertSpec::of({{"CN", "key owner"}}), nullptr);
  Bytes data = encode(issued.key.get(), format);
  if (format == Format::traditional_pem && (type == KeyType::rsa || type == KeyType::ecdsa_p256)) {
    std::string text(data.begin(), data.end());
    EXPECT_NE(text.find(type == KeyType::rsa ? "BEGIN RSA PRIVATE KEY" : "BEGIN EC PRIVATE KEY"),
              std::string::npos);
  }
  auto key = PrivateKey::parse(data, "key", encrypted(format) ? kPassphrase : "");
  ASSERT_TRUE(key.ok()) << key.error().reason;
  EXPECT_EQ(key->type(), type);
  EXPECT_TRUE(key->matches(*issued.cert));

  if (encrypted(format)) {
    auto wrong = PrivateKey::parse(data, "key.p8", "wrong passphrase");
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.error().code, Errc::certificate_unusable);
    EXPECT_NE(wrong.error().reason.find("wrong passphrase"), std::string::npos);
    auto none = PrivateKey::parse(data, "key.p8");
    ASSERT_FALSE(none.ok());
    EXPECT_NE(none.error().reason.find("no passphrase"), std::string::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(
    RsaAndEcdsa, KeyFormats,
    ::testing::Combine(::testing::Values(KeyType::rsa, KeyType::ecdsa_p256, KeyType::ecdsa_p384),
                       ::testing::Values(Format::pkcs8_pem, Format::pkcs8_der,
                                         Format::encrypted_pkcs8_pem, Format::encrypted_pkcs8_der,
                                         Format::traditional_pem, Format::traditional_der)));

// Ed25519 has no traditional (pre-PKCS#8) PEM form; its "traditional" DER is PKCS#8.
INSTANTIATE_TEST_SUITE_P(Ed25519, KeyFormats,
                         ::testing::Combine(::testing::Values(KeyType::ed25519),
                                            ::testing::Values(Format::pkcs8_pem, Format::pkcs8_der,
                                                              Format::encrypted_pkcs8_pem,
                                                              Format::encrypted_pkcs8_der,
                                                              Format::traditional_der)));

TEST(PrivateKey, LoadsStrongSwanTraditionalEcKeysAndPairsThemWithTheirCertificates) {
  auto east_key = load_private_key_file(kVectors + "east.key");
  auto west_key = load_private_key_file(kVectors + "west.key");
  auto east = load_certificate_file(kVectors + "east.crt");
  ASSERT_TRUE(east_key.ok()) << east_key.error().reason;
  ASSERT_TRUE(west_key.ok() && east.ok());
  EXPECT_EQ(east_key->type(), KeyType::ecdsa_p256);
  EXPECT_EQ(east_key->bits(), 256);
  EXPECT_TRUE(east_key->matches(**east));
  EXPECT_FALSE(west_key->matches(**east));
}

TEST(PrivateKey, RejectsPublicKeysGarbageAndUnsupportedTypes) {
  auto issued = test::issue(KeyType::ecdsa_p256, test::CertSpec::of({{"CN", "x"}}), nullptr);
  BioPtr bio(BIO_new(BIO_s_mem()));
  ASSERT_EQ(PEM_write_bio_PUBKEY(bio.get(), issued.key.get()), 1);
  auto public_only = PrivateKey::parse(bio_bytes(bio.get()), "pub.pem");
  ASSERT_FALSE(public_only.ok());
  EXPECT_EQ(public_only.error().code, Errc::certificate_unusable);
  EXPECT_EQ(public_only.error().reason.rfind("pub.pem: ", 0), 0u);

  EXPECT_FALSE(PrivateKey::parse(test::to_bytes("garbage"), "g").ok());
  EXPECT_FALSE(PrivateKey::parse({}, "empty").ok());

  EvpPkeyPtr x25519(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"));
  auto unsupported = PrivateKey::parse(encode(x25519.get(), Format::pkcs8_pem), "x25519.pem");
  ASSERT_FALSE(unsupported.ok());
  EXPECT_NE(unsupported.error().reason.find("unsupported key type"), std::string::npos);
}

TEST(PrivateKey, FileErrorsNameTheFile) {
  auto missing = load_private_key_file("/nonexistent/private/moon.key");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Errc::io_error);
  EXPECT_NE(missing.error().reason.find("/nonexistent/private/moon.key"), std::string::npos);

  test::TempDir dir;
  auto path =
      dir.write("bad.key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
  auto bad = load_private_key_file(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Errc::certificate_unusable);
  EXPECT_NE(bad.error().reason.find(path), std::string::npos);
}

TEST(Crl, LoadsPemAndDerWithTheirFields) {
  auto ca = test::issue(KeyType::ecdsa_p256,
                        test::CertSpec::of({{"C", "XX"}, {"CN", "CRL CA"}}).ca(), nullptr);
  CrlPtr made = test::make_crl(ca, {5, 7}, day(2030, 1, 1), day(2030, 2, 1));
  auto from_pem = Crl::parse(test::to_bytes(test::crl_pem(*made)), "ca.crl");
  auto from_der = Crl::parse(test::crl_der(*made), "ca.der");
  ASSERT_TRUE(from_pem.ok()) << from_pem.error().reason;
  ASSERT_TRUE(from_der.ok()) << from_der.error().reason;
  for (const CrlPtr& crl : {*from_pem, *from_der}) {
    EXPECT_EQ(crl->issuer(), "C=XX, CN=CRL CA");
    EXPECT_EQ(crl->revoked_count(), 2u);
    EXPECT_EQ(crl->this_update(), day(2030, 1, 1));
    EXPECT_EQ(crl->next_update(), day(2030, 2, 1));
  }
}

TEST(Crl, RejectsGarbageAndNamesTheFile) {
  auto bad = Crl::parse(test::to_bytes("nope"), "crls/bad.crl");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Errc::certificate_unusable);
  EXPECT_EQ(bad.error().reason.rfind("crls/bad.crl: ", 0), 0u);
  auto missing = load_crl_file("/nonexistent/crls/ca.crl");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Errc::io_error);
}

}  // namespace
}  // namespace ike::pki
