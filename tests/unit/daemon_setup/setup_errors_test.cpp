// Every way a load fails: the error names file, line and reason, no
// Configuration comes back, and no secret ever appears in the message.

#include <gtest/gtest.h>

#include "setup_test_support.hpp"

namespace ikev2d::setup::test {
namespace {

constexpr const char* kPsk = "TopSecretPsk-9f3a";
constexpr const char* kPassphrase = "VerySecretPassphrase-77c1";

class SetupErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    tree.write("ipsec.d/cacerts/ca.pem", pki.ca.cert_pem());
    tree.write("ipsec.d/certs/west.pem", pki.west.cert_pem());
    tree.write("ipsec.d/private/west.key", pki.west.key_pem());
    tree.write("ipsec.d/private/east.key", pki.east.key_pem());
    tree.write("ipsec.d/private/west-locked.key", pki.west.key_pem(kPassphrase));
    tree.secrets(": ECDSA west.key\n@a @b : PSK \"" + std::string(kPsk) + "\"\n");
    host.with_local("10.1.0.1");
  }

  /// Loads, expects failure, and returns the reason (checked to be free of secrets).
  std::string failure() {
    auto configuration = load(tree, host);
    EXPECT_FALSE(configuration) << "loaded although it should not";
    if (configuration) return "";
    const auto& reason = configuration.error().reason;
    EXPECT_EQ(reason.find(kPsk), std::string::npos) << reason;
    EXPECT_EQ(reason.find(kPassphrase), std::string::npos) << reason;
    return reason;
  }

  std::string conf_path() const { return (tree.root() / "ipsec.conf").string(); }

  /// A conn with left=10.1.0.1, right=10.2.0.1 and `extra` lines (tab-indented).
  void conn_with(const std::string& extra) {
    tree.conf("conn a\n\tleft=10.1.0.1\n\tright=10.2.0.1\n" + extra);
  }

  TestPki pki;
  ConfigTree tree;
  FakeHost host;
};

TEST_F(SetupErrors, MissingCertificateFile) {
  conn_with("\tleftcert=gone.pem\n");
  auto reason = failure();
  EXPECT_NE(reason.find(conf_path() + ":4: conn a: leftcert: "), std::string::npos) << reason;
  EXPECT_NE(reason.find("ipsec.d/certs/gone.pem"), std::string::npos) << reason;
  EXPECT_NE(reason.find("No such file"), std::string::npos) << reason;
}

TEST_F(SetupErrors, KeyThatDoesNotMatchTheCertificate) {
  tree.secrets(": ECDSA east.key\n");
  conn_with("\tleftcert=west.pem\n");
  auto reason = failure();
  EXPECT_NE(reason.find(conf_path() + ":4: conn a: leftcert=west.pem"), std::string::npos)
      << reason;
  EXPECT_NE(reason.find("no private key in ipsec.secrets matches its public key (ECDSA-P256"),
            std::string::npos)
      << reason;
}

TEST_F(SetupErrors, PubkeyWithoutCertificate) {
  conn_with("");
  auto reason = failure();
  EXPECT_NE(reason.find("leftauth=pubkey (the default without authby=psk) needs leftcert"),
            std::string::npos)
      << reason;
}

TEST_F(SetupErrors, CaSectionNamingAnUnknownFile) {
  tree.conf(
      "ca corp\n\tcacert=corp-root.pem\n\tauto=add\n"
      "conn a\n\tleft=10.1.0.1\n\tright=10.2.0.1\n\tauthby=psk\n");
  auto reason = failure();
  EXPECT_NE(reason.find(conf_path() + ":2: ca corp: cacert: "), std::string::npos) << reason;
  EXPECT_NE(reason.find("ipsec.d/cacerts/corp-root.pem"), std::string::npos) << reason;
}

TEST_F(SetupErrors, CacertsFileThatIsNoCertificate) {
  tree.write("ipsec.d/cacerts/junk.pem", std::string("not a certificate\n"));
  conn_with("\tauthby=psk\n");
  auto reason = failure();
  EXPECT_NE(reason.find("junk.pem"), std::string::npos) << reason;
}

TEST_F(SetupErrors, EndEntityCertificateInCacerts) {
  tree.write("ipsec.d/cacerts/west.pem", pki.west.cert_pem());
  conn_with("\tauthby=psk\n");
  auto reason = failure();
  EXPECT_NE(reason.find("is not a CA certificate"), std::string::npos) << reason;
}

TEST_F(SetupErrors, SecretsThatCannotBeRead) {
  std::filesystem::remove(tree.root() / "ipsec.secrets");
  std::filesystem::create_directory(tree.root() / "ipsec.secrets");
  conn_with("\tauthby=psk\n");
  auto reason = failure();
  EXPECT_NE(reason.find("ipsec.secrets': not a regular file"), std::string::npos) << reason;
}

TEST_F(SetupErrors, SecretsThatDoNotExist) {
  std::filesystem::remove(tree.root() / "ipsec.secrets");
  conn_with("\tauthby=psk\n");
  auto reason = failure();
  EXPECT_NE(reason.find("ipsec.secrets': No such file"), std::string::npos) << reason;
}

TEST_F(SetupErrors, SecretsSyntaxErrorKeepsTheSecretOut) {
  tree.secrets("@a @b : PSK \"" + std::string(kPsk) + "\"\n@c : PSK 0x" + kPsk + "\n");
  conn_with("\tauthby=psk\n");
  auto reason = failure();
  EXPECT_NE(reason.find("ipsec.secrets:2:"), std::string::npos) << reason;
}

