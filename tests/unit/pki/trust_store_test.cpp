#include "ike/crypto/pki/trust_store.hpp"

#include <gtest/gtest.h>

#include "pki_test_support.hpp"

namespace ike::pki {
namespace {

using test::CertSpec;
using test::day;
using test::Issued;

const auto kAt = day(2030, 6, 1);

std::string reason_of(const Result<VerifiedChain>& result) {
  return result.ok() ? std::string("(ok)") : result.error().reason;
}

/// root (RSA-2048) -> intermediate (ECDSA P-384) -> end entities (P-256);
/// an Ed25519 root with an Ed25519 end entity; an unrelated "rogue" root.
class TrustStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto& f = *(fixture_ = new Fixture());
    f.root = test::issue(
        KeyType::rsa, CertSpec::of({{"C", "XX"}, {"O", "test"}, {"CN", "Root CA"}}).ca(), nullptr);
    f.intermediate = test::issue(
        KeyType::ecdsa_p384,
        CertSpec::of({{"C", "XX"}, {"O", "test"}, {"CN", "Intermediate CA"}}).ca().with_serial(2),
        &f.root);
    f.leaf = test::issue(KeyType::ecdsa_p256,
                         CertSpec::of({{"C", "XX"}, {"CN", "leaf.example"}})
                             .with_serial(10)
                             .sans("DNS:leaf.example"),
                         &f.intermediate);
    f.revoked = test::issue(KeyType::ecdsa_p256,
                            CertSpec::of({{"C", "XX"}, {"CN", "revoked.example"}}).with_serial(66),
                            &f.intermediate);
    f.expired = test::issue(KeyType::ecdsa_p256,
                            CertSpec::of({{"C", "XX"}, {"CN", "expired.example"}})
                                .with_serial(11)
                                .valid(day(2020, 1, 1), day(2025, 1, 1)),
                            &f.intermediate);
    f.ed_root = test::issue(KeyType::ed25519, CertSpec::of({{"CN", "Ed25519 Root"}}).ca(), nullptr);
    f.ed_leaf = test::issue(KeyType::ed25519, CertSpec::of({{"CN", "ed.example"}}).with_serial(3),
                            &f.ed_root);
    f.rogue_root =
        test::issue(KeyType::ecdsa_p256,
                    CertSpec::of({{"C", "XX"}, {"O", "test"}, {"CN", "Root CA"}}).ca(), nullptr);
    f.rogue_leaf = test::issue(KeyType::ecdsa_p256,
                               CertSpec::of({{"C", "XX"}, {"CN", "leaf.example"}}).with_serial(10),
                               &f.rogue_root);
  }
  static void TearDownTestSuite() {
    delete fixture_;
    fixture_ = nullptr;
  }

  struct Fixture {
    Issued root, intermediate, leaf, revoked, expired, ed_root, ed_leaf, rogue_root, rogue_leaf;
  };
  static const Fixture& f() { return *fixture_; }

  static TrustStore store_with_roots() {
    TrustStore store;
    EXPECT_TRUE(store.add_ca(f().root.cert).ok());
    EXPECT_TRUE(store.add_ca(f().ed_root.cert).ok());
    return store;
  }
  static std::vector<CertificatePtr> intermediates() { return {f().intermediate.cert}; }

 private:
  static Fixture* fixture_;
};
TrustStoreTest::Fixture* TrustStoreTest::fixture_ = nullptr;

TEST_F(TrustStoreTest, VerifiesAChainThroughTheIntermediateThePeerSent) {
  TrustStore store = store_with_roots();
  auto chain = store.verify(*f().leaf.cert, intermediates(), kAt);
  ASSERT_TRUE(chain.ok()) << reason_of(chain);
  EXPECT_EQ(chain->subjects,
            (std::vector<std::string>{"C=XX, CN=leaf.example", "C=XX, O=test, CN=Intermediate CA",
                                      "C=XX, O=test, CN=Root CA"}));
  EXPECT_EQ(chain->anchor, f().root.cert);
  EXPECT_TRUE(chain->warnings.empty());  // no CRLs held at all: nothing to report

  auto ed = store.verify(*f().ed_leaf.cert, {}, kAt);
  ASSERT_TRUE(ed.ok()) << reason_of(ed);
  EXPECT_EQ(ed->anchor, f().ed_root.cert);
}

