#include "ike/crypto/pki/identity_match.hpp"

#include <gtest/gtest.h>

#include "pki_test_support.hpp"
#include "support/test_random.hpp"

namespace ike::pki {
namespace {

using ike::test::hex;
using wire::IdType;

Identity id(std::string_view text) {
  auto parsed = Identity::parse(text);
  EXPECT_TRUE(parsed.ok()) << text;
  return parsed.ok() ? *parsed : Identity{};
}

TEST(MatchName, ExactIsCaseInsensitiveAndWildcardIsALeadingStar) {
  EXPECT_EQ(match_name("moon.example", "MOON.Example"), IdMatch::exact);
  EXPECT_EQ(match_name("moon.example", "sun.example"), IdMatch::none);
  EXPECT_EQ(match_name("*.example", "moon.example"), IdMatch::wildcard);
  EXPECT_EQ(match_name("*.example", "a.b.EXAMPLE"), IdMatch::wildcard);
  EXPECT_EQ(match_name("*.example", ".example"), IdMatch::none);
  EXPECT_EQ(match_name("*.example", "example"), IdMatch::none);
  EXPECT_EQ(match_name("*.example", "moon.example.org"), IdMatch::none);
  EXPECT_EQ(match_name("*", "anything"), IdMatch::wildcard);
  EXPECT_EQ(match_name("*", ""), IdMatch::none);
  // A star elsewhere is literal text, not a pattern.
  EXPECT_EQ(match_name("moon.*", "moon.example"), IdMatch::none);
}

TEST(MatchIdentity, ConfiguredAgainstReceived) {
  EXPECT_EQ(match_identity(Identity::any(), id("10.0.0.1")), IdMatch::any);
  EXPECT_EQ(match_identity(id("west.example"), id("WEST.example")), IdMatch::exact);
  EXPECT_EQ(match_identity(id("*.example"), id("west.example")), IdMatch::wildcard);
  EXPECT_EQ(match_identity(id("*@example.com"), id("carol@example.com")), IdMatch::wildcard);
  EXPECT_EQ(match_identity(id("*@example.com"), id("carol@example.org")), IdMatch::none);
  // Types must agree: an FQDN pattern never matches an e-mail address.
  EXPECT_EQ(match_identity(id("*.example.com"), id("carol@x.example.com")), IdMatch::none);
  EXPECT_EQ(match_identity(id("10.0.0.1"), id("10.0.0.1")), IdMatch::exact);
  EXPECT_EQ(match_identity(id("10.0.0.1"), id("10.0.0.2")), IdMatch::none);
  EXPECT_EQ(match_identity(id("2001:db8::1"), id("2001:db8:0::1")), IdMatch::exact);
  EXPECT_EQ(match_identity(id("@#0102"), id("@#0102")), IdMatch::exact);
  EXPECT_EQ(match_identity(id("@#0102"), id("@#0103")), IdMatch::none);
  // The received side is never a pattern.
  EXPECT_EQ(match_identity(id("west.example"), id("*.example")), IdMatch::none);
}

TEST(MatchIdentity, DistinguishedNamesCompareCanonically) {
  // strongSwan's pki tool writes PrintableString; parse_dn writes UTF8String
  // like OpenSSL: the bytes differ, the names are equal.
  Identity utf8 = id("C=XX, O=ikev2d test, CN=east.example");
  auto east = load_certificate_file(std::string(IKE_SHARED_VECTORS_DIR) + "/pki/east.crt");
  ASSERT_TRUE(east.ok());
  Bytes printable((*east)->subject_der().begin(), (*east)->subject_der().end());
  ASSERT_EQ(printable[11], 0x13);  // C=XX is a PrintableString ...
  ASSERT_EQ(printable[24], 0x13);  // ... and so is O=ikev2d test
  ASSERT_NE(to_hex(utf8.data), to_hex(printable));
  Identity received{IdType::der_asn1_dn, printable};
  EXPECT_EQ(match_identity(utf8, received), IdMatch::exact);
  EXPECT_EQ(match_identity(id("C=xx, O=IKEV2D  test, CN=EAST.example"), received), IdMatch::exact);

  EXPECT_EQ(match_identity(id("C=XX, O=ikev2d test, CN=*"), received), IdMatch::wildcard);
  EXPECT_EQ(match_identity(id("C=XX, O=*, CN=*"), received), IdMatch::wildcard);
  EXPECT_EQ(match_identity(id("C=XX, O=other, CN=*"), received), IdMatch::none);
  EXPECT_EQ(match_identity(id("C=XX, CN=*"), received), IdMatch::none);  // RDN count differs
  EXPECT_EQ(match_identity(id("O=ikev2d test, C=XX, CN=*"), received), IdMatch::none);  // order
  EXPECT_EQ(match_identity(id("C=XX, O=ikev2d test, CN=west.example"), received), IdMatch::none);
}

class CertificateIdentity : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    issued_ = new test::Issued(test::issue(
        KeyType::ecdsa_p256,
        test::CertSpec::of({{"C", "CH"}, {"O", "strongSwan"}, {"CN", "moon.strongswan.org"}})
            .sans("DNS:moon.strongswan.org,DNS:vpn.strongswan.org,email:moon@strongswan.org,"
                  "IP:192.168.0.1,IP:fec0::1"),
        nullptr));
  }
  static void TearDownTestSuite() { delete issued_; }
  static const Certificate& cert() { return *issued_->cert; }

