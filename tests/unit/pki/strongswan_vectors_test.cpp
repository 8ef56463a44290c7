// Real-world checks against strongSwan 5.9.8: the ECDSA P-256 CA and the
// east/west certificates and keys its pki tool made (tests/vectors/pki), and
// the AUTH payloads both charons exchanged with them
// (tests/vectors/ecdsa-aes128gcm16-prfsha256-x25519): decrypted here with
// the SK_e keys from the responder's log, then verified by our code over the
// signed octets charon logged.

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cctype>
#include <fstream>
#include <optional>
#include <sstream>

#include "ike/crypto/pki/auth_signature.hpp"
#include "ike/crypto/pki/certificate_cache.hpp"
#include "ike/crypto/pki/identity_match.hpp"
#include "ike/crypto/pki/private_key.hpp"
#include "ike/crypto/pki/trust_store.hpp"
#include "pki_test_support.hpp"
#include "support/pcap.hpp"

namespace ike::pki {
namespace {

using test::day;

const std::string kPki = std::string(IKE_SHARED_VECTORS_DIR) + "/pki/";
const std::string kExchange =
    std::string(IKE_SHARED_VECTORS_DIR) + "/ecdsa-aes128gcm16-prfsha256-x25519/";

CertificatePtr load(const std::string& name) {
  auto cert = load_certificate_file(kPki + name);
  EXPECT_TRUE(cert.ok()) << (cert.ok() ? "" : cert.error().reason);
  return cert.ok() ? *cert : nullptr;
}

TEST(StrongSwanPki, EastAndWestVerifyAgainstTheCaWithinTheirValidity) {
  TrustStore store;
  ASSERT_TRUE(store.add_ca(load("ca.crt")).ok());
  CertificatePtr east = load("east.crt");
  CertificatePtr west = load("west.crt");
  ASSERT_TRUE(east && west);
  for (const CertificatePtr& peer : {east, west}) {
    auto chain = store.verify(*peer, {}, day(2030, 1, 1));
    ASSERT_TRUE(chain.ok()) << chain.error().reason;
    EXPECT_EQ(chain->subjects.back(), "C=XX, O=ikev2d test, CN=Test CA");
    EXPECT_EQ(chain->anchor, store.cas().front());
  }
  // Issued 2026-11-26 22:12:38 for ten years.
  auto early = store.verify(*east, {}, day(2026, 11, 26));
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().code, Errc::certificate_expired);
  auto late = store.verify(*west, {}, day(2036, 11, 24));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, Errc::certificate_expired);
  // Each end entity certificate is not a CA for the other.
  TrustStore wrong;
  EXPECT_FALSE(wrong.add_ca(east).ok());
}

TEST(StrongSwanPki, CertificatesMatchTheirIds) {
  CertificatePtr east = load("east.crt");
  CertificatePtr west = load("west.crt");
  ASSERT_TRUE(east && west);
  auto east_id = Identity::parse("east.example");
  auto west_id = Identity::parse("west.example");
  ASSERT_TRUE(east_id.ok() && west_id.ok());
  EXPECT_EQ(match_certificate(*east, *east_id), IdMatch::exact);
  EXPECT_EQ(match_certificate(*west, *west_id), IdMatch::exact);
  EXPECT_EQ(match_certificate(*east, *west_id), IdMatch::none);
  EXPECT_EQ(match_certificate(*west, *east_id), IdMatch::none);
  auto dn = Identity::parse("C=XX, O=ikev2d test, CN=west.example");
  ASSERT_TRUE(dn.ok());
  EXPECT_EQ(match_certificate(*west, *dn), IdMatch::exact);
  auto any_example = Identity::parse("*.example");
  ASSERT_TRUE(any_example.ok());
  EXPECT_EQ(match_certificate(*east, *any_example), IdMatch::wildcard);
}

TEST(StrongSwanPki, KeysBelongToTheirCertificatesAndSignForThem) {
  CertificatePtr east = load("east.crt");
  auto key = load_private_key_file(kPki + "east.key");
  ASSERT_TRUE(east && key.ok());
  ASSERT_TRUE(key->matches(*east));
  InProcessSigner signer(std::move(*key));
  std::vector<wire::HashAlgorithm> peer_hashes = {
      wire::HashAlgorithm::sha2_256, wire::HashAlgorithm::sha2_384, wire::HashAlgorithm::sha2_512,
      wire::HashAlgorithm::identity};
  auto choice = choose_signature(signer.key_type(), peer_hashes);
  ASSERT_TRUE(choice.ok());
  EXPECT_EQ(choice->scheme, SignatureScheme::ecdsa_sha256);  // what charon chose, too
  Bytes octets = test::to_bytes("octets");
  auto data = build_signature_auth_data(signer, *choice, octets);
  ASSERT_TRUE(data.ok());
  EXPECT_TRUE(verify_signature_auth_data(east->public_key(), choice->method, *data, octets).ok());
}

