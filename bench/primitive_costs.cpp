/// The cost of each cryptographic operation an IKEv2 responder performs per
/// handshake (IKE_SA_INIT + IKE_AUTH), measured through OpenSSL 3 EVP the way
/// libike calls it (algorithms fetched once, a context per operation).
/// bench/compare/compare.sh runs this with --benchmark_format=json and sums
/// the operations of each case into a crypto-bound handshake rate
/// (bench/compare/README.md lists which operations each case counts).
///
/// Every benchmark times one responder-side unit of work:
/// - keyex_*: our key pair (from 32 random octets for x25519, keygen for
///   P-256), our public value out, the peer's public value in, the shared
///   secret (RFC 7296 2.14, RFC 8031, RFC 5903);
/// - ike_key_derivation: SKEYSEED, prf+ for SK_d/SK_e/SK_p of
///   aes128gcm16-prfsha256 (136 octets: 5 blocks) and the CHILD SA's
///   KEYMAT (40 octets: 2 blocks) — 8 HMAC-SHA256 (2.13, 2.14, 2.17);
/// - psk_auth_pair: the initiator's AUTH checked and ours made, each
///   prf(prf(PSK, "Key Pad for IKEv2"), octets) plus prf(SK_p, ID') (2.15);
/// - id_prf_pair: the two prf(SK_p, ID') of a signature case (2.15);
/// - *_sign / *_verify: the AUTH signature over ~350 signed octets (RFC 7427
///   with SHA-256; RSA in PKCS#1 v1.5 as libike and charon default to);
/// - *_cert_verify: the issuer's signature on the peer's certificate
///   (X509_verify), *_cert_parse: decoding it (not summed as crypto);
/// - aead_pair/N: IKE_AUTH request decrypted and response encrypted with
///   AES-128-GCM, N octets each;
/// - nonce_and_spi: 32 nonce octets and an 8-octet SPI from the DRBG.

#include <benchmark/benchmark.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "primitive_costs: %s failed\n", what);
  std::abort();
}

void check(bool ok, const char* what) {
  if (!ok) die(what);
}

std::vector<unsigned char> random_octets(std::size_t size) {
  std::vector<unsigned char> octets(size);
  check(RAND_bytes(octets.data(), static_cast<int>(size)) == 1, "RAND_bytes");
  return octets;
}

// ---- key exchange ---------------------------------------------------------

void BM_keyex_x25519(benchmark::State& state) {
  EVP_PKEY* peer_key = EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519");
  std::array<unsigned char, 32> peer_public{};
  std::size_t peer_length = peer_public.size();
  check(EVP_PKEY_get_raw_public_key(peer_key, peer_public.data(), &peer_length) == 1, "peer");
  for (auto _ : state) {
    std::array<unsigned char, 32> raw{};
    check(RAND_bytes(raw.data(), raw.size()) == 1, "RAND_bytes");
    EVP_PKEY* ours =
        EVP_PKEY_new_raw_private_key_ex(nullptr, "X25519", nullptr, raw.data(), raw.size());
    std::array<unsigned char, 32> our_public{};
    std::size_t our_length = our_public.size();
    check(ours && EVP_PKEY_get_raw_public_key(ours, our_public.data(), &our_length) == 1, "pub");
    EVP_PKEY* peer = EVP_PKEY_new_raw_public_key_ex(nullptr, "X25519", nullptr, peer_public.data(),
                                                    peer_public.size());
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, ours, nullptr);
    std::array<unsigned char, 32> secret{};
    std::size_t secret_length = secret.size();
    check(peer && ctx && EVP_PKEY_derive_init(ctx) == 1 &&
              EVP_PKEY_derive_set_peer_ex(ctx, peer, 0) == 1 &&
              EVP_PKEY_derive(ctx, secret.data(), &secret_length) == 1,
          "x25519 derive");
    benchmark::DoNotOptimize(secret);
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(peer);
    EVP_PKEY_free(ours);
  }
  EVP_PKEY_free(peer_key);
}
BENCHMARK(BM_keyex_x25519);

