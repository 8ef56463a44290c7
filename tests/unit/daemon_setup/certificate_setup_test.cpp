// Site-to-site conns with certificates: certificate and key files from
// ipsec.d (PEM and DER, plain and encrypted keys, absolute paths), the
// signer the engine gets, identities defaulted as strongSwan does, the trust
// store from cacerts/ and crls/, and certificates parsed once.

#include <gtest/gtest.h>

#include "ike/crypto/pki/signature.hpp"
#include "setup/file_credentials.hpp"
#include "setup_test_support.hpp"

namespace ikev2d::setup::test {
namespace {

const char* kNetToNet =
    "config setup\n"
    "\tstrictcrlpolicy=yes\n"
    "conn %default\n"
    "\tkeyexchange=ikev2\n"
    "conn net-net\n"
    "\tleft=10.1.0.1\n"
    "\tleftcert=west.pem\n"
    "\tleftsubnet=10.10.0.0/16\n"
    "\tleftsendcert=always\n"
    "\tright=10.2.0.1\n"
    "\trightid=\"C=XX, O=ikev2d test, CN=east.example\"\n"
    "\trightsubnet=10.20.0.0/16\n"
    "\tauto=start\n";

class CertificateSetup : public ::testing::Test {
 protected:
  void SetUp() override {
    tree.write("ipsec.d/cacerts/ca.pem", pki.ca.cert_pem());
    tree.write("ipsec.d/certs/west.pem", pki.west.cert_pem());
    tree.write("ipsec.d/certs/east.pem", pki.east.cert_pem());
    tree.write("ipsec.d/private/west.key", pki.west.key_pem());
    tree.write("ipsec.d/private/east.key", pki.east.key_pem());
    host.with_local("10.1.0.1");
  }

  /// The signer the engine would get signs, and the certificate verifies it.
  static void expect_signer_for(const Configuration& configuration,
                                const ike::sa::Connection& connection) {
    auto* signer = configuration.credentials->signer(connection);
    ASSERT_NE(signer, nullptr);
    ike::Bytes octets{1, 2, 3, 4};
    auto signature = signer->sign(octets, ike::pki::SignatureScheme::ecdsa_sha256);
    ASSERT_TRUE(signature) << signature.error().reason;
    EXPECT_TRUE(ike::pki::verify_signature(connection.local_certificates.front()->public_key(),
                                           ike::pki::SignatureScheme::ecdsa_sha256, octets,
                                           *signature));
  }

