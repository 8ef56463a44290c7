// ipsec.secrets: every entry form, includes, and secrets that never show.
#include <gtest/gtest.h>

#include <sstream>

#include "ike/config/ipsec_secrets.hpp"

namespace ike::config {
namespace {

std::string text_of(const Secret& secret) {
  auto bytes = secret.reveal();
  return std::string(bytes.begin(), bytes.end());
}

TEST(Secrets, EveryEntryForm) {
  auto secrets = parse_ipsec_secrets(
      "# ipsec.secrets - strongSwan IPsec secrets file\n"
      "\n"
      ": RSA moonKey.pem\n"
      "  : ECDSA \"keys/with space.pem\" \"pass phrase\"\n"
      ": PKCS8 key.der %prompt\n"
      ": P12 bundle.p12 0x736563726574\n"
      "@moon.strongswan.org @sun.strongswan.org : PSK \"shared secret # not a comment\"\n"
      "192.168.0.1 %any : PSK 0x0123abcd\n"
      "\"C=CH, O=strongSwan, CN=carol\" : PSK 0sc2VjcmV0\n"
      ": PSK 'single quoted'   # trailing comment\n"
      "carol@strongswan.org : EAP \"Ar3etTnp\"\n"
      "dave : NTLM bare_word_secret\n"
      "carol : XAUTH \"ikev1\"\n");
  ASSERT_TRUE(secrets) << secrets.error().reason;
  ASSERT_EQ(secrets->private_keys.size(), 4u);
  const auto& rsa = secrets->private_keys[0];
  EXPECT_EQ(rsa.type, PrivateKeyType::rsa);
  EXPECT_EQ(rsa.file, "moonKey.pem");
  EXPECT_FALSE(rsa.passphrase);
  EXPECT_EQ(rsa.where, (Location{"ipsec.secrets", 3}));
  const auto& ecdsa = secrets->private_keys[1];
  EXPECT_EQ(ecdsa.type, PrivateKeyType::ecdsa);
  EXPECT_EQ(ecdsa.file, "keys/with space.pem");
  ASSERT_TRUE(ecdsa.passphrase);
  EXPECT_EQ(text_of(*ecdsa.passphrase), "pass phrase");
  EXPECT_TRUE(secrets->private_keys[2].prompt);
  EXPECT_EQ(secrets->private_keys[3].type, PrivateKeyType::pkcs12);
  EXPECT_EQ(text_of(*secrets->private_keys[3].passphrase), "secret");

  ASSERT_EQ(secrets->shared.size(), 6u);
  EXPECT_EQ(secrets->shared[0].ids,
            (std::vector<std::string>{"@moon.strongswan.org", "@sun.strongswan.org"}));
  EXPECT_EQ(text_of(secrets->shared[0].secret), "shared secret # not a comment");
  EXPECT_EQ(secrets->shared[1].secret.reveal().size(), 4u);
  EXPECT_EQ(secrets->shared[1].secret.reveal()[0], 0x01);
  EXPECT_EQ(secrets->shared[2].ids, std::vector<std::string>{"C=CH, O=strongSwan, CN=carol"});
  ASSERT_EQ(secrets->shared[2].identities.size(), 1u);
  EXPECT_EQ(secrets->shared[2].identities[0].type, wire::IdType::der_asn1_dn);
  EXPECT_EQ(secrets->shared[1].identities[0].type, wire::IdType::ipv4_addr);
  EXPECT_TRUE(secrets->shared[1].identities[1].is_any());
  EXPECT_EQ(text_of(secrets->shared[2].secret), "secret");
  EXPECT_TRUE(secrets->shared[3].ids.empty());
  EXPECT_EQ(text_of(secrets->shared[3].secret), "single quoted");
  EXPECT_EQ(secrets->shared[4].type, SharedSecretType::eap);
  EXPECT_EQ(secrets->shared[5].type, SharedSecretType::ntlm);
  EXPECT_EQ(text_of(secrets->shared[5].secret), "bare_word_secret");

  ASSERT_EQ(secrets->warnings.size(), 2u);
  EXPECT_EQ(secrets->warnings[0].to_string(),
            "ipsec.secrets:5: PKCS8 key.der: %prompt cannot be answered by a daemon; the key "
            "will not load");
  EXPECT_EQ(secrets->warnings[1].to_string(),
            "ipsec.secrets:13: XAUTH secret ignored (XAUTH is IKEv1-only)");
}

TEST(Secrets, IncludesAreRelativeAndBounded) {
  MemoryFileSource files;
  files.add("/etc/ikev2d/ipsec.secrets", ": RSA gw.pem\ninclude ipsec.d/*.secrets\n");
  files.add("/etc/ikev2d/ipsec.d/a.secrets", "@a : PSK \"a-secret\"\n");
  files.add("/etc/ikev2d/ipsec.d/b.secrets", "@b : PSK \"b-secret\"\ninclude ../ipsec.secrets\n");
  auto secrets = load_ipsec_secrets(files, "/etc/ikev2d/ipsec.secrets");
  ASSERT_FALSE(secrets);
  EXPECT_EQ(secrets.error().reason,
            "/etc/ikev2d/ipsec.d/b.secrets:2: include loop: /etc/ikev2d/ipsec.secrets -> "
            "/etc/ikev2d/ipsec.d/b.secrets -> /etc/ikev2d/ipsec.secrets");
  files.add("/etc/ikev2d/ipsec.d/b.secrets", "@b : PSK \"b-secret\"\n");
  secrets = load_ipsec_secrets(files, "/etc/ikev2d/ipsec.secrets");
  ASSERT_TRUE(secrets) << secrets.error().reason;
  ASSERT_EQ(secrets->shared.size(), 2u);
  EXPECT_EQ(secrets->shared[1].where, (Location{"/etc/ikev2d/ipsec.d/b.secrets", 1}));
}

struct BadSecrets {
  const char* name;
  const char* text;
  const char* message;
};

class MalformedSecrets : public testing::TestWithParam<BadSecrets> {};

TEST_P(MalformedSecrets, IsRefusedWithoutShowingTheSecret) {
  auto secrets = parse_ipsec_secrets(GetParam().text);
  ASSERT_FALSE(secrets);
  EXPECT_EQ(secrets.error().reason, GetParam().message);
  EXPECT_EQ(secrets.error().reason.find("TOPSECRET"), std::string::npos);
}

const BadSecrets kBadSecrets[] = {
    {"NoSeparator", "@moon PSK \"TOPSECRET\"\n",
     "ipsec.secrets:1: missing ' : ' between the IDs and the secret type"},
    {"NoType", "@moon :\n", "ipsec.secrets:1: missing secret type after ':'"},
    {"UnknownType", "@moon : PKS \"TOPSECRET\"\n",
     "ipsec.secrets:1: unknown secret type 'PKS' (expected RSA, ECDSA, PKCS8, PKCS12, P12, PSK, "
     "EAP or NTLM)"},
    {"BadHex", "@moon : PSK 0xTOPSECRET\n", "ipsec.secrets:1: PSK: invalid hex after 0x"},
    {"BadBase64", "@moon : PSK 0sTOPSECRET\n", "ipsec.secrets:1: PSK: invalid base64 after 0s"},
    {"Unterminated", "\n@moon : PSK \"TOPSECRET\n",
     "ipsec.secrets:2: PSK: unterminated quoted secret"},
    {"Trailing", "@moon : PSK \"TOPSECRET\" extra\n",
     "ipsec.secrets:1: PSK: unexpected text after the secret"},
    {"MissingSecret", "@moon : PSK\n", "ipsec.secrets:1: PSK: missing secret"},
    {"EmptySecret", "@moon : PSK \"\"\n", "ipsec.secrets:1: PSK: empty secret"},
    {"MissingKeyFile", ": RSA\n", "ipsec.secrets:1: RSA: missing key file name"},
    {"BadPassphrase", ": RSA key.pem 0xTOPSECRET\n",
     "ipsec.secrets:1: RSA passphrase: invalid hex after 0x"},
    {"UnterminatedId", "\"C=CH, CN=x : PSK TOPSECRET\n", "ipsec.secrets:1: unterminated quoted ID"},
    {"MissingInclude", "include other.secrets\n",
     "ipsec.secrets:1: cannot read 'other.secrets': No such file or directory"},
    {"BadId", "\"XY=foo\" : PSK \"TOPSECRET\"\n",
     "ipsec.secrets:1: ID \"XY=foo\": DN attribute \"XY\" is unknown"},
    {"ControlCharacter", "@a : PSK \"TOP\x02SECRET\"\n",
     "ipsec.secrets:1: control character in line"},
};

INSTANTIATE_TEST_SUITE_P(Cases, MalformedSecrets, testing::ValuesIn(kBadSecrets),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Secret, PrintsRedactedEverywhere) {
  Secret secret(std::string_view("TOPSECRET"));
  EXPECT_EQ(secret.to_string(), "<redacted>");
  std::ostringstream out;
  out << secret;
  EXPECT_EQ(out.str(), "<redacted>");
  EXPECT_EQ(testing::PrintToString(secret), "<redacted>");
  EXPECT_EQ(text_of(secret), "TOPSECRET");
}

TEST(Secret, ComparesByValueAndEmptiesWhenMovedFrom) {
  Secret a(std::string_view("same")), b(std::string_view("same")), c(std::string_view("other"));
  EXPECT_EQ(a, b);
  EXPECT_FALSE(a == c);
  Secret moved(std::move(a));
  EXPECT_EQ(moved, b);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the move leaves nothing behind
  c = std::move(moved);
  EXPECT_EQ(c, b);
}

TEST(Secret, LoadedSecretsNeverReachTheirPrintedForm) {
  auto secrets = parse_ipsec_secrets("@a : PSK \"TOPSECRET\"\n: RSA k.pem \"TOPSECRET\"\n");
  ASSERT_TRUE(secrets) << secrets.error().reason;
  std::ostringstream out;
  for (const auto& shared : secrets->shared)
    out << shared.secret << testing::PrintToString(shared.secret);
  for (const auto& key : secrets->private_keys)
    out << *key.passphrase;
  EXPECT_EQ(out.str().find("TOPSECRET"), std::string::npos);
}

}  // namespace
}  // namespace ike::config