void BM_keyex_ecp256(benchmark::State& state) {
  EVP_PKEY* peer_key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  std::array<unsigned char, 65> peer_public{};
  check(EVP_PKEY_get_octet_string_param(peer_key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
                                        peer_public.data(), peer_public.size(), nullptr) == 1,
        "peer point");
  for (auto _ : state) {
    EVP_PKEY* ours = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    std::array<unsigned char, 65> our_public{};
    check(
        ours && EVP_PKEY_get_octet_string_param(ours, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
                                                our_public.data(), our_public.size(), nullptr) == 1,
        "our point");
    // The peer's point arrives as x|y (RFC 5903 7): load it as a public key.
    char group[] = "P-256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
                           OSSL_PARAM_construct_octet_string(
                               OSSL_PKEY_PARAM_PUB_KEY, peer_public.data(), peer_public.size()),
                           OSSL_PARAM_construct_end()};
    EVP_PKEY_CTX* from = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
    EVP_PKEY* peer = nullptr;
    check(from && EVP_PKEY_fromdata_init(from) == 1 &&
              EVP_PKEY_fromdata(from, &peer, EVP_PKEY_PUBLIC_KEY, params) == 1,
          "peer point load");
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, ours, nullptr);
    std::array<unsigned char, 32> secret{};
    std::size_t secret_length = secret.size();
    check(ctx && EVP_PKEY_derive_init(ctx) == 1 && EVP_PKEY_derive_set_peer_ex(ctx, peer, 1) == 1 &&
              EVP_PKEY_derive(ctx, secret.data(), &secret_length) == 1,
          "ecp256 derive");
    benchmark::DoNotOptimize(secret);
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(peer);
    EVP_PKEY_CTX_free(from);
    EVP_PKEY_free(ours);
  }
  EVP_PKEY_free(peer_key);
}
BENCHMARK(BM_keyex_ecp256);

// ---- PRF (HMAC-SHA256) ----------------------------------------------------

/// HMAC-SHA256 through a once-fetched EVP_MAC, a context per operation.
class Hmac {
 public:
  Hmac() : mac_(EVP_MAC_fetch(nullptr, "HMAC", nullptr)) { check(mac_ != nullptr, "HMAC"); }
  ~Hmac() { EVP_MAC_free(mac_); }
  Hmac(const Hmac&) = delete;
  Hmac& operator=(const Hmac&) = delete;

  std::array<unsigned char, 32> operator()(const unsigned char* key, std::size_t key_size,
                                           const unsigned char* data, std::size_t size) const {
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac_);
    std::array<unsigned char, 32> out{};
    std::size_t length = 0;
    check(ctx && EVP_MAC_init(ctx, key, key_size, params) == 1 &&
              EVP_MAC_update(ctx, data, size) == 1 &&
              EVP_MAC_final(ctx, out.data(), &length, out.size()) == 1,
          "HMAC-SHA256");
    EVP_MAC_CTX_free(ctx);
    return out;
  }

 private:
  EVP_MAC* mac_;
};

void BM_ike_key_derivation(benchmark::State& state) {
  Hmac hmac;
  auto nonces = random_octets(64);          // Ni | Nr
  auto shared = random_octets(32);          // g^ir
  auto seed_tail = random_octets(64 + 16);  // Ni | Nr | SPIi | SPIr
  for (auto _ : state) {
    auto skeyseed = hmac(nonces.data(), nonces.size(), shared.data(), shared.size());
    // prf+ (2.13): T(n) = prf(K, T(n-1) | S | n); 5 blocks for the IKE SA.
    std::array<unsigned char, 32 + 80 + 1> block_input{};
    std::array<unsigned char, 32> t{};
    for (unsigned char n = 1; n <= 5; ++n) {
      std::size_t offset = n == 1 ? 0 : 32;
      if (n > 1) std::memcpy(block_input.data(), t.data(), 32);
      std::memcpy(block_input.data() + offset, seed_tail.data(), 80);
      block_input[offset + 80] = n;
      t = hmac(skeyseed.data(), skeyseed.size(), block_input.data(), offset + 81);
    }
    // KEYMAT for the CHILD SA: 2 blocks keyed with SK_d over Ni | Nr.
    for (unsigned char n = 1; n <= 2; ++n) {
      std::size_t offset = n == 1 ? 0 : 32;
      if (n > 1) std::memcpy(block_input.data(), t.data(), 32);
      std::memcpy(block_input.data() + offset, nonces.data(), 64);
      block_input[offset + 64] = n;
      t = hmac(t.data(), t.size(), block_input.data(), offset + 65);
    }
    benchmark::DoNotOptimize(t);
  }
}
BENCHMARK(BM_ike_key_derivation);

constexpr std::size_t signed_octets_size = 350;  // IKE_SA_INIT message | nonce | prf(SK_p, ID')