  TestPki pki;
  ConfigTree tree;
  FakeHost host;
};

// leftauth constraints choose how we sign (strongSwan's syntax): rsa/pss
// for RSASSA-PSS, rsa with a hash for PKCS #1 v1.5, the first hash named.
TEST_F(CertificateSetup, LeftauthConstraintsChooseOurSignatureScheme) {
  using ike::wire::HashAlgorithm;
  struct Case {
    const char* leftauth;
    bool rsa_pss;
    std::optional<HashAlgorithm> hash;
  };
  const Case cases[] = {
      {"pubkey", true, std::nullopt},
      {"rsa-2048", true, std::nullopt},
      {"rsa/pss-sha256", true, HashAlgorithm::sha2_256},
      {"rsa/pss-sha512", true, HashAlgorithm::sha2_512},
      {"rsa-sha256", false, HashAlgorithm::sha2_256},
      {"rsa-2048-sha384-sha256", false, HashAlgorithm::sha2_384},
      {"pubkey-sha384", true, HashAlgorithm::sha2_384},
      {"ecdsa-256-sha512", true, HashAlgorithm::sha2_512},
  };
  tree.secrets(": ECDSA west.key\n");
  for (const auto& c : cases) {
    tree.conf(std::string(kNetToNet) + "\tleftauth=" + c.leftauth + "\n");
    auto configuration = load(tree, host);
    ASSERT_TRUE(configuration) << c.leftauth << ": " << configuration.error().reason;
    const auto& signature = configuration->connections.front().connection->signature;
    EXPECT_EQ(signature.rsa_pss, c.rsa_pss) << c.leftauth;
    EXPECT_EQ(signature.hash, c.hash) << c.leftauth;
  }
}

// rightauth constraints are not enforced yet: the conn loads with a warning
// that says so; a plain method does not warn.
TEST_F(CertificateSetup, RightauthConstraintsWarnThatTheyAreNotEnforced) {
  tree.secrets(": ECDSA west.key\n");
  tree.conf(std::string(kNetToNet) + "\trightauth=rsa/pss-sha256\n");
  auto constrained = load(tree, host);
  ASSERT_TRUE(constrained) << constrained.error().reason;
  EXPECT_TRUE(has_warning(*constrained,
                          "rightauth=rsa/pss-sha256: constraints on the peer's key "
                          "and signature are not enforced yet"))
      << all_warnings(*constrained);
  tree.conf(std::string(kNetToNet) + "\trightauth=pubkey\n");
  auto plain = load(tree, host);
  ASSERT_TRUE(plain) << plain.error().reason;
  EXPECT_EQ(all_warnings(*plain).find("not enforced"), std::string::npos) << all_warnings(*plain);
}

TEST_F(CertificateSetup, SiteToSiteConnMapsEveryPart) {
  tree.conf(kNetToNet);
  tree.secrets(": ECDSA west.key\n");
  auto configuration = load(tree, host);
  ASSERT_TRUE(configuration) << configuration.error().reason;
  ASSERT_EQ(configuration->connections.size(), 1u);
  const auto& setup = configuration->connections.front();
  EXPECT_EQ(setup.auto_action, ike::config::AutoAction::start);
  EXPECT_FALSE(setup.swapped);
  ASSERT_TRUE(setup.source);
  EXPECT_EQ(setup.source->name, "net-net");
  const auto& c = *setup.connection;
  EXPECT_EQ(c.name, "net-net");
  EXPECT_EQ(c.local_address, ip("10.1.0.1"));
  EXPECT_EQ(c.remote_address, ip("10.2.0.1"));
  EXPECT_EQ(c.local_auth, ike::sa::AuthClass::pubkey);
  EXPECT_EQ(c.remote_auth, ike::sa::AuthClass::pubkey);
  EXPECT_EQ(c.send_certificate, ike::sa::SendCert::always);
  ASSERT_EQ(c.local_certificates.size(), 1u);  // the CA is a root: not sent
  EXPECT_EQ(c.local_certificates.front()->subject(), pki.west.subject);
  // West's certificate carries IP:10.1.0.1, so the default ID (the address)
  // is confirmed and kept, as strongSwan keeps it.
  EXPECT_EQ(c.local_id, id("10.1.0.1"));
  EXPECT_EQ(c.remote_id, id(pki.east.subject));
  ASSERT_EQ(c.children.size(), 1u);
  EXPECT_EQ(c.children.front().name, "net-net");
  EXPECT_EQ(ike::ts::to_string(c.children.front().local_ts), "10.10.0.0/16");
  EXPECT_EQ(ike::ts::to_string(c.children.front().remote_ts), "10.20.0.0/16");
  expect_signer_for(*configuration, c);

  const auto* trust = configuration->credentials->trust_store();
  ASSERT_NE(trust, nullptr);
  ASSERT_EQ(trust->cas().size(), 1u);
  EXPECT_EQ(trust->cas().front()->subject(), pki.ca.subject);
  EXPECT_EQ(trust->crl_policy(), ike::pki::CrlPolicy::strict);
  EXPECT_EQ(configuration->certificates.size(), 2u);  // west and the CA
  EXPECT_EQ(configuration->setup.strictcrlpolicy, ike::config::CrlPolicy::yes);
}

TEST_F(CertificateSetup, DerCertificateAbsolutePathAndEncryptedKey) {
  tree.write("ipsec.d/certs/west.der", pki.west.cert_der());
  tree.write("keys/west-encrypted.pem", pki.west.key_pem("open sesame 42"));
  auto absolute_cert = (tree.root() / "ipsec.d/certs/west.der").string();
  auto absolute_key = (tree.root() / "keys/west-encrypted.pem").string();
  tree.conf("conn a\n\tleft=10.1.0.1\n\tleftcert=" + absolute_cert + "\n\tright=10.2.0.1\n");
  tree.secrets(": ECDSA " + absolute_key + " \"open sesame 42\"\n");
  auto configuration = load(tree, host);
  ASSERT_TRUE(configuration) << configuration.error().reason;
  const auto* setup = find_conn(*configuration, "a");
  ASSERT_NE(setup, nullptr);
  ASSERT_EQ(setup->connection->local_certificates.size(), 1u);
  EXPECT_EQ(setup->connection->local_certificates.front()->subject(), pki.west.subject);
  expect_signer_for(*configuration, *setup->connection);
  EXPECT_EQ(all_warnings(*configuration).find("sesame"), std::string::npos);
}

TEST_F(CertificateSetup, RsaKeyInTraditionalForm) {
  auto rsa = issue({"rsa.example", false, "DNS:rsa.example", 9}, &pki.ca, /*rsa=*/true);
  tree.write("ipsec.d/certs/rsa.pem", rsa.cert_pem());
  tree.write("ipsec.d/private/rsa.key", rsa.key_traditional_pem());
  tree.conf("conn a\n\tleft=10.1.0.1\n\tleftcert=rsa.pem\n\tright=%any\n");
  tree.secrets(": RSA rsa.key\n");
  auto configuration = load(tree, host);
  ASSERT_TRUE(configuration) << configuration.error().reason;
  const auto& c = *find_conn(*configuration, "a")->connection;
  auto* signer = configuration->credentials->signer(c);
  ASSERT_NE(signer, nullptr);
  EXPECT_EQ(signer->key_type(), ike::pki::KeyType::rsa);
  // No IP in the certificate: the ID becomes the subject DN.
  EXPECT_EQ(c.local_id, id(rsa.subject));
  EXPECT_TRUE(c.remote_id.is_any());
}

TEST_F(CertificateSetup, CertificateNamedByTwoConnsIsParsedOnce) {
  tree.conf(
      "conn a\n\tleft=10.1.0.1\n\tleftcert=west.pem\n\tright=10.2.0.1\n"
      "conn b\n\tleft=10.1.0.1\n\tleftcert=./west.pem\n\tright=10.3.0.1\n");
  tree.secrets(": ECDSA west.key\n: ECDSA east.key\n");
  auto configuration = load(tree, host);
  ASSERT_TRUE(configuration) << configuration.error().reason;
  const auto& a = *find_conn(*configuration, "a")->connection;
  const auto& b = *find_conn(*configuration, "b")->connection;
  EXPECT_EQ(a.local_certificates.front().get(), b.local_certificates.front().get());
  EXPECT_EQ(configuration->credentials->signer(a), configuration->credentials->signer(b));
  EXPECT_EQ(configuration->certificates.size(), 2u);
}

TEST_F(CertificateSetup, IdNotConfirmedByTheCertificateFallsBackToItsSubject) {
  host.with_local("10.2.0.1");
  tree.conf(
      "conn subject\n\tleft=10.2.0.1\n\tleftcert=east.pem\n\tright=10.9.0.1\n"
      "conn fqdn\n\tleft=10.2.0.1\n\tleftcert=east.pem\n\tleftid=@east.example\n"
      "\tright=10.9.0.2\n"
      "conn wrong\n\tleft=10.2.0.1\n\tleftcert=east.pem\n\tleftid=@north.example\n"
      "\tright=10.9.0.3\n");
  tree.secrets(": ECDSA east.key\n");
  auto configuration = load(tree, host);
  ASSERT_TRUE(configuration) << configuration.error().reason;
  EXPECT_EQ(find_conn(*configuration, "subject")->connection->local_id, id(pki.east.subject));
  EXPECT_EQ(find_conn(*configuration, "fqdn")->connection->local_id, id("east.example"));
  EXPECT_EQ(find_conn(*configuration, "wrong")->connection->local_id, id(pki.east.subject));
  EXPECT_TRUE(has_warning(*configuration,
                          "ipsec.conf:13: conn wrong: leftid=north.example is not confirmed"))
      << all_warnings(*configuration);
}

TEST_F(CertificateSetup, RightcertGivesTheDefaultRemoteIdentity) {
  tree.conf(
      "conn a\n\tleft=10.1.0.1\n\tleftcert=west.pem\n\tright=10.2.0.1\n\trightcert=east.pem\n");
  tree.secrets(": ECDSA west.key\n");
  auto configuration = load(tree, host);
  ASSERT_TRUE(configuration) << configuration.error().reason;
  EXPECT_EQ(find_conn(*configuration, "a")->connection->remote_id, id(pki.east.subject));
  EXPECT_TRUE(has_warning(*configuration, "rightcert: used for the default rightid only"));
}

TEST_F(CertificateSetup, IntermediateCaInCacertsIsSentAfterOurCertificate) {
  auto intermediate = issue({"Intermediate CA", true, "", 20}, &pki.ca);
  auto leaf = issue({"leaf.example", false, "DNS:leaf.example", 21}, &intermediate);
  ConfigTree only_intermediate;
  only_intermediate.write("ipsec.d/cacerts/intermediate.pem", intermediate.cert_pem());
  only_intermediate.write("ipsec.d/certs/leaf.pem", leaf.cert_pem());
  only_intermediate.write("ipsec.d/private/leaf.key", leaf.key_pem());
  only_intermediate.conf("conn a\n\tleft=10.1.0.1\n\tleftcert=leaf.pem\n\tright=10.2.0.1\n");
  only_intermediate.secrets(": PKCS8 leaf.key\n");
  auto configuration = load(only_intermediate, host);
  ASSERT_TRUE(configuration) << configuration.error().reason;
  const auto& chain = find_conn(*configuration, "a")->connection->local_certificates;
  ASSERT_EQ(chain.size(), 2u);
  EXPECT_EQ(chain[0]->subject(), leaf.subject);
  EXPECT_EQ(chain[1]->subject(), intermediate.subject);
}

TEST_F(CertificateSetup, CaSectionAndCrlDirectoryFeedTheTrustStore) {
  auto other_ca = issue({"Other CA", true, "", 30}, nullptr);
  tree.write("ipsec.d/cacerts/../other/other-ca.pem", other_ca.cert_pem());
  tree.write("ipsec.d/crls/ca.crl", crl_pem(pki.ca, {77}));
  tree.conf(
      "ca other\n\tcacert=../other/other-ca.pem\n\tcrluri=http://crl.example/other.crl\n"
      "\tauto=add\n"
      "ca ignored\n\tcacert=does-not-exist.pem\n"
      "conn a\n\tleft=10.1.0.1\n\tleftcert=west.pem\n\tright=10.2.0.1\n");
  tree.secrets(": ECDSA west.key\n");
  auto configuration = load(tree, host);
  ASSERT_TRUE(configuration) << configuration.error().reason;
  const auto* trust = configuration->credentials->trust_store();
  ASSERT_NE(trust, nullptr);
  EXPECT_EQ(trust->cas().size(), 2u);
  EXPECT_EQ(trust->crls().size(), 1u);
  EXPECT_EQ(trust->crl_policy(), ike::pki::CrlPolicy::relaxed);
  EXPECT_TRUE(has_warning(*configuration, "ipsec.conf:3: ca other: crluri is not used"))
      << all_warnings(*configuration);
}

TEST_F(CertificateSetup, OurExpiredOrUnknownCertificateIsAWarning) {
  auto stranger_ca = issue({"Stranger CA", true, "", 40}, nullptr);
  auto stranger = issue({"stranger.example", false, "", 41}, &stranger_ca);
  tree.write("ipsec.d/certs/stranger.pem", stranger.cert_pem());
  tree.write("ipsec.d/private/stranger.key", stranger.key_pem());
  tree.conf("conn a\n\tleft=10.1.0.1\n\tleftcert=stranger.pem\n\tright=10.2.0.1\n");
  tree.secrets(": ECDSA stranger.key\n");
  auto configuration = load(tree, host);
  ASSERT_TRUE(configuration) << configuration.error().reason;
  EXPECT_TRUE(has_warning(*configuration, "does not verify against our CAs now"))
      << all_warnings(*configuration);
}

}  // namespace
}  // namespace ikev2d::setup::test