 private:
  static test::Issued* issued_;
};
test::Issued* CertificateIdentity::issued_ = nullptr;

TEST_F(CertificateIdentity, SubjectAndSubjectAltNamesMatch) {
  EXPECT_EQ(match_certificate(cert(), id("C=CH, O=strongSwan, CN=moon.strongswan.org")),
            IdMatch::exact);
  EXPECT_EQ(match_certificate(cert(), Identity::dn(cert().subject_der())), IdMatch::exact);
  EXPECT_EQ(match_certificate(cert(), id("C=CH, O=strongSwan, CN=*")), IdMatch::wildcard);
  EXPECT_EQ(match_certificate(cert(), id("C=CH, O=strongSwan, CN=sun.strongswan.org")),
            IdMatch::none);
  EXPECT_EQ(match_certificate(cert(), id("moon.strongswan.org")), IdMatch::exact);
  EXPECT_EQ(match_certificate(cert(), id("VPN.strongswan.org")), IdMatch::exact);
  EXPECT_EQ(match_certificate(cert(), id("*.strongswan.org")), IdMatch::wildcard);
  EXPECT_EQ(match_certificate(cert(), id("sun.strongswan.org")), IdMatch::none);
  EXPECT_EQ(match_certificate(cert(), id("moon@strongswan.org")), IdMatch::exact);
  EXPECT_EQ(match_certificate(cert(), id("*@strongswan.org")), IdMatch::wildcard);
  EXPECT_EQ(match_certificate(cert(), id("sun@strongswan.org")), IdMatch::none);
  EXPECT_EQ(match_certificate(cert(), id("192.168.0.1")), IdMatch::exact);
  EXPECT_EQ(match_certificate(cert(), id("fec0::1")), IdMatch::exact);
  EXPECT_EQ(match_certificate(cert(), id("192.168.0.2")), IdMatch::none);
  EXPECT_EQ(match_certificate(cert(), Identity::any()), IdMatch::any);
}

TEST_F(CertificateIdentity, KeyIdMatchesTheKeyHashOrSubjectKeyIdentifier) {
  Identity spki{IdType::key_id, Bytes(cert().spki_sha1().begin(), cert().spki_sha1().end())};
  EXPECT_EQ(match_certificate(cert(), spki), IdMatch::exact);
  ASSERT_TRUE(cert().subject_key_id().has_value());
  EXPECT_EQ(match_certificate(cert(), Identity{IdType::key_id, *cert().subject_key_id()}),
            IdMatch::exact);
  EXPECT_EQ(match_certificate(cert(), id("@#00112233")), IdMatch::none);
}

TEST_F(CertificateIdentity, CommonNameIsNotASubjectAltName) {
  // RFC 7296 4 binds FQDN IDs to dNSName; the CN does not count (strongSwan
  // agrees), so a certificate without SANs matches no FQDN.
  auto bare =
      test::issue(KeyType::ecdsa_p256, test::CertSpec::of({{"CN", "bare.example"}}), nullptr);
  EXPECT_EQ(match_certificate(*bare.cert, id("bare.example")), IdMatch::none);
  auto status = check_certificate_identity(*bare.cert, id("bare.example"));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, Errc::identity_mismatch);
  EXPECT_EQ(status.error().reason,
            "certificate does not match ID_FQDN \"bare.example\": subject \"CN=bare.example\", "
            "no subjectAltName");
}

TEST_F(CertificateIdentity, MismatchReasonListsTheCertificateNames) {
  auto status = check_certificate_identity(cert(), id("sun.strongswan.org"));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().reason,
            "certificate does not match ID_FQDN \"sun.strongswan.org\": subject \"C=CH, "
            "O=strongSwan, CN=moon.strongswan.org\", subjectAltName DNS:moon.strongswan.org, "
            "DNS:vpn.strongswan.org, email:moon@strongswan.org, IP:192.168.0.1, IP:fec0::1");
  EXPECT_TRUE(check_certificate_identity(cert(), id("moon.strongswan.org")).ok());
}

}  // namespace
}  // namespace ike::pki