/// The bytes of one hex dump line of charon's log
/// ("22:12:59 06[IKE]   16: 21 20 22 08 ...  ! \"....."), or nullopt when the
/// line is not a dump line. (No std::regex: g++ 12 warns inside it under -O2.)
std::optional<Bytes> dump_line_bytes(const std::string& line) {
  std::size_t at = line.find("] ");
  if (at == std::string::npos) return std::nullopt;
  at = line.find_first_not_of(' ', at + 1);
  std::size_t colon = line.find(": ", at);
  if (at == std::string::npos || colon == std::string::npos || colon == at ||
      line.find_first_not_of("0123456789", at) != colon)
    return std::nullopt;
  // Up to 16 "XX " groups; the ASCII column follows after two spaces.
  Bytes out;
  for (std::size_t i = colon + 2; out.size() < 16 && i + 2 <= line.size(); i += 3) {
    if (!std::isxdigit(static_cast<unsigned char>(line[i])) ||
        !std::isxdigit(static_cast<unsigned char>(line[i + 1])) ||
        (i + 2 < line.size() && line[i + 2] != ' '))
      break;
    out.push_back(static_cast<std::uint8_t>(std::stoi(line.substr(i, 2), nullptr, 16)));
  }
  if (out.empty()) return std::nullopt;
  return out;
}

/// The bytes of the hex dump charon logs after the `occurrence`-th line
/// containing `label`.
Bytes logged_dump(const std::string& log, const std::string& label, int occurrence = 0) {
  std::ifstream in(log);
  std::string line;
  Bytes out;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside) {
      if (line.find(label) != std::string::npos && occurrence-- == 0) inside = true;
      continue;
    }
    auto bytes = dump_line_bytes(line);
    if (!bytes) break;
    out.insert(out.end(), bytes->begin(), bytes->end());
  }
  return out;
}

/// Opens an SK payload protected with AES-GCM-16 (RFC 5282): AAD is the IKE
/// header plus the SK generic header, the nonce the 4-octet salt from the
/// key material followed by the 8-octet IV. Returns the inner payload chain.
Bytes open_sk(ByteView message, ByteView key_and_salt) {
  constexpr std::size_t kHeader = 28, kGeneric = 4, kIv = 8, kIcv = 16;
  EXPECT_GT(message.size(), kHeader + kGeneric + kIv + kIcv);
  ByteView aad = message.first(kHeader + kGeneric);
  ByteView iv = message.subspan(kHeader + kGeneric, kIv);
  ByteView body = message.subspan(kHeader + kGeneric + kIv);
  ByteView ciphertext = body.first(body.size() - kIcv);
  ByteView tag = body.last(kIcv);
  Bytes nonce = concat({key_and_salt.last(4), iv});
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  Bytes plain(ciphertext.size());
  int length = 0, final_length = 0;
  bool ok =
      EVP_DecryptInit_ex(ctx, EVP_aes_128_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, nullptr) == 1 &&
      EVP_DecryptInit_ex(ctx, nullptr, nullptr, key_and_salt.data(), nonce.data()) == 1 &&
      EVP_DecryptUpdate(ctx, nullptr, &length, aad.data(), static_cast<int>(aad.size())) == 1 &&
      EVP_DecryptUpdate(ctx, plain.data(), &length, ciphertext.data(),
                        static_cast<int>(ciphertext.size())) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, const_cast<std::uint8_t*>(tag.data())) ==
          1 &&
      EVP_DecryptFinal_ex(ctx, plain.data() + length, &final_length) == 1;
  EVP_CIPHER_CTX_free(ctx);
  EXPECT_TRUE(ok) << "SK payload does not decrypt";
  // RFC 7296 3.14: the last octet is the pad length.
  if (!ok || plain.empty() || plain.back() + 1u > plain.size()) return {};
  plain.resize(plain.size() - plain.back() - 1);
  return plain;
}

struct Payload {
  std::uint8_t type;
  Bytes body;
};

std::vector<Payload> walk_payloads(std::uint8_t first, ByteView chain) {
  std::vector<Payload> out;
  std::uint8_t type = first;
  while (type != 0 && chain.size() >= 4) {
    std::size_t length = (chain[2] << 8) | chain[3];
    if (length < 4 || length > chain.size()) break;
    out.push_back({type, Bytes(chain.begin() + 4, chain.begin() + length)});
    type = chain[0];
    chain = chain.subspan(length);
  }
  return out;
}

