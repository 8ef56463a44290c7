// Decrypting strongSwan 5.9.8's real IKE_AUTH (and INFORMATIONAL) messages
// with the SK_e/SK_a logged by charon: AES-GCM-16-256 from the full-chain
// vector, AES-CBC-128 + HMAC-SHA2-256-128 from the ECP-256 one. The inner
// chain must start with IDi (request) / IDr (response) and carry the AUTH
// value charon logged.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ike/crypto/cipher_algorithms.hpp"
#include "ike/wire/protection/sk_protection.hpp"
#include "ike/wire/reader.hpp"
#include "support/pcap.hpp"
#include "support/test_random.hpp"

namespace ike::wire {
namespace {

using test::hex;

const std::string kVectors = IKE_SHARED_VECTORS_DIR;

struct InnerPayload {
  PayloadType type;
  ByteView body;
};

/// Walks the decrypted chain's generic headers; fails the test on a bad length.
std::vector<InnerPayload> walk_chain(PayloadType first, ByteView chain) {
  std::vector<InnerPayload> out;
  Reader in(chain);
  PayloadType current = first;
  while (current != PayloadType::none) {
    std::uint8_t next = 0, flags = 0;
    std::uint16_t length = 0;
    ByteView body;
    if (!in.u8(next) || !in.u8(flags) || !in.u16(length) || length < 4 ||
        !in.view(length - 4u, body)) {
      ADD_FAILURE() << "inner chain malformed after " << out.size() << " payloads";
      return out;
    }
    out.push_back({current, body});
    current = static_cast<PayloadType>(next);
  }
  EXPECT_TRUE(in.empty()) << in.remaining() << " bytes after the last inner payload";
  return out;
}

ByteView auth_data(const std::vector<InnerPayload>& payloads) {
  for (const auto& p : payloads)
    if (p.type == PayloadType::authentication && p.body.size() > 4) return p.body.subspan(4);
  ADD_FAILURE() << "no AUTH payload";
  return {};
}

SkProtection make(const crypto::CipherAlgorithms& algorithms, EncryptionAlgorithm algorithm,
                  std::uint16_t key_bits, IntegrityAlgorithm integrity, const Bytes& sk_e,
                  const Bytes& sk_a) {
  auto suite = crypto::describe_suite(algorithm, key_bits, integrity);
  EXPECT_TRUE(suite);
  auto protection = SkProtection::create(algorithms, *suite, sk_e, sk_a);
  EXPECT_TRUE(protection) << protection.error().reason;
  return std::move(protection).value();
}

TEST(SkVectors, StrongSwanAesGcm256IkeAuthAndInformational) {
  const std::string dir = kVectors + "/psk-full-chain-aes256gcm16-prfsha384-x25519";
  auto datagrams = test::read_pcap_udp(dir + "/exchange.pcap");
  ASSERT_EQ(datagrams.size(), 8u);
  crypto::CipherAlgorithms algorithms;
  // vectors.txt: SK_ei / SK_er = 32-byte key || 4-byte salt.
  SkProtection initiator =
      make(algorithms, EncryptionAlgorithm::aes_gcm_16, 256, IntegrityAlgorithm::none,
           hex("da171fad21cf0bc198be9506b88a21d643636e8e0bb84e29e97fe44f274c87f6424c1702"), {});
  SkProtection responder =
      make(algorithms, EncryptionAlgorithm::aes_gcm_16, 256, IntegrityAlgorithm::none,
           hex("c252d950dec306d01f7dbee5cbed9342f8dd26d4aeadbdabf97d48c17e6ced0f9800a76f"), {});

  // Frames 3 and 4 travel on port 4500 behind the non-ESP marker.
  ASSERT_EQ(datagrams[2].destination_port, 4500);
  Bytes request = test::strip_non_esp_marker(datagrams[2]);
  auto opened_request = initiator.open(request);
  ASSERT_TRUE(opened_request) << opened_request.error().reason;
  EXPECT_EQ(opened_request->header.exchange, ExchangeType::ike_auth);
  EXPECT_EQ(opened_request->header.message_id, 1u);
  EXPECT_EQ(opened_request->header.spi_initiator, 0x526d0839aac61a9bULL);
  EXPECT_EQ(opened_request->first_inner, PayloadType::id_initiator);
  auto request_payloads = walk_chain(opened_request->first_inner, opened_request->inner_chain);
  ASSERT_FALSE(request_payloads.empty());
  EXPECT_EQ(request_payloads[0].type, PayloadType::id_initiator);
  // IDi body = vectors.txt's IDi' (FQDN west.peers2.test).
  EXPECT_EQ(to_hex(request_payloads[0].body), "02000000776573742e7065657273322e74657374");
  EXPECT_EQ(to_hex(auth_data(request_payloads)),
            "0c879089f53e3a07c605b1d12137a0eb44e8572986d2d6829c36bf255d9f60ac"
            "323a2fa943a8bfdbf4768b12500e9e39");

  Bytes response = test::strip_non_esp_marker(datagrams[3]);
  auto opened_response = responder.open(response);
  ASSERT_TRUE(opened_response) << opened_response.error().reason;
  EXPECT_TRUE(opened_response->header.is_response());
  EXPECT_EQ(opened_response->first_inner, PayloadType::id_responder);
  auto response_payloads = walk_chain(opened_response->first_inner, opened_response->inner_chain);
  ASSERT_FALSE(response_payloads.empty());
  EXPECT_EQ(to_hex(response_payloads[0].body), "02000000656173742e7065657273322e74657374");
  EXPECT_EQ(to_hex(auth_data(response_payloads)),
            "f782eb3369141ff0e1a7f7352d459470c305c3749ae01a2141ab791aa5ffe6b1"
            "837211fa201a97423482bcad4ed90b61");

  // The keys are per direction: the other side's key refuses each message.
  auto crossed = responder.open(request);
  ASSERT_FALSE(crossed);
  EXPECT_EQ(crossed.error().code, Errc::integrity_check_failed);

  // Frames 7 and 8: INFORMATIONAL delete request and its empty response.
  auto delete_request = initiator.open(test::strip_non_esp_marker(datagrams[6]));
  ASSERT_TRUE(delete_request) << delete_request.error().reason;
  EXPECT_EQ(delete_request->header.exchange, ExchangeType::informational);
  EXPECT_EQ(delete_request->first_inner, PayloadType::delete_);
  auto delete_response = responder.open(test::strip_non_esp_marker(datagrams[7]));
  ASSERT_TRUE(delete_response) << delete_response.error().reason;
  EXPECT_EQ(delete_response->first_inner, PayloadType::none);
  EXPECT_TRUE(delete_response->inner_chain.empty());
}

TEST(SkVectors, StrongSwanAesCbc128HmacSha256IkeAuth) {
  const std::string dir = kVectors + "/psk-aes128-sha256-ecp256";
  auto datagrams = test::read_pcap_udp(dir + "/exchange.pcap");
  ASSERT_EQ(datagrams.size(), 4u);
  crypto::CipherAlgorithms algorithms;
  // initiator.log: Sk_ei / Sk_ai and Sk_er / Sk_ar hex dumps.
  SkProtection initiator =
      make(algorithms, EncryptionAlgorithm::aes_cbc, 128, IntegrityAlgorithm::hmac_sha2_256_128,
           hex("092ae7d3949f63091f6a27c22a967725"),
           hex("1785ec352f5922a82f874800e79a84418866b7e3a0785f96c1643374f521503f"));
  SkProtection responder =
      make(algorithms, EncryptionAlgorithm::aes_cbc, 128, IntegrityAlgorithm::hmac_sha2_256_128,
           hex("59864b1e81479f3145f6ed002e0c79e1"),
           hex("2e1099e3a215f404a0eac6958f3cee0d848b3f21b9944ece7fb3e703e360fb8c"));

  Bytes request = test::strip_non_esp_marker(datagrams[2]);
  ASSERT_EQ(request.size(), 304u);  // "sending packet ... (304 bytes)"
  auto opened_request = initiator.open(request);
  ASSERT_TRUE(opened_request) << opened_request.error().reason;
  EXPECT_EQ(opened_request->first_inner, PayloadType::id_initiator);
  auto request_payloads = walk_chain(opened_request->first_inner, opened_request->inner_chain);
  ASSERT_FALSE(request_payloads.empty());
  EXPECT_EQ(to_hex(request_payloads[0].body), "02000000776573742e6578616d706c65");
  EXPECT_EQ(to_hex(auth_data(request_payloads)),
            "cbe0b8b181ed6ea80117db011bdd32d6936bcb43b2507c6192067c3a05fa3378");

  Bytes response = test::strip_non_esp_marker(datagrams[3]);
  ASSERT_EQ(response.size(), 160u);  // "received packet ... (160 bytes)"
  auto opened_response = responder.open(response);
  ASSERT_TRUE(opened_response) << opened_response.error().reason;
  EXPECT_EQ(opened_response->first_inner, PayloadType::id_responder);
  auto response_payloads = walk_chain(opened_response->first_inner, opened_response->inner_chain);
  ASSERT_FALSE(response_payloads.empty());
  EXPECT_EQ(to_hex(response_payloads[0].body), "02000000656173742e6578616d706c65");
  EXPECT_EQ(to_hex(auth_data(response_payloads)),
            "e22022d7a5ae40f65e3cf9b5888db87479a3ad1c6098dda92e9950a0949d7641");

  // Flipping one ciphertext bit breaks the HMAC before anything is decrypted.
  request[request.size() - 40] ^= 0x01;
  auto tampered = initiator.open(request);
  ASSERT_FALSE(tampered);
  EXPECT_EQ(tampered.error().code, Errc::integrity_check_failed);
}

}  // namespace
}  // namespace ike::wire
