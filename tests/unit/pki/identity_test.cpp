#include "ike/crypto/pki/identity.hpp"

#include <gtest/gtest.h>

#include "pki_test_support.hpp"
#include "support/test_random.hpp"

namespace ike::pki {
namespace {

using ike::test::hex;
using wire::IdType;

Identity parsed(std::string_view text) {
  auto id = Identity::parse(text);
  EXPECT_TRUE(id.ok()) << text << ": " << (id.ok() ? "" : id.error().reason);
  return id.ok() ? *id : Identity{};
}

std::string parse_error(std::string_view text) {
  auto id = Identity::parse(text);
  EXPECT_FALSE(id.ok()) << text << " parsed as " << (id.ok() ? id->to_string() : "");
  return id.ok() ? std::string() : id.error().reason;
}

TEST(IdentityParse, AddressesBecomeIpIdentities) {
  EXPECT_EQ(parsed("10.1.2.3"), (Identity{IdType::ipv4_addr, hex("0a010203")}));
  EXPECT_EQ(parsed("2001:db8::1"),
            (Identity{IdType::ipv6_addr, hex("20010db8000000000000000000000001")}));
  EXPECT_EQ(parsed("::"), (Identity{IdType::ipv6_addr, Bytes(16, 0)}));
  EXPECT_EQ(parsed("::ffff:192.0.2.1"),
            (Identity{IdType::ipv6_addr, hex("00000000000000000000ffffc0000201")}));
  EXPECT_EQ(parsed("fe80:0:0:0:0:0:0:AB"),
            (Identity{IdType::ipv6_addr, hex("fe8000000000000000000000000000ab")}));
  EXPECT_NE(parse_error("2001:db8::1::2").find("not a valid IPv6"), std::string::npos);
}

TEST(IdentityParse, NamesFollowStrongSwanSyntax) {
  EXPECT_EQ(parsed("moon.strongswan.org"), Identity::fqdn("moon.strongswan.org"));
  EXPECT_EQ(parsed("@moon.strongswan.org"), Identity::fqdn("moon.strongswan.org"));
  EXPECT_EQ(parsed("@10.1.2.3"), Identity::fqdn("10.1.2.3"));  // "@" forces a name
  EXPECT_EQ(parsed("moon"), Identity::fqdn("moon"));
  EXPECT_EQ(parsed("carol@strongswan.org"), Identity::rfc822("carol@strongswan.org"));
  EXPECT_EQ(parsed("@@carol@strongswan.org"), Identity::rfc822("carol@strongswan.org"));
  EXPECT_EQ(parsed("@#0a1b2C"), (Identity{IdType::key_id, hex("0a1b2c")}));
  EXPECT_TRUE(parsed("%any").is_any());
  EXPECT_EQ(parsed("*.example.com"), Identity::fqdn("*.example.com"));

  EXPECT_NE(parse_error("").find("empty"), std::string::npos);
  EXPECT_NE(parse_error("@#xyz").find("not hex"), std::string::npos);
  EXPECT_NE(parse_error("@").find("empty FQDN"), std::string::npos);
  EXPECT_NE(parse_error("@@").find("empty RFC 822"), std::string::npos);
}

// DER written by `openssl req -subj "/C=CH/O=strongSwan/CN=moon"` (OpenSSL
// 3.0 CLI), i.e. the subject OpenSSL puts in a certificate.
constexpr char kMoonDer[] =
    "3031310b300906035504061302434831133011060355040a0c0a7374726f6e675377616e"
    "310d300b06035504030c046d6f6f6e";
// `openssl req -subj "/C=CH/ST=Zurich/L=Rapperswil/O=strongSwan/OU=Test/
//  CN=moon.strongswan.org/emailAddress=moon@strongswan.org/serialNumber=1234/DC=org"`
constexpr char kFullDer[] =
    "3081bd310b3009060355040613024348310f300d06035504080c065a75726963683113301106035504070c0a5261"
    "707065727377696c31133011060355040a0c0a7374726f6e675377616e310d300b060355040b0c04546573743"
    "11c301a06035504030c136d6f6f6e2e7374726f6e677377616e2e6f72673122302006092a864886f70d01090116"
    "136d6f6f6e407374726f6e677377616e2e6f7267310d300b060355040513043132333431133011060a0992268993"
    "f22c64011916036f7267";

TEST(IdentityParse, DistinguishedNamesEncodeLikeOpenSsl) {
  Identity moon = parsed("C=CH, O=strongSwan, CN=moon");
  EXPECT_EQ(moon.type, IdType::der_asn1_dn);
  EXPECT_EQ(to_hex(moon.data), kMoonDer);
  EXPECT_EQ(parsed("/C=CH/O=strongSwan/CN=moon"), moon);
  EXPECT_EQ(parsed("C=CH,O=strongSwan,CN=moon"), moon);
  EXPECT_EQ(parsed("  c = CH ,  o = strongSwan , cn = moon "), moon);

  Identity full = parsed(
      "C=CH, ST=Zurich, L=Rapperswil, O=strongSwan, OU=Test, CN=moon.strongswan.org, "
      "E=moon@strongswan.org, serialNumber=1234, DC=org");
  EXPECT_EQ(to_hex(full.data), kFullDer);
  EXPECT_EQ(parsed("C=CH, ST=Zurich, L=Rapperswil, O=strongSwan, OU=Test, "
                   "CN=moon.strongswan.org, emailAddress=moon@strongswan.org, "
                   "serialNumber=1234, DC=org"),
            full);
}

TEST(IdentityParse, DnEqualsTheSubjectOfACertificateMadeWithTheSameAttributes) {
  test::Rdns rdns = {{"C", "XX"}, {"O", "ikev2d test"}, {"OU", "a, b"}, {"CN", "peer.example"}};
  auto issued = test::issue(KeyType::ecdsa_p256, test::CertSpec::of(rdns), nullptr);
  Identity id = parsed("C=XX, O=ikev2d test, OU=\"a, b\", CN=peer.example");
  EXPECT_EQ(to_hex(id.data), to_hex(issued.cert->subject_der()));
  EXPECT_EQ(parsed("C=XX, O=ikev2d test, OU=a\\, b, CN=peer.example"), id);
  // to_string gives back a form parse() reads.
  EXPECT_EQ(id.to_string(), "C=XX, O=ikev2d test, OU=a\\, b, CN=peer.example");
  EXPECT_EQ(parsed(id.to_string()), id);
}

TEST(IdentityParse, DnErrorsSayWhatIsWrong) {
  EXPECT_NE(parse_error("C=CH, XY=foo").find("DN attribute \"XY\" is unknown"), std::string::npos);
  EXPECT_NE(parse_error("C=CHE, CN=x").find("not valid for C"), std::string::npos);
  EXPECT_NE(parse_error("CN=x, O").find("has no '='"), std::string::npos);
  EXPECT_NE(parse_error("CN=\"x").find("unterminated quote"), std::string::npos);
  EXPECT_NE(parse_error("=x").find("empty attribute"), std::string::npos);
}

TEST(IdentityParse, ExplicitTypePrefixes) {
  EXPECT_EQ(parsed("fqdn:10.1.2.3"), Identity::fqdn("10.1.2.3"));
  EXPECT_EQ(parsed("email:carol"), Identity::rfc822("carol"));
  EXPECT_EQ(parsed("rfc822:carol@example.com"), Identity::rfc822("carol@example.com"));
  EXPECT_EQ(parsed("userfqdn:carol@example.com"), Identity::rfc822("carol@example.com"));
  EXPECT_EQ(parsed("ipv4:10.1.2.3"), parsed("10.1.2.3"));
  EXPECT_EQ(parsed("ipv6:2001:db8::1"), parsed("2001:db8::1"));
  EXPECT_EQ(parsed("keyid:#0a0b"), (Identity{IdType::key_id, hex("0a0b")}));
  EXPECT_EQ(parsed("keyid:abc"), (Identity{IdType::key_id, test::to_bytes("abc")}));
  EXPECT_EQ(parsed("asn1dn:C=CH, O=strongSwan, CN=moon"), parsed("C=CH, O=strongSwan, CN=moon"));
  EXPECT_EQ(parsed(std::string("asn1dn:#") + kMoonDer), parsed("C=CH, O=strongSwan, CN=moon"));
  EXPECT_NE(parse_error("ipv4:2001:db8::1").find("not a valid ipv4 address"), std::string::npos);
  EXPECT_NE(parse_error("ipv6:10.0.0.1").find("not a valid ipv6 address"), std::string::npos);
  EXPECT_NE(parse_error("keyid:#xyz").find("not hex"), std::string::npos);
  EXPECT_NE(parse_error("fqdn:").find("empty value"), std::string::npos);
  EXPECT_FALSE(Identity::parse("asn1dn:#3000ff").ok());
  // IPv6 addresses are not mistaken for prefixes.
  EXPECT_EQ(parsed("fe80::1").type, IdType::ipv6_addr);
}

TEST(IdentityParse, DottedOidsAndWildcardValues) {
  Identity oid = parsed("2.5.4.3=moon");  // commonName by OID
  EXPECT_EQ(oid, parsed("CN=moon"));
  Identity wildcard = parsed("C=CH, O=strongSwan, CN=*");
  EXPECT_TRUE(wildcard.has_wildcards());
  EXPECT_FALSE(parsed("C=CH, O=strongSwan, CN=moon").has_wildcards());
  EXPECT_TRUE(parsed("*@strongswan.org").has_wildcards());
  EXPECT_TRUE(parsed("*.strongswan.org").has_wildcards());
  EXPECT_FALSE(parsed("10.1.2.3").has_wildcards());
  EXPECT_TRUE(Identity::any().has_wildcards());
}

TEST(IdentityToString, EveryTypeIsReadable) {
  EXPECT_EQ(parsed("10.1.2.3").to_string(), "10.1.2.3");
  EXPECT_EQ(parsed("2001:0db8:0000:0000:0000:0000:0000:0001").to_string(), "2001:db8::1");
  EXPECT_EQ(parsed("moon.example").to_string(), "moon.example");
  EXPECT_EQ(parsed("carol@example.com").to_string(), "carol@example.com");
  EXPECT_EQ(parsed("@#0a1b").to_string(), "@#0a1b");
  EXPECT_EQ(parsed("C=CH, O=strongSwan, CN=moon").to_string(), "C=CH, O=strongSwan, CN=moon");
  EXPECT_EQ(Identity::any().to_string(), "%any");
  EXPECT_EQ((Identity{IdType::fqdn, {'a', '\n', 0x80}}).to_string(), "a\\x0a\\x80");
  EXPECT_EQ((Identity{IdType::der_asn1_gn, {0x01}}).to_string(), "(ASN.1 GeneralName) 01");
  for (const char* text : {"10.1.2.3", "2001:db8::1", "moon.example", "carol@example.com", "@#0a1b",
                           "C=CH, O=strongSwan, CN=moon", "%any"})
    EXPECT_EQ(parsed(parsed(text).to_string()), parsed(text)) << text;
}

TEST(IdentityFromPayload, ValidatesWhatThePeerSent) {
  EXPECT_TRUE(Identity::from_payload(IdType::ipv4_addr, hex("0a000001")).ok());
  auto short_v4 = Identity::from_payload(IdType::ipv4_addr, hex("0a0000"));
  ASSERT_FALSE(short_v4.ok());
  EXPECT_EQ(short_v4.error().code, Errc::invalid_syntax);
  EXPECT_EQ(short_v4.error().reason, "ID_IPV4_ADDR data is 3 octets, expected 4");
  EXPECT_FALSE(Identity::from_payload(IdType::ipv6_addr, Bytes(4, 1)).ok());
  EXPECT_TRUE(Identity::from_payload(IdType::ipv6_addr, Bytes(16, 1)).ok());
  EXPECT_TRUE(Identity::from_payload(IdType::der_asn1_dn, hex(kMoonDer)).ok());
  Bytes truncated_dn = hex(kMoonDer);
  truncated_dn.pop_back();
  EXPECT_FALSE(Identity::from_payload(IdType::der_asn1_dn, truncated_dn).ok());
  Bytes trailing_dn = hex(kMoonDer);
  trailing_dn.push_back(0);
  EXPECT_FALSE(Identity::from_payload(IdType::der_asn1_dn, trailing_dn).ok());
  EXPECT_FALSE(Identity::from_payload(IdType::fqdn, {}).ok());
  EXPECT_FALSE(Identity::from_payload(Identity::kAnyType, hex("00")).ok());
  auto fqdn = Identity::from_payload(IdType::fqdn, test::to_bytes("west.example"));
  ASSERT_TRUE(fqdn.ok());
  EXPECT_EQ(*fqdn, Identity::fqdn("west.example"));
}

TEST(IpAddressText, ParsesStrictlyAndFormatsPerRfc5952) {
  for (const char* bad :
       {"1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", "a.b.c.d", "1:2:3:4:5:6:7:8:9",
        "1::2::3", ":::", "12345::", "1:2:3:4:5:6:7::8", "::1.2.3", "g::1", ""})
    EXPECT_FALSE(parse_ip_address(bad).has_value()) << bad;
  EXPECT_EQ(format_ip_address(hex("20010db8000000000001000000000001")), "2001:db8::1:0:0:1");
  EXPECT_EQ(format_ip_address(hex("20010db8000100000000000000000001")), "2001:db8:1::1");
  EXPECT_EQ(format_ip_address(hex("20010db8000000010001000100010001")), "2001:db8:0:1:1:1:1:1");
  EXPECT_EQ(format_ip_address(Bytes(16, 0)), "::");
  EXPECT_EQ(format_ip_address(hex("00000000000000000000000000000001")), "::1");
  EXPECT_EQ(format_ip_address(hex("fe800000000000000000000000000000")), "fe80::");
  EXPECT_EQ(format_ip_address(hex("c0000201")), "192.0.2.1");
}

}  // namespace
}  // namespace ike::pki
