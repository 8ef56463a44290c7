#pragma once
// Shared by the protection tests: every supported suite with seeded keys.

#include <string>
#include <vector>

#include "ike/crypto/cipher_algorithms.hpp"
#include "ike/crypto/cipher_authenticated.hpp"
#include "ike/wire/protection/sk_protection.hpp"
#include "support/test_random.hpp"

namespace ike::wire::test_support {

struct SuiteCase {
  EncryptionAlgorithm algorithm;
  std::uint16_t key_bits;
  IntegrityAlgorithm integrity;
};

inline const std::vector<SuiteCase>& all_suites() {
  static const std::vector<SuiteCase> suites = {
      {EncryptionAlgorithm::aes_gcm_16, 128, IntegrityAlgorithm::none},
      {EncryptionAlgorithm::aes_gcm_16, 256, IntegrityAlgorithm::none},
      {EncryptionAlgorithm::chacha20_poly1305, 0, IntegrityAlgorithm::none},
      {EncryptionAlgorithm::aes_cbc, 128, IntegrityAlgorithm::hmac_sha2_256_128},
      {EncryptionAlgorithm::aes_cbc, 256, IntegrityAlgorithm::hmac_sha2_384_192},
      {EncryptionAlgorithm::aes_cbc, 256, IntegrityAlgorithm::hmac_sha2_512_256},
  };
  return suites;
}

/// One direction's keys, derived from a seed.
struct Keys {
  crypto::SuiteDescription suite;
  Bytes sk_e;
  Bytes sk_a;

  std::string name() const {
    std::string out(suite.cipher.name);
    if (suite.integrity) out += "+" + std::string(suite.integrity->name);
    return out;
  }
};

inline Keys make_keys(const SuiteCase& c, std::uint64_t seed) {
  auto suite = crypto::describe_suite(c.algorithm, c.key_bits, c.integrity);
  if (!suite) std::abort();
  Keys keys{*suite, Bytes(suite->encryption_key_size()), Bytes(suite->integrity_key_size())};
  test::SeededRandom random(seed);
  random.fill(keys.sk_e);
  random.fill(keys.sk_a);
  return keys;
}

inline SkProtection make_protection(const crypto::CipherAlgorithms& algorithms, const Keys& keys) {
  auto protection = SkProtection::create(algorithms, keys.suite, keys.sk_e, keys.sk_a);
  if (!protection) std::abort();
  return std::move(protection).value();
}

inline IkeHeader sample_header(ExchangeType exchange = ExchangeType::ike_auth,
                               std::uint32_t message_id = 1) {
  IkeHeader header;
  header.spi_initiator = 0x0123456789abcdefULL;
  header.spi_responder = 0xfedcba9876543210ULL;
  header.exchange = exchange;
  header.flags = IkeHeader::kFlagInitiator;
  header.message_id = message_id;
  return header;
}

/// Bytes that look like an inner chain; the protection layer does not parse them.
inline Bytes sample_inner(std::size_t size, std::uint64_t seed = 5) {
  Bytes out(size);
  test::SeededRandom random(seed);
  random.fill(out);
  return out;
}

}  // namespace ike::wire::test_support
