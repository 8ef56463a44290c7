// Issue 2's acceptance test, certificate authentication: the
// ecdsa-aes128gcm16-prfsha256-x25519 capture replayed, the end entity
// certificates taken from the decrypted CERT payloads, verified against the
// test CA at a time inside their validity, bound to the IDs, and both RFC
// 7427 AUTH payloads verified with them over the signed octets we rebuild.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "ike/crypto/pki/auth_signature.hpp"
#include "ike/crypto/pki/certificate.hpp"
#include "ike/crypto/pki/identity_match.hpp"
#include "ike/crypto/pki/trust_store.hpp"
#include "ike/wire/reader.hpp"
#include "replay_fixture.hpp"
#include "support/strongswan_vectors.hpp"

namespace ike::vectors {
namespace {

using wire::ExchangeType;
using wire::PayloadType;

constexpr const char* kFolder = "ecdsa-aes128gcm16-prfsha256-x25519";
constexpr const char* kCaSubject = "C=XX, O=ikev2d test, CN=Test CA";

pki::CertificatePtr load_pki(const std::string& file) {
  auto cert = pki::load_certificate_file(std::string(IKE_SHARED_VECTORS_DIR) + "/pki/" + file);
  EXPECT_TRUE(cert.ok()) << (cert.ok() ? "" : cert.error().reason);
  return cert.ok() ? *cert : nullptr;
}

/// The hash algorithms of a SIGNATURE_HASH_ALGORITHMS notify (RFC 7427 4):
/// 16-bit values.
std::vector<wire::HashAlgorithm> announced_hashes(const wire::NotifyPayload& notify) {
  std::vector<wire::HashAlgorithm> hashes;
  wire::Reader in(notify.data);
  std::uint16_t value = 0;
  while (in.u16(value))
    hashes.push_back(static_cast<wire::HashAlgorithm>(value));
  EXPECT_TRUE(in.empty());
  return hashes;
}

class SignatureAuth : public ReplayFixture {
 protected:
  void SetUp() override {
    load(kFolder);
    ca_ = load_pki("ca.crt");
    ASSERT_TRUE(ca_);
    ASSERT_TRUE(store_.add_ca(ca_).ok());
  }

  /// The certificate of the single CERT payload of the IKE_AUTH request
  /// (west's) or response (east's).
  pki::CertificatePtr sent_certificate(bool responder) const {
    const auto certs = wire::find_all_bodies<wire::CertPayload>(
        inner_of(ExchangeType::ike_auth, responder), PayloadType::certificate);
    EXPECT_EQ(certs.size(), 1u);
    if (certs.empty()) return nullptr;
    EXPECT_EQ(certs[0]->encoding, wire::CertEncoding::x509_signature);
    auto cert = pki::Certificate::from_der(certs[0]->data);
    EXPECT_TRUE(cert.ok()) << (cert.ok() ? "" : cert.error().reason);
    return cert.ok() ? *cert : nullptr;
  }

  /// The identity of the sender's ID payload in IKE_AUTH.
  pki::Identity sent_identity(bool responder) const {
    const auto* id = wire::find_body<wire::IdPayload>(
        inner_of(ExchangeType::ike_auth, responder),
        responder ? PayloadType::id_responder : PayloadType::id_initiator);
    EXPECT_NE(id, nullptr);
    if (id == nullptr) return pki::Identity::any();
    auto identity = pki::Identity::from_payload(id->id_type, id->data);
    EXPECT_TRUE(identity.ok());
    return identity.ok() ? *identity : pki::Identity::any();
  }