const Payload* find(const std::vector<Payload>& payloads, std::uint8_t type) {
  for (const auto& payload : payloads)
    if (payload.type == type) return &payload;
  return nullptr;
}

struct AuthCase {
  const char* name;
  std::uint8_t flags;     // IKE header flags of the message carrying the AUTH
  const char* key_label;  // which SK_e protects it
  int octets_occurrence;  // which "octets =" dump of responder.log it signs
  const char* signer_cert;
  const char* signer_id;
};

class StrongSwanAuth : public ::testing::TestWithParam<AuthCase> {};

TEST_P(StrongSwanAuth, CharonsAuthPayloadVerifiesWithOurCode) {
  const AuthCase& c = GetParam();
  auto datagrams = ike::test::read_pcap_udp(kExchange + "exchange.pcap");
  ASSERT_FALSE(datagrams.empty());
  Bytes message;
  for (const auto& datagram : datagrams) {
    Bytes ike = ike::test::strip_non_esp_marker(datagram);
    if (ike.size() > 28 && ike[18] == 35 /* IKE_AUTH */ && ike[19] == c.flags) message = ike;
  }
  ASSERT_FALSE(message.empty()) << "no IKE_AUTH with flags " << int(c.flags);
  Bytes key = logged_dump(kExchange + "responder.log", c.key_label);
  ASSERT_EQ(key.size(), 20u);  // AES-128 key + 4-octet salt
  Bytes inner = open_sk(message, key);
  ASSERT_FALSE(inner.empty());
  auto payloads = walk_payloads(message[28] /* SK's next payload */, inner);

  // ID, CERT and AUTH as charon sent them.
  const Payload* id = find(payloads, c.flags == 0x08 ? 35 : 36);
  const Payload* cert_payload = find(payloads, 37);
  const Payload* auth = find(payloads, 39);
  ASSERT_TRUE(id && cert_payload && auth);
  auto identity = Identity::from_payload(static_cast<wire::IdType>(id->body.at(0)),
                                         ByteView(id->body).subspan(4));
  ASSERT_TRUE(identity.ok());
  EXPECT_EQ(identity->to_string(), c.signer_id);

  ASSERT_EQ(cert_payload->body.at(0), 4);  // X.509 Certificate - Signature
  CertificateCache cache;
  CertificatePtr expected = load(c.signer_cert);
  ASSERT_TRUE(expected);
  cache.insert(expected);
  auto peer = cache.get(ByteView(cert_payload->body).subspan(1));
  ASSERT_TRUE(peer.ok());
  EXPECT_EQ(peer->get(), expected.get());  // the cached object, not a re-parse
  EXPECT_EQ(cache.stats().hits, 1u);
  EXPECT_EQ(match_certificate(**peer, *identity), IdMatch::exact);

  auto method = static_cast<wire::AuthMethod>(auth->body.at(0));
  EXPECT_EQ(method, wire::AuthMethod::digital_signature);
  ByteView auth_data = ByteView(auth->body).subspan(4);
  EXPECT_EQ(to_hex(auth_data.first(13)), "0c300a06082a8648ce3d040302");  // ecdsa-with-SHA256
  Bytes octets = logged_dump(kExchange + "responder.log", "octets = message", c.octets_occurrence);
  ASSERT_FALSE(octets.empty());
  auto scheme = verify_signature_auth_data((*peer)->public_key(), method, auth_data, octets);
  ASSERT_TRUE(scheme.ok()) << scheme.error().reason;
  EXPECT_EQ(*scheme, SignatureScheme::ecdsa_sha256);

  octets[octets.size() / 2] ^= 1;
  EXPECT_FALSE(verify_signature_auth_data((*peer)->public_key(), method, auth_data, octets).ok());
  CertificatePtr other = load(c.signer_cert == std::string("west.crt") ? "east.crt" : "west.crt");
  octets[octets.size() / 2] ^= 1;
  EXPECT_FALSE(verify_signature_auth_data(other->public_key(), method, auth_data, octets).ok());
}

INSTANTIATE_TEST_SUITE_P(
    BothPeers, StrongSwanAuth,
    ::testing::Values(AuthCase{"west", 0x08, "Sk_ei secret", 0, "west.crt", "west.example"},
                      AuthCase{"east", 0x20, "Sk_er secret", 1, "east.crt", "east.example"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace ike::pki