TEST_F(TrustStoreTest, MissingIntermediateOrUnknownCaIsUntrusted) {
  TrustStore store = store_with_roots();
  auto no_intermediate = store.verify(*f().leaf.cert, {}, kAt);
  ASSERT_FALSE(no_intermediate.ok());
  EXPECT_EQ(no_intermediate.error().code, Errc::certificate_untrusted);
  EXPECT_NE(no_intermediate.error().reason.find("C=XX, CN=leaf.example"), std::string::npos);
  EXPECT_NE(no_intermediate.error().reason.find("unable to get local issuer certificate"),
            std::string::npos)
      << no_intermediate.error().reason;
  // The missing issuer is named, so the operator knows which CA to add.
  EXPECT_NE(no_intermediate.error().reason.find("its issuer \"" + f().intermediate.cert->subject() +
                                                "\" is not a trusted CA"),
            std::string::npos)
      << no_intermediate.error().reason;

  // Same issuer name as our root, different key: the signature gives it away.
  auto rogue = store.verify(*f().rogue_leaf.cert, {}, kAt);
  ASSERT_FALSE(rogue.ok());
  EXPECT_EQ(rogue.error().code, Errc::certificate_untrusted) << rogue.error().reason;

  // Sending the rogue root along does not make it trusted.
  std::vector<CertificatePtr> with_root{f().rogue_root.cert};
  auto self_made = store.verify(*f().rogue_leaf.cert, with_root, kAt);
  ASSERT_FALSE(self_made.ok());
  EXPECT_EQ(self_made.error().code, Errc::certificate_untrusted);

  TrustStore empty;
  auto nothing = empty.verify(*f().leaf.cert, intermediates(), kAt);
  ASSERT_FALSE(nothing.ok());
  EXPECT_EQ(nothing.error().code, Errc::certificate_untrusted);
}

TEST_F(TrustStoreTest, ExpiredAndNotYetValidCertificatesAreExpired) {
  TrustStore store = store_with_roots();
  auto expired = store.verify(*f().expired.cert, intermediates(), kAt);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, Errc::certificate_expired);
  EXPECT_NE(expired.error().reason.find("C=XX, CN=expired.example"), std::string::npos);
  EXPECT_NE(expired.error().reason.find("certificate has expired"), std::string::npos)
      << expired.error().reason;
  // The same certificate was fine in 2024: the time is ours, not the clock's.
  EXPECT_TRUE(store.verify(*f().expired.cert, intermediates(), day(2024, 6, 1)).ok());

  auto early = store.verify(*f().leaf.cert, intermediates(), day(2019, 6, 1));
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().code, Errc::certificate_expired);
  EXPECT_NE(early.error().reason.find("not yet valid"), std::string::npos) << early.error().reason;
}

TEST_F(TrustStoreTest, RevokedCertificateIsRejectedWhenTheIssuerHasACrl) {
  TrustStore store = store_with_roots();
  // Without a CRL the revoked certificate still verifies (strictcrlpolicy=no).
  EXPECT_TRUE(store.verify(*f().revoked.cert, intermediates(), kAt).ok());

  ASSERT_TRUE(
      store.add_crl(test::make_crl(f().intermediate, {66}, day(2030, 5, 1), day(2030, 7, 1))).ok());
  auto revoked = store.verify(*f().revoked.cert, intermediates(), kAt);
  ASSERT_FALSE(revoked.ok());
  EXPECT_EQ(revoked.error().code, Errc::certificate_revoked);
  EXPECT_NE(revoked.error().reason.find("C=XX, CN=revoked.example"), std::string::npos);
  EXPECT_NE(revoked.error().reason.find("certificate revoked"), std::string::npos)
      << revoked.error().reason;

  // The good leaf passes; the root issued no CRL for the intermediate, which
  // relaxed policy accepts and reports.
  auto good = store.verify(*f().leaf.cert, intermediates(), kAt);
  ASSERT_TRUE(good.ok()) << reason_of(good);
  ASSERT_EQ(good->warnings.size(), 1u);
  EXPECT_NE(good->warnings[0].find("Intermediate CA"), std::string::npos) << good->warnings[0];
  EXPECT_NE(good->warnings[0].find("unable to get certificate CRL"), std::string::npos);
}

