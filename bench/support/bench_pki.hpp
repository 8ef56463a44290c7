#pragma once
/// A throw-away PKI for benchmarks: a CA and two end entities (west.example,
/// east.example) of one key type, made with OpenSSL at start-up.

#include <memory>

#include "ike/crypto/pki/certificate.hpp"
#include "ike/crypto/pki/private_key.hpp"
#include "ike/crypto/pki/public_key.hpp"
#include "ike/crypto/pki/trust_store.hpp"

namespace ike::bench {

enum class BenchKey { ecdsa_p256, rsa_2048 };

struct BenchPki {
  pki::TrustStore trust;
  pki::CertificatePtr ca;
  pki::CertificatePtr west_certificate;
  pki::CertificatePtr east_certificate;
  pki::EvpPkeyPtr west_key;
  pki::EvpPkeyPtr east_key;
};

/// Aborts on failure: a benchmark without its PKI has nothing to measure.
std::unique_ptr<BenchPki> make_bench_pki(BenchKey key);

}  // namespace ike::bench
