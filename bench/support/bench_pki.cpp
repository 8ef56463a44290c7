#include "support/bench_pki.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace ike::bench {

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "bench pki: %s failed\n", what);
  std::abort();
}

pki::EvpPkeyPtr generate(BenchKey key) {
  EVP_PKEY* pkey = key == BenchKey::rsa_2048
                       ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048))
                       : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (!pkey) die("key generation");
  return pki::EvpPkeyPtr(pkey);
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
  if (!extension || !X509_add_ext(cert, extension, -1)) die("certificate extension");
  X509_EXTENSION_free(extension);
}

pki::CertificatePtr issue(const std::string& common_name, EVP_PKEY* subject_key, X509* issuer,
                          EVP_PKEY* issuer_key, bool is_ca, long serial) {
  pki::X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 365 * 24 * 3600);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("ikev2d bench"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509* signer = issuer ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  X509_set_pubkey(cert.get(), subject_key);
  add_extension(cert.get(), signer, NID_basic_constraints, is_ca ? "critical,CA:TRUE" : "CA:FALSE");
  if (!is_ca) add_extension(cert.get(), signer, NID_subject_alt_name, "DNS:" + common_name);
  if (!X509_sign(cert.get(), issuer_key, EVP_sha256())) die("certificate signature");
  auto parsed = pki::Certificate::from_x509(std::move(cert));
  if (!parsed) die("certificate parsing");
  return *parsed;
}

}  // namespace

std::unique_ptr<BenchPki> make_bench_pki(BenchKey key) {
  auto out = std::make_unique<BenchPki>();
  auto ca_key = generate(key);
  out->ca = issue("ikev2d bench CA", ca_key.get(), nullptr, ca_key.get(), true, 1);
  out->west_key = generate(key);
  out->east_key = generate(key);
  out->west_certificate =
      issue("west.example", out->west_key.get(), out->ca->x509(), ca_key.get(), false, 2);
  out->east_certificate =
      issue("east.example", out->east_key.get(), out->ca->x509(), ca_key.get(), false, 3);
  if (!out->trust.add_ca(out->ca)) die("trust store");
  return out;
}

}  // namespace ike::bench