  pki::CertificatePtr ca_;
  pki::TrustStore store_;
};

TEST_F(SignatureAuth, CertPayloadsCarryTheEndEntityCertificates) {
  const struct {
    bool responder;
    const char* file;
    const char* subject;
  } sides[] = {{false, "west.crt", "C=XX, O=ikev2d test, CN=west.example"},
               {true, "east.crt", "C=XX, O=ikev2d test, CN=east.example"}};
  for (const auto& side : sides) {
    SCOPED_TRACE(side.file);
    pki::CertificatePtr sent = sent_certificate(side.responder);
    pki::CertificatePtr on_disk = load_pki(side.file);
    ASSERT_TRUE(sent && on_disk);
    EXPECT_EQ(to_hex(sent->der()), to_hex(on_disk->der()));
    EXPECT_EQ(sent->subject(), side.subject);
    EXPECT_EQ(sent->issuer(), kCaSubject);
    EXPECT_EQ(sent->key_type(), pki::KeyType::ecdsa_p256);
    EXPECT_FALSE(sent->is_ca());
  }
}

TEST_F(SignatureAuth, CertificatesChainToTheCaWithinTheirValidity) {
  for (bool responder : {false, true}) {
    SCOPED_TRACE(responder ? "east" : "west");
    pki::CertificatePtr sent = sent_certificate(responder);
    ASSERT_TRUE(sent);
    const auto inside = sent->not_before() + std::chrono::hours(24);
    auto chain = store_.verify(*sent, {}, inside);
    ASSERT_TRUE(chain.ok()) << chain.error().reason;
    EXPECT_EQ(chain->subjects, (std::vector<std::string>{sent->subject(), kCaSubject}));
    EXPECT_EQ(chain->anchor, ca_);

    auto early = store_.verify(*sent, {}, sent->not_before() - std::chrono::hours(1));
    ASSERT_FALSE(early.ok());
    EXPECT_EQ(early.error().code, Errc::certificate_expired);
    auto late = store_.verify(*sent, {}, sent->not_after() + std::chrono::hours(1));
    ASSERT_FALSE(late.ok());
    EXPECT_EQ(late.error().code, Errc::certificate_expired);
    pki::TrustStore nobody;
    auto untrusted = nobody.verify(*sent, {}, inside);
    ASSERT_FALSE(untrusted.ok());
    EXPECT_EQ(untrusted.error().code, Errc::certificate_untrusted);
  }
}

TEST_F(SignatureAuth, CertreqsNameTheTestCa) {
  // east asks for certificates in IKE_SA_INIT, west in IKE_AUTH (RFC 7296 3.7).
  const std::vector<wire::Payload>* chains[] = {
      &message(ExchangeType::ike_sa_init, true).payloads(),
      &inner_of(ExchangeType::ike_auth, false)};
  for (const auto* chain : chains) {
    const auto* certreq =
        wire::find_body<wire::CertReqPayload>(*chain, PayloadType::certificate_request);
    ASSERT_NE(certreq, nullptr);
    EXPECT_EQ(certreq->encoding, wire::CertEncoding::x509_signature);
    auto hashes = certreq->sha1_authorities();
    ASSERT_TRUE(hashes.has_value());
    ASSERT_EQ(hashes->size(), 1u);
    EXPECT_TRUE(std::equal(hashes->front().begin(), hashes->front().end(), ca_->spki_sha1().begin(),
                           ca_->spki_sha1().end()));
    EXPECT_TRUE(store_.knows_any(certreq->authorities));
    EXPECT_EQ(store_.find_ca_by_key_hash(hashes->front()), ca_);
    EXPECT_EQ(to_hex(store_.certreq_authorities()), to_hex(certreq->authorities));
  }
}

TEST_F(SignatureAuth, IdentitiesAreBoundToTheCertificates) {
  const pki::Identity west = sent_identity(false);
  const pki::Identity east = sent_identity(true);
  pki::CertificatePtr west_cert = sent_certificate(false);
  pki::CertificatePtr east_cert = sent_certificate(true);
  ASSERT_TRUE(west_cert && east_cert);
  EXPECT_EQ(pki::match_certificate(*west_cert, west), pki::IdMatch::exact);
  EXPECT_EQ(pki::match_certificate(*east_cert, east), pki::IdMatch::exact);
  EXPECT_TRUE(pki::check_certificate_identity(*west_cert, west).ok());
  auto swapped = pki::check_certificate_identity(*east_cert, west);
  ASSERT_FALSE(swapped.ok());
  EXPECT_EQ(swapped.error().code, Errc::identity_mismatch);
  // Against the swanctl.conf ids: local/remote id = west.example / east.example.
  auto configured_east = pki::Identity::parse("east.example");
  auto configured_west = pki::Identity::parse("west.example");
  ASSERT_TRUE(configured_east.ok() && configured_west.ok());
  EXPECT_EQ(pki::match_identity(*configured_east, east), pki::IdMatch::exact);
  EXPECT_EQ(pki::match_identity(*configured_west, west), pki::IdMatch::exact);
  EXPECT_EQ(pki::match_identity(*configured_east, west), pki::IdMatch::none);
}

TEST_F(SignatureAuth, BothSignaturesVerify) {
  auto initiator_log = test::CharonLog::read(test::vector_path(kFolder, "initiator.log"));
  ASSERT_TRUE(initiator_log.has_value());
  const auto& logged = initiator_log->dumps("octets = message + nonce + prf(Sk_px, IDx')");
  for (bool responder : {false, true}) {
    SCOPED_TRACE(responder ? "east's AUTH" : "west's AUTH");
    const wire::AuthPayload* auth = auth_of(responder);
    pki::CertificatePtr signer = sent_certificate(responder);
    pki::CertificatePtr other = sent_certificate(!responder);
    ASSERT_TRUE(auth && signer && other);
    EXPECT_EQ(auth->method, wire::AuthMethod::digital_signature);
    Bytes octets = signed_octets_of(responder);
    ASSERT_FALSE(octets.empty());
    EXPECT_NE(std::find(logged.begin(), logged.end(), octets), logged.end());

    auto scheme =
        pki::verify_signature_auth_data(signer->public_key(), auth->method, auth->data, octets);
    ASSERT_TRUE(scheme.ok()) << scheme.error().reason;
    EXPECT_EQ(*scheme, pki::SignatureScheme::ecdsa_sha256);

    auto wrong_key =
        pki::verify_signature_auth_data(other->public_key(), auth->method, auth->data, octets);
    ASSERT_FALSE(wrong_key.ok());
    EXPECT_EQ(wrong_key.error().code, Errc::authentication_failed);
    octets[octets.size() / 2] ^= 0x01;
    auto tampered =
        pki::verify_signature_auth_data(signer->public_key(), auth->method, auth->data, octets);
    ASSERT_FALSE(tampered.ok());
    EXPECT_EQ(tampered.error().code, Errc::authentication_failed);
  }
}

TEST_F(SignatureAuth, OurSignatureChoiceIsCharons) {
  // Each side signs for the hashes the other announced in IKE_SA_INIT.
  for (bool responder : {false, true}) {
    SCOPED_TRACE(responder ? "east" : "west");
    const auto& peer_init = message(ExchangeType::ike_sa_init, !responder);
    const auto* notify = peer_init.message.find_notify(wire::NotifyType::signature_hash_algorithms);
    ASSERT_NE(notify, nullptr);
    const auto hashes = announced_hashes(*notify);
    EXPECT_EQ(hashes, (std::vector<wire::HashAlgorithm>{
                          wire::HashAlgorithm::sha2_256, wire::HashAlgorithm::sha2_384,
                          wire::HashAlgorithm::sha2_512, wire::HashAlgorithm::identity}));
    auto choice = pki::choose_signature(pki::KeyType::ecdsa_p256, hashes);
    ASSERT_TRUE(choice.ok()) << choice.error().reason;
    EXPECT_EQ(choice->method, wire::AuthMethod::digital_signature);
    EXPECT_EQ(choice->scheme, pki::SignatureScheme::ecdsa_sha256);
  }
}

}  // namespace
}  // namespace ike::vectors