TEST_F(TrustStoreTest, StrictCrlPolicyNeedsACurrentCrlForEveryIssuerButTheAnchor) {
  TrustStore store = store_with_roots();
  store.set_crl_policy(CrlPolicy::strict);
  ASSERT_TRUE(
      store.add_crl(test::make_crl(f().intermediate, {66}, day(2030, 5, 1), day(2030, 7, 1))).ok());
  auto missing_root_crl = store.verify(*f().leaf.cert, intermediates(), kAt);
  ASSERT_FALSE(missing_root_crl.ok());
  EXPECT_EQ(missing_root_crl.error().code, Errc::certificate_untrusted);
  EXPECT_NE(missing_root_crl.error().reason.find("unable to get certificate CRL"),
            std::string::npos)
      << missing_root_crl.error().reason;

  ASSERT_TRUE(store.add_crl(test::make_crl(f().root, {}, day(2030, 5, 1), day(2030, 7, 1))).ok());
  auto good = store.verify(*f().leaf.cert, intermediates(), kAt);
  ASSERT_TRUE(good.ok()) << reason_of(good);
  EXPECT_TRUE(good->warnings.empty());

  // After the CRLs' nextUpdate strict policy refuses.
  auto stale = store.verify(*f().leaf.cert, intermediates(), day(2030, 8, 1));
  ASSERT_FALSE(stale.ok());
  EXPECT_NE(stale.error().reason.find("CRL has expired"), std::string::npos)
      << stale.error().reason;
}

TEST_F(TrustStoreTest, StaleCrlIsAcceptedWithAWarningButStillRevokes) {
  TrustStore store = store_with_roots();
  ASSERT_TRUE(
      store.add_crl(test::make_crl(f().intermediate, {66}, day(2029, 1, 1), day(2029, 2, 1))).ok());
  ASSERT_TRUE(store.add_crl(test::make_crl(f().root, {}, day(2029, 1, 1), day(2029, 2, 1))).ok());
  auto good = store.verify(*f().leaf.cert, intermediates(), kAt);
  ASSERT_TRUE(good.ok()) << reason_of(good);
  ASSERT_EQ(good->warnings.size(), 2u);
  EXPECT_NE(good->warnings[0].find("CRL has expired"), std::string::npos) << good->warnings[0];

  auto revoked = store.verify(*f().revoked.cert, intermediates(), kAt);
  ASSERT_FALSE(revoked.ok());
  EXPECT_EQ(revoked.error().code, Errc::certificate_revoked);
}

TEST_F(TrustStoreTest, AnIntermediateInCacertsIsATrustAnchor) {
  TrustStore store;
  ASSERT_TRUE(store.add_ca(f().intermediate.cert).ok());
  auto chain = store.verify(*f().leaf.cert, {}, kAt);
  ASSERT_TRUE(chain.ok()) << reason_of(chain);
  EXPECT_EQ(chain->subjects.size(), 2u);
  EXPECT_EQ(chain->anchor, f().intermediate.cert);
}

TEST_F(TrustStoreTest, RefusesEndEntityCertificatesAsCas) {
  TrustStore store;
  auto added = store.add_ca(f().leaf.cert);
  ASSERT_FALSE(added.ok());
  EXPECT_EQ(added.error().code, Errc::certificate_unusable);
  EXPECT_NE(added.error().reason.find("is not a CA certificate"), std::string::npos);
}