void BM_psk_auth_pair(benchmark::State& state) {
  Hmac hmac;
  auto psk = random_octets(32);
  auto sk_p = random_octets(32);
  auto id = random_octets(20);
  auto octets = random_octets(signed_octets_size);
  static const char pad[] = "Key Pad for IKEv2";
  for (auto _ : state) {
    for (int side = 0; side < 2; ++side) {
      auto id_prf = hmac(sk_p.data(), sk_p.size(), id.data(), id.size());
      auto key = hmac(psk.data(), psk.size(), reinterpret_cast<const unsigned char*>(pad), 17);
      std::memcpy(octets.data() + octets.size() - 32, id_prf.data(), 32);
      auto auth = hmac(key.data(), key.size(), octets.data(), octets.size());
      benchmark::DoNotOptimize(auth);
    }
  }
}
BENCHMARK(BM_psk_auth_pair);

void BM_id_prf_pair(benchmark::State& state) {
  Hmac hmac;
  auto sk_p = random_octets(32);
  auto id = random_octets(60);
  for (auto _ : state) {
    auto initiator = hmac(sk_p.data(), sk_p.size(), id.data(), id.size());
    auto responder = hmac(sk_p.data(), sk_p.size(), id.data(), id.size());
    benchmark::DoNotOptimize(initiator);
    benchmark::DoNotOptimize(responder);
  }
}
BENCHMARK(BM_id_prf_pair);

// ---- signatures and certificates ------------------------------------------

EVP_PKEY* make_key(bool rsa) {
  EVP_PKEY* key = rsa ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048))
                      : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  check(key != nullptr, "key generation");
  return key;
}

void BM_sign(benchmark::State& state, bool rsa) {
  EVP_PKEY* key = make_key(rsa);
  auto octets = random_octets(signed_octets_size);
  std::vector<unsigned char> signature(512);
  for (auto _ : state) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::size_t length = signature.size();
    check(ctx &&
              EVP_DigestSignInit_ex(ctx, nullptr, "SHA256", nullptr, nullptr, key, nullptr) == 1 &&
              EVP_DigestSign(ctx, signature.data(), &length, octets.data(), octets.size()) == 1,
          "sign");
    benchmark::DoNotOptimize(signature.data());
    EVP_MD_CTX_free(ctx);
  }
  EVP_PKEY_free(key);
}
BENCHMARK_CAPTURE(BM_sign, ecdsa_p256, false);
BENCHMARK_CAPTURE(BM_sign, rsa_2048, true);

void BM_verify(benchmark::State& state, bool rsa) {
  EVP_PKEY* key = make_key(rsa);
  auto octets = random_octets(signed_octets_size);
  std::vector<unsigned char> signature(512);
  std::size_t length = signature.size();
  EVP_MD_CTX* sign = EVP_MD_CTX_new();
  check(EVP_DigestSignInit_ex(sign, nullptr, "SHA256", nullptr, nullptr, key, nullptr) == 1 &&
            EVP_DigestSign(sign, signature.data(), &length, octets.data(), octets.size()) == 1,
        "sign");
  EVP_MD_CTX_free(sign);
  for (auto _ : state) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    check(
        ctx &&
            EVP_DigestVerifyInit_ex(ctx, nullptr, "SHA256", nullptr, nullptr, key, nullptr) == 1 &&
            EVP_DigestVerify(ctx, signature.data(), length, octets.data(), octets.size()) == 1,
        "verify");
    EVP_MD_CTX_free(ctx);
  }
  EVP_PKEY_free(key);
}
BENCHMARK_CAPTURE(BM_verify, ecdsa_p256, false);
BENCHMARK_CAPTURE(BM_verify, rsa_2048, true);

/// An end-entity certificate issued by a CA of the same key type, as DER.
struct IssuedCertificate {
  EVP_PKEY* ca_key = nullptr;
  EVP_PKEY* subject_key = nullptr;
  std::vector<unsigned char> der;
};

IssuedCertificate issue_certificate(bool rsa) {
  IssuedCertificate issued{make_key(rsa), make_key(rsa), {}};
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 2);
  X509_NAME* issuer = X509_NAME_new();
  X509_NAME_add_entry_by_txt(issuer, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("bench CA"), -1, -1, 0);
  X509_NAME* subject = X509_NAME_new();
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("west.example"), -1, -1, 0);
  X509_set_issuer_name(cert, issuer);
  X509_set_subject_name(cert, subject);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
  X509_set_pubkey(cert, issued.subject_key);
  check(X509_sign(cert, issued.ca_key, EVP_sha256()) > 0, "X509_sign");
  unsigned char* der = nullptr;
  int length = i2d_X509(cert, &der);
  check(length > 0, "i2d_X509");
  issued.der.assign(der, der + length);
  OPENSSL_free(der);
  X509_NAME_free(issuer);
  X509_NAME_free(subject);
  X509_free(cert);
  return issued;
}