TEST_F(SetupErrors, Ikev1IsRefusedWithItsLine) {
  conn_with("\tauthby=psk\n\tkeyexchange=ikev1\n");
  auto reason = failure();
  EXPECT_NE(reason.find(conf_path() + ":5:"), std::string::npos) << reason;
  EXPECT_NE(reason.find("IKEv1 is not supported"), std::string::npos) << reason;
}

TEST_F(SetupErrors, WrongPassphrase) {
  tree.secrets(": ECDSA west-locked.key \"not the passphrase\"\n");
  conn_with("\tleftcert=west.pem\n");
  auto reason = failure();
  EXPECT_NE(reason.find("ipsec.secrets:1: ECDSA "), std::string::npos) << reason;
  EXPECT_NE(reason.find("wrong passphrase"), std::string::npos) << reason;
  EXPECT_EQ(reason.find("not the passphrase"), std::string::npos) << reason;
}

TEST_F(SetupErrors, KeyOfAnotherTypeThanDeclared) {
  tree.secrets(": RSA west.key\n");
  conn_with("\tleftcert=west.pem\n");
  auto reason = failure();
  EXPECT_NE(reason.find("declared RSA but holds a ECDSA-P256 key"), std::string::npos) << reason;
}

TEST_F(SetupErrors, Pkcs12IsRefused) {
  tree.secrets(": P12 west.p12 \"" + std::string(kPassphrase) + "\"\n");
  conn_with("\tauthby=psk\n");
  auto reason = failure();
  EXPECT_NE(reason.find("PKCS#12 containers are not supported"), std::string::npos) << reason;
}

TEST_F(SetupErrors, HostNameThatDoesNotResolve) {
  tree.conf("conn a\n\tleft=10.1.0.1\n\tright=peer.invalid\n\tauthby=psk\n");
  auto reason = failure();
  EXPECT_NE(reason.find(conf_path() + ":3: conn a: right=peer.invalid: cannot resolve"),
            std::string::npos)
      << reason;
}

TEST_F(SetupErrors, EndsOfDifferentFamilies) {
  tree.conf("conn a\n\tleft=10.1.0.1\n\tright=2001:db8::2\n\tauthby=psk\n");
  auto reason = failure();
  EXPECT_NE(reason.find("are of different address families"), std::string::npos) << reason;
}

struct Refusal {
  const char* name;
  const char* lines;
  const char* expected;
};

class RefusedSettings : public SetupErrors, public ::testing::WithParamInterface<Refusal> {};

TEST_P(RefusedSettings, NameTheSettingAndItsLine) {
  conn_with(GetParam().lines);
  auto reason = failure();
  EXPECT_NE(reason.find(conf_path() + ":4: conn a: "), std::string::npos) << reason;
  EXPECT_NE(reason.find(GetParam().expected), std::string::npos) << reason;
}

INSTANTIATE_TEST_SUITE_P(
    Setup, RefusedSettings,
    ::testing::Values(
        Refusal{"pass", "\ttype=pass\n", "bypass and drop policies are not supported"},
        Refusal{"drop", "\ttype=drop\n", "type=drop"},
        Refusal{"never", "\tauthby=never\n", "authby=never"},
        Refusal{"eap", "\trightauth=eap-mschapv2\n\tleftauth=psk\n", "EAP is not supported"},
        Refusal{"null", "\tleftauth=null\n", "NULL authentication"},
        Refusal{"auth2", "\trightauth2=pubkey\n\tauthby=psk\n", "second authentication round"},
        Refusal{"ah", "\tah=sha256\n\tauthby=psk\n", "AH is not supported"},
        Refusal{"unique_mark", "\tmark=%unique\n\tauthby=psk\n", "unique marks"},
        Refusal{"sigkey", "\trightsigkey=0x030101\n\tauthby=psk\n", "raw public keys"},
        Refusal{"groups", "\trightgroups=admins\n\tauthby=psk\n", "group membership"},
        Refusal{"certpolicy", "\trightcertpolicy=1.2.3\n\tauthby=psk\n", "certificate policy"},
        Refusal{"transport_subnet", "\tleftsubnet=10.10.0.0/16\n\ttype=transport\n\tauthby=psk\n",
                "is not a single address"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(SetupErrors, RightcaThatWouldNarrowOurCas) {
  auto other_ca = issue({"Other CA", true, "", 30}, nullptr);
  tree.write("ipsec.d/cacerts/other.pem", other_ca.cert_pem());
  conn_with("\tleftcert=west.pem\n\trightca=\"C=XX, O=ikev2d test, CN=Test CA\"\n");
  auto reason = failure();
  EXPECT_NE(reason.find(conf_path() + ":5: conn a: rightca="), std::string::npos) << reason;
  EXPECT_NE(reason.find("restricting a peer to one of several trusted CAs"), std::string::npos)
      << reason;
}

TEST_F(SetupErrors, RightcaEqualToOurOnlyCaIsAccepted) {
  conn_with("\tleftcert=west.pem\n\trightca=\"C=XX, O=ikev2d test, CN=Test CA\"\n");
  auto configuration = load(tree, host);
  EXPECT_TRUE(configuration) << configuration.error().reason;
}

}  // namespace
}  // namespace ikev2d::setup::test