TEST_F(TrustStoreTest, CertreqCarriesOurCaKeyHashesAndFindsThem) {
  TrustStore store = store_with_roots();
  ASSERT_TRUE(store.add_ca(f().root.cert).ok());  // twice: kept once
  auto hashes = store.ca_key_hashes();
  ASSERT_EQ(hashes.size(), 2u);
  EXPECT_EQ(hashes[0], f().root.cert->spki_sha1());
  EXPECT_EQ(hashes[1], f().ed_root.cert->spki_sha1());
  Bytes authorities = store.certreq_authorities();
  ASSERT_EQ(authorities.size(), 40u);
  EXPECT_EQ(Bytes(authorities.begin(), authorities.begin() + 20),
            Bytes(hashes[0].begin(), hashes[0].end()));

  EXPECT_EQ(store.find_ca_by_key_hash(hashes[1]), f().ed_root.cert);
  EXPECT_EQ(store.find_ca_by_key_hash(f().rogue_root.cert->spki_sha1()), nullptr);
  EXPECT_EQ(store.find_ca_by_key_hash(ByteView(hashes[0]).first(19)), nullptr);

  Bytes unknown_then_known(f().rogue_root.cert->spki_sha1().begin(),
                           f().rogue_root.cert->spki_sha1().end());
  EXPECT_FALSE(store.knows_any(unknown_then_known));
  unknown_then_known.insert(unknown_then_known.end(), hashes[1].begin(), hashes[1].end());
  EXPECT_TRUE(store.knows_any(unknown_then_known));
}

TEST_F(TrustStoreTest, LoadsCacertsAndCrlsDirectories) {
  test::TempDir dir;
  dir.write("cacerts/a-root.pem", test::cert_pem(*f().root.cert));
  dir.write("cacerts/b-intermediate.der", f().intermediate.cert->der());
  dir.write("cacerts/c-bundle.crt",
            test::cert_pem(*f().ed_root.cert) + test::cert_pem(*f().root.cert));
  dir.write("cacerts/README.txt", "not a certificate, ignored by extension");
  dir.write(
      "crls/intermediate.crl",
      test::crl_pem(*test::make_crl(f().intermediate, {66}, day(2030, 5, 1), day(2030, 7, 1))));
  dir.write("crls/root.der",
            test::crl_der(*test::make_crl(f().root, {}, day(2030, 5, 1), day(2030, 7, 1))));
  auto store = TrustStore::load((dir.path() / "cacerts").string(), (dir.path() / "crls").string());
  ASSERT_TRUE(store.ok()) << store.error().reason;
  EXPECT_EQ(store->cas().size(), 3u);
  EXPECT_EQ(store->crls().size(), 2u);
  EXPECT_EQ(store->ca_key_hashes()[1], f().intermediate.cert->spki_sha1());  // file name order
  auto good = store->verify(*f().leaf.cert, {}, kAt);
  ASSERT_TRUE(good.ok()) << reason_of(good);
  EXPECT_TRUE(good->warnings.empty());
  auto revoked = store->verify(*f().revoked.cert, {}, kAt);
  ASSERT_FALSE(revoked.ok());
  EXPECT_EQ(revoked.error().code, Errc::certificate_revoked);

  // A missing crls directory just means no CRLs.
  auto no_crls =
      TrustStore::load((dir.path() / "cacerts").string(), (dir.path() / "nope").string());
  ASSERT_TRUE(no_crls.ok());
  EXPECT_TRUE(no_crls->crls().empty());
}

TEST_F(TrustStoreTest, LoadErrorsNameTheDirectoryOrFile) {
  test::TempDir dir;
  auto missing = TrustStore::load((dir.path() / "absent").string(), "");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Errc::io_error);
  EXPECT_NE(missing.error().reason.find("absent"), std::string::npos);

  std::string bad = dir.write("cacerts/broken.pem", "-----BEGIN CERTIFICATE-----\nAA==\n");
  auto broken = TrustStore::load((dir.path() / "cacerts").string(), "");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().code, Errc::certificate_unusable);
  EXPECT_NE(broken.error().reason.find(bad), std::string::npos) << broken.error().reason;

  test::TempDir other;
  std::string leaf = other.write("cacerts/leaf.pem", test::cert_pem(*f().leaf.cert));
  auto not_ca = TrustStore::load((other.path() / "cacerts").string(), "");
  ASSERT_FALSE(not_ca.ok());
  EXPECT_NE(not_ca.error().reason.find(leaf), std::string::npos);
  EXPECT_NE(not_ca.error().reason.find("not a CA"), std::string::npos);
}

}  // namespace
}  // namespace ike::pki
