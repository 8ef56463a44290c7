#include "ike/crypto/pki/certificate.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ike/crypto/pki/certificate_cache.hpp"
#include "pki_test_support.hpp"
#include "support/test_random.hpp"

namespace ike::pki {
namespace {

using ike::test::hex;
using test::day;

const std::string kVectors = std::string(IKE_SHARED_VECTORS_DIR) + "/pki/";

Bytes der_of(const Certificate& cert) {
  return Bytes(cert.der().begin(), cert.der().end());
}

// Independent of the code under test: SHA-1 over i2d_PUBKEY of the key.
Bytes spki_sha1_via_openssl(X509* x509) {
  unsigned char* spki = nullptr;
  int length = i2d_PUBKEY(X509_get0_pubkey(x509), &spki);
  unsigned char digest[20];
  unsigned int digest_length = 0;
  EVP_Digest(spki, static_cast<size_t>(length), digest, &digest_length, EVP_sha1(), nullptr);
  OPENSSL_free(spki);
  return Bytes(digest, digest + digest_length);
}

TEST(Certificate, LoadsStrongSwanCaFromPem) {
  auto ca = load_certificate_file(kVectors + "ca.crt");
  ASSERT_TRUE(ca.ok()) << ca.error().reason;
  const Certificate& cert = **ca;
  EXPECT_EQ(cert.subject(), "C=XX, O=ikev2d test, CN=Test CA");
  EXPECT_EQ(cert.issuer(), cert.subject());
  EXPECT_TRUE(cert.is_ca());
  EXPECT_EQ(cert.key_type(), KeyType::ecdsa_p256);
  EXPECT_EQ(cert.public_key().bits(), 256);
  EXPECT_EQ(cert.serial_hex(), "7699805e74032e92");
  // `openssl x509 -text`: Not Before Nov 26 22:12:38 2026 GMT, Not After Nov 23 22:12:38 2036.
  EXPECT_EQ(cert.not_before(), day(2026, 11, 26) + std::chrono::hours(22) +
                                   std::chrono::minutes(12) + std::chrono::seconds(38));
  EXPECT_EQ(cert.not_after(), day(2036, 11, 23) + std::chrono::hours(22) +
                                  std::chrono::minutes(12) + std::chrono::seconds(38));
  // The CERTREQ strongSwan sent for this CA in the ecdsa vector's capture
  // (exchange.txt, "Certificate Authority Data") is the SHA-1 of its SPKI.
  EXPECT_EQ(to_hex(cert.spki_sha1()), "d0a9524c9b057b6c6cc930e72f6f935d263a070c");
  ASSERT_TRUE(cert.subject_key_id().has_value());
  EXPECT_EQ(to_hex(*cert.subject_key_id()), "5b008b712ef0d698a6dbeff1313d156d91585785");
}

TEST(Certificate, DerAndPemGiveTheSameCertificateAndFingerprint) {
  auto pem = load_certificate_file(kVectors + "east.crt");
  ASSERT_TRUE(pem.ok()) << pem.error().reason;
  Bytes der = der_of(**pem);
  auto from_der = Certificate::parse(der, "east.der");
  ASSERT_TRUE(from_der.ok()) << from_der.error().reason;
  EXPECT_EQ((*from_der)->fingerprint_sha256(), (*pem)->fingerprint_sha256());
  unsigned char digest[32];
  unsigned int length = 0;
  EVP_Digest(der.data(), der.size(), digest, &length, EVP_sha256(), nullptr);
  EXPECT_EQ(to_hex((*pem)->fingerprint_sha256()), to_hex(ByteView(digest, length)));
  EXPECT_EQ(to_hex((*pem)->spki_sha1()), to_hex(spki_sha1_via_openssl((*pem)->x509())));
  EXPECT_EQ((*pem)->subject(), "C=XX, O=ikev2d test, CN=east.example");
  EXPECT_FALSE((*pem)->is_ca());
  EXPECT_EQ((*pem)->alt_names().dns_names,
            (std::vector<std::string>{"east.example", "east.example"}));
}

TEST(Certificate, KeepsTheExactDerItWasParsedFrom) {
  auto issued = test::issue(KeyType::ecdsa_p256, test::CertSpec::of({{"CN", "x"}}), nullptr);
  Bytes der = der_of(*issued.cert);
  auto parsed = Certificate::from_der(der);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(der_of(**parsed), der);
}

TEST(Certificate, ExtractsSubjectAltNamesOfEveryKind) {
  auto issued = test::issue(
      KeyType::ed25519,
      test::CertSpec::of({{"CN", "multi"}})
          .sans("DNS:a.example,DNS:B.Example,email:user@example.com,IP:10.1.2.3,IP:2001:db8::1"),
      nullptr);
  const SubjectAltNames& alt = issued.cert->alt_names();
  EXPECT_EQ(alt.dns_names, (std::vector<std::string>{"a.example", "B.Example"}));
  EXPECT_EQ(alt.emails, (std::vector<std::string>{"user@example.com"}));
  ASSERT_EQ(alt.ip_addresses.size(), 2u);
  EXPECT_EQ(alt.ip_addresses[0], hex("0a010203"));
  EXPECT_EQ(alt.ip_addresses[1], hex("20010db8000000000000000000000001"));
  EXPECT_EQ(issued.cert->key_type(), KeyType::ed25519);
}

TEST(Certificate, RejectsMalformedInputWithReason) {
  auto good = load_certificate_file(kVectors + "west.crt");
  ASSERT_TRUE(good.ok());
  Bytes der = der_of(**good);

  Bytes truncated(der.begin(), der.end() - 10);
  auto r1 = Certificate::from_der(truncated);
  ASSERT_FALSE(r1.ok());
  EXPECT_EQ(r1.error().code, Errc::certificate_unusable);
  EXPECT_NE(r1.error().reason.find("malformed DER certificate"), std::string::npos);

  Bytes trailing = der;
  trailing.push_back(0);
  auto r2 = Certificate::from_der(trailing);
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.error().reason.find("1 unexpected bytes"), std::string::npos);

