// IKE_AUTH with certificates (RFC 7296 2.15, RFC 7427 signatures): the
// ECDSA P-256 test PKI in tests/vectors/pki (ca.crt, east/west .crt/.key,
// identities in the SANs, valid 2026-11-26 to 2036-11-23), verified inside
// and outside the validity period, against an unknown CA, with a wrong
// identity, and fragmented.

#include <gtest/gtest.h>

#include "ike/crypto/pki/certificate.hpp"
#include "ike/crypto/pki/private_key.hpp"
#include "ike/crypto/pki/signature.hpp"
#include "ike/crypto/pki/trust_store.hpp"
#include "support/two_peer_harness.hpp"

namespace ike::test {
namespace {

using sa::EventKind;
using wire::ExchangeType;

const std::string kPki = std::string(IKE_SHARED_VECTORS_DIR) + "/pki/";
/// 2027-06-01T00:00:00Z, inside the certificates' validity.
const WallTime kInside = WallTime{} + seconds(1811808000);
/// 2026-06-01T00:00:00Z, before their notBefore.
const WallTime kBefore = WallTime{} + seconds(1780272000);

pki::CertificatePtr load_cert(const std::string& name) {
  auto cert = pki::load_certificate_file(kPki + name);
  EXPECT_TRUE(cert) << cert.error().reason;
  return cert ? *cert : nullptr;
}

std::unique_ptr<pki::Signer> load_signer(const std::string& name) {
  auto key = pki::load_private_key_file(kPki + name);
  EXPECT_TRUE(key) << key.error().reason;
  if (!key) return nullptr;
  return std::make_unique<pki::InProcessSigner>(std::move(*key));
}

struct CertPeers {
  explicit CertPeers(WallTime wall, bool trust_ca = true) {
    auto ca = load_cert("ca.crt");
    if (trust_ca) {
      EXPECT_TRUE(trust.add_ca(ca));
    }
    auto [west_conn, east_conn] = psk_connection_pair();
    west = west_conn;
    east = east_conn;
    for (auto& [connection, name] :
         {std::pair{west, std::string("west")}, std::pair{east, std::string("east")}}) {
      connection->local_auth = sa::AuthClass::pubkey;
      connection->remote_auth = sa::AuthClass::pubkey;
      connection->local_certificates = {load_cert(name + ".crt")};
      connection->send_certificate = sa::SendCert::always;
    }
    h.a().credentials.set_signer(load_signer("west.key"));
    h.b().credentials.set_signer(load_signer("east.key"));
    h.a().credentials.set_trust_store(&trust);
    h.b().credentials.set_trust_store(&trust);
    h.a().engine.set_wall_time(wall);
    h.b().engine.set_wall_time(wall);
  }
  void start() {
    h.add_connections(west, east);
    ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
    h.run_for(seconds(5));
  }
  pki::TrustStore trust;
  TwoPeerHarness h;
  std::shared_ptr<sa::Connection> west;
  std::shared_ptr<sa::Connection> east;
};

bool any_event_mentions(const EventRecorder& recorder, std::string_view text) {
  for (const auto& event : recorder.events) {
    if (event.message.find(text) != std::string::npos) return true;
  }
  return false;
}

void expect_nothing_anywhere(TwoPeerHarness& h) {
  for (auto side : {Side::a, Side::b}) {
    EXPECT_TRUE(h.peer(side).engine.ike_sas().empty()) << h.dump();
    EXPECT_EQ(h.peer(side).events.count(EventKind::ike_up) -
                  h.peer(side).events.count(EventKind::ike_down),
              0u);
    EXPECT_TRUE(h.peer(side).kernel.sas.empty());
    EXPECT_TRUE(h.peer(side).kernel.larval.empty());
    EXPECT_TRUE(h.peer(side).kernel.policies.empty());
  }
}

TEST(CertificateHandshake, EcdsaCertificatesAuthenticateBothSides) {
  CertPeers peers(kInside);
  peers.start();
  auto& h = peers.h;
  for (auto side : {Side::a, Side::b}) {
    ASSERT_EQ(h.peer(side).events.count(EventKind::child_up), 1u) << h.dump();
    const auto* sa = h.peer(side).engine.ike_sas().front();
    ASSERT_TRUE(sa->peer_certificate);
    ASSERT_TRUE(sa->peer_id);
    EXPECT_EQ(sa->peer_id->to_string(), side == Side::a ? "east.example" : "west.example");
    EXPECT_EQ(h.peer(side).kernel.sas.size(), 2u);
  }
}

TEST(CertificateHandshake, CertificatesNotYetValidAreRefused) {
  CertPeers peers(kBefore);
  peers.start();
  expect_nothing_anywhere(peers.h);
  EXPECT_TRUE(any_event_mentions(peers.h.a().events, "AUTHENTICATION_FAILED")) << peers.h.dump();
}

TEST(CertificateHandshake, UnknownCaIsRefused) {
  CertPeers peers(kInside, /*trust_ca=*/false);
  peers.start();
  expect_nothing_anywhere(peers.h);
}

TEST(CertificateHandshake, CertificateOfAnotherIdentityIsRefusedByTheInitiator) {
  CertPeers peers(kInside);
  // West wants a peer named east2.example; east's certificate says east.example.
  peers.west->remote_id = *pki::Identity::parse("east2.example");
  peers.east->local_id = *pki::Identity::parse("east.example");
  peers.start();
  auto& h = peers.h;
  EXPECT_EQ(h.a().events.count(EventKind::ike_up), 0u) << h.dump();
  expect_nothing_anywhere(h);
}

TEST(CertificateHandshake, IkeAuthWithCertificatesIsFragmentedAt576Bytes) {
  CertPeers peers(kInside);
  peers.west->fragment_size = 576;
  peers.east->fragment_size = 576;
  peers.start();
  auto& h = peers.h;
  auto requests = h.link().sent_by(Side::a, ExchangeType::ike_auth, false);
  auto responses = h.link().sent_by(Side::b, ExchangeType::ike_auth, true);
  EXPECT_GT(requests.size(), 1u) << h.dump();
  EXPECT_GT(responses.size(), 1u) << h.dump();
  for (const auto& entry : requests)
    EXPECT_LE(entry.size, 576u - 28u);
  for (const auto& entry : responses)
    EXPECT_LE(entry.size, 576u - 28u);
  for (auto side : {Side::a, Side::b})
    EXPECT_EQ(h.peer(side).events.count(EventKind::child_up), 1u) << h.dump();
}

}  // namespace
}  // namespace ike::test