void BM_cert_verify(benchmark::State& state, bool rsa) {
  IssuedCertificate issued = issue_certificate(rsa);
  const unsigned char* in = issued.der.data();
  X509* cert = d2i_X509(nullptr, &in, static_cast<long>(issued.der.size()));
  check(cert != nullptr, "d2i_X509");
  for (auto _ : state) {
    check(X509_verify(cert, issued.ca_key) == 1, "X509_verify");
  }
  X509_free(cert);
  EVP_PKEY_free(issued.ca_key);
  EVP_PKEY_free(issued.subject_key);
}
BENCHMARK_CAPTURE(BM_cert_verify, ecdsa_p256, false);
BENCHMARK_CAPTURE(BM_cert_verify, rsa_2048, true);

void BM_cert_parse(benchmark::State& state, bool rsa) {
  IssuedCertificate issued = issue_certificate(rsa);
  for (auto _ : state) {
    const unsigned char* in = issued.der.data();
    X509* cert = d2i_X509(nullptr, &in, static_cast<long>(issued.der.size()));
    check(cert != nullptr && X509_get0_pubkey(cert) != nullptr, "d2i_X509");
    X509_free(cert);
  }
  EVP_PKEY_free(issued.ca_key);
  EVP_PKEY_free(issued.subject_key);
}
BENCHMARK_CAPTURE(BM_cert_parse, ecdsa_p256, false);
BENCHMARK_CAPTURE(BM_cert_parse, rsa_2048, true);

// ---- AEAD and randomness ----------------------------------------------------

void BM_aead_pair(benchmark::State& state) {
  EVP_CIPHER* gcm = EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr);
  check(gcm != nullptr, "AES-128-GCM");
  auto size = static_cast<std::size_t>(state.range(0));
  auto key = random_octets(16);
  auto iv = random_octets(12);
  auto aad = random_octets(32);
  auto plain = random_octets(size);
  std::vector<unsigned char> sealed(size + 16);
  std::vector<unsigned char> opened(size + 16);
  std::array<unsigned char, 16> tag{};
  for (auto _ : state) {
    // Decrypt the IKE_AUTH request (here: check a tag we made) ...
    int length = 0;
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    check(EVP_EncryptInit_ex2(ctx, gcm, key.data(), iv.data(), nullptr) == 1 &&
              EVP_EncryptUpdate(ctx, nullptr, &length, aad.data(), static_cast<int>(aad.size())) ==
                  1 &&
              EVP_EncryptUpdate(ctx, sealed.data(), &length, plain.data(),
                                static_cast<int>(size)) == 1 &&
              EVP_EncryptFinal_ex(ctx, sealed.data() + length, &length) == 1 &&
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, tag.data()) == 1,
          "GCM seal");
    EVP_CIPHER_CTX_free(ctx);
    // ... and open it again: one seal and one open per iteration.
    ctx = EVP_CIPHER_CTX_new();
    check(EVP_DecryptInit_ex2(ctx, gcm, key.data(), iv.data(), nullptr) == 1 &&
              EVP_DecryptUpdate(ctx, nullptr, &length, aad.data(), static_cast<int>(aad.size())) ==
                  1 &&
              EVP_DecryptUpdate(ctx, opened.data(), &length, sealed.data(),
                                static_cast<int>(size)) == 1 &&
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, 16, tag.data()) == 1 &&
              EVP_DecryptFinal_ex(ctx, opened.data() + length, &length) == 1,
          "GCM open");
    EVP_CIPHER_CTX_free(ctx);
    benchmark::DoNotOptimize(opened.data());
  }
  EVP_CIPHER_free(gcm);
}
BENCHMARK(BM_aead_pair)->Arg(256)->Arg(1536)->Arg(2048);

void BM_nonce_and_spi(benchmark::State& state) {
  std::array<unsigned char, 40> octets{};
  for (auto _ : state) {
    check(RAND_bytes(octets.data(), 32) == 1 && RAND_bytes(octets.data() + 32, 8) == 1, "RAND");
    benchmark::DoNotOptimize(octets);
  }
}
BENCHMARK(BM_nonce_and_spi);

}  // namespace

BENCHMARK_MAIN();