  auto r3 = Certificate::from_der({});
  EXPECT_FALSE(r3.ok());

  auto r4 = Certificate::parse(test::to_bytes("-----BEGIN CERTIFICATE-----\nAAAA\n-----END "
                                              "CERTIFICATE-----\n"),
                               "junk.pem");
  ASSERT_FALSE(r4.ok());
  EXPECT_EQ(r4.error().code, Errc::certificate_unusable);
  EXPECT_EQ(r4.error().reason.rfind("junk.pem: ", 0), 0u) << r4.error().reason;
}

TEST(Certificate, FileErrorsNameTheFile) {
  auto missing = load_certificate_file("/nonexistent/dir/peer.crt");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Errc::io_error);
  EXPECT_NE(missing.error().reason.find("/nonexistent/dir/peer.crt"), std::string::npos);

  test::TempDir dir;
  auto path = dir.write("garbage.crt", "not a certificate at all");
  auto garbage = load_certificate_file(path);
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().code, Errc::certificate_unusable);
  EXPECT_NE(garbage.error().reason.find(path), std::string::npos);
}

TEST(Certificate, ParsesEveryCertificateOfAPemBundle) {
  auto a = load_certificate_file(kVectors + "east.crt");
  auto b = load_certificate_file(kVectors + "west.crt");
  ASSERT_TRUE(a.ok() && b.ok());
  std::string bundle = "explanatory text\n" + test::cert_pem(**a) + test::cert_pem(**b);
  auto all = parse_certificates(test::to_bytes(bundle), "bundle.pem");
  ASSERT_TRUE(all.ok()) << all.error().reason;
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0]->subject(), "C=XX, O=ikev2d test, CN=east.example");
  EXPECT_EQ((*all)[1]->subject(), "C=XX, O=ikev2d test, CN=west.example");
}

TEST(Certificate, DnTextEscapesSpecialCharactersPerRfc4514) {
  auto issued =
      test::issue(KeyType::ecdsa_p256, test::CertSpec::of({{"O", "a, b"}, {"CN", "x+y"}}), nullptr);
  EXPECT_EQ(issued.cert->subject(), "O=a\\, b, CN=x\\+y");
}

TEST(CertificateCache, ReturnsTheSameObjectForTheSameDer) {
  auto east = load_certificate_file(kVectors + "east.crt");
  ASSERT_TRUE(east.ok());
  Bytes der = der_of(**east);
  CertificateCache cache(8);
  auto first = cache.get(der);
  auto second = cache.get(der);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->get(), second->get());
  EXPECT_EQ(cache.stats().misses, 1u);
  EXPECT_EQ(cache.stats().hits, 1u);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.find((*east)->fingerprint_sha256()).get(), first->get());
}

TEST(CertificateCache, EvictsTheLeastRecentlyUsed) {
  std::vector<Bytes> ders;
  for (long serial = 1; serial <= 3; ++serial) {
    auto issued = test::issue(
        KeyType::ecdsa_p256,
        test::CertSpec::of({{"CN", "c" + std::to_string(serial)}}).with_serial(serial), nullptr);
    ders.push_back(der_of(*issued.cert));
  }
  CertificateCache cache(2);
  auto c1 = cache.get(ders[0]);
  auto c2 = cache.get(ders[1]);
  ASSERT_TRUE(c1.ok() && c2.ok());
  ASSERT_TRUE(cache.get(ders[0]).ok());  // c1 is now the most recent
  auto c3 = cache.get(ders[2]);          // evicts c2
  ASSERT_TRUE(c3.ok());
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.stats().evictions, 1u);
  EXPECT_TRUE(cache.find((*c1)->fingerprint_sha256()));
  EXPECT_FALSE(cache.find((*c2)->fingerprint_sha256()));
  EXPECT_TRUE(cache.find((*c3)->fingerprint_sha256()));
  // An evicted certificate is parsed again, as a new object.
  auto again = cache.get(ders[1]);
  ASSERT_TRUE(again.ok());
  EXPECT_NE(again->get(), c2->get());
  EXPECT_EQ(cache.stats().misses, 4u);
}

TEST(CertificateCache, DoesNotCacheFailuresAndAcceptsInsertedCertificates) {
  CertificateCache cache(4);
  Bytes junk = hex("3003020101");
  EXPECT_FALSE(cache.get(junk).ok());
  EXPECT_EQ(cache.size(), 0u);

  auto west = load_certificate_file(kVectors + "west.crt");
  ASSERT_TRUE(west.ok());
  cache.insert(*west);
  auto hit = cache.get(der_of(**west));
  ASSERT_TRUE(hit.ok());
  EXPECT_EQ(hit->get(), west->get());
  EXPECT_EQ(cache.stats().hits, 1u);
  cache.clear();
  EXPECT_EQ(cache.size(), 0u);
}

}  // namespace
}  // namespace ike::pki
