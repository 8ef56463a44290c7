#include "pki_test_support.hpp"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <stdexcept>

namespace ike::pki::test {
namespace {

void require(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test fixture: ") + what);
}

struct BioDeleter {
  void operator()(BIO* p) const noexcept { BIO_free(p); }
};

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(length));
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer ? issuer : cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  require(ext != nullptr, "extension");
  require(X509_add_ext(cert, ext, -1) == 1, "add extension");
  X509_EXTENSION_free(ext);
}

const EVP_MD* signing_digest(EVP_PKEY* key) {
  return EVP_PKEY_is_a(key, "ED25519") ? nullptr : EVP_sha256();
}

}  // namespace

Clock::time_point day(int year, unsigned month, unsigned day_of_month) {
  using namespace std::chrono;
  return sys_days{std::chrono::year{year} / std::chrono::month{month} / day_of_month};
}

EvpPkeyPtr generate_key(KeyType type) {
  EVP_PKEY* key = nullptr;
  switch (type) {
    case KeyType::rsa:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
      break;
    case KeyType::ecdsa_p256:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case KeyType::ecdsa_p384:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
      break;
    case KeyType::ecdsa_p521:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521");
      break;
    case KeyType::ed25519:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
    default:
      break;
  }
  require(key != nullptr, "key generation");
  return EvpPkeyPtr(key);
}

X509NamePtr make_name(const Rdns& rdns) {
  X509NamePtr name(X509_NAME_new());
  for (const auto& [attribute, value] : rdns) {
    require(X509_NAME_add_entry_by_txt(name.get(), attribute.c_str(), MBSTRING_ASC,
                                       reinterpret_cast<const unsigned char*>(value.c_str()), -1,
                                       -1, 0) == 1,
            "name entry");
  }
  return name;
}

Bytes name_der(const Rdns& rdns) {
  X509NamePtr name = make_name(rdns);
  unsigned char* der = nullptr;
  int length = i2d_X509_NAME(name.get(), &der);
  require(length > 0, "name encoding");
  Bytes out(der, der + length);
  OPENSSL_free(der);
  return out;
}

X509Ptr make_x509(const CertSpec& spec, EVP_PKEY* subject_key, X509* issuer, EVP_PKEY* issuer_key) {
  X509Ptr cert(X509_new());
  require(X509_set_version(cert.get(), X509_VERSION_3) == 1, "version");
  require(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), spec.serial) == 1, "serial");
  X509NamePtr subject = make_name(spec.subject);
  require(X509_set_subject_name(cert.get(), subject.get()) == 1, "subject");
  require(
      X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : subject.get()) == 1,
      "issuer");
  require(ASN1_TIME_set(X509_getm_notBefore(cert.get()), Clock::to_time_t(spec.not_before)) &&
              ASN1_TIME_set(X509_getm_notAfter(cert.get()), Clock::to_time_t(spec.not_after)),
          "validity");
  require(X509_set_pubkey(cert.get(), subject_key) == 1, "public key");
  add_extension(cert.get(), issuer, NID_subject_key_identifier, "hash");
  if (issuer) add_extension(cert.get(), issuer, NID_authority_key_identifier, "keyid:always");
  if (spec.is_ca) {
    add_extension(cert.get(), issuer, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
  }
  if (!spec.alt_names.empty())
    add_extension(cert.get(), issuer, NID_subject_alt_name, spec.alt_names);
  EVP_PKEY* signer = issuer_key ? issuer_key : subject_key;
  require(X509_sign(cert.get(), signer, signing_digest(signer)) > 0, "certificate signature");
  return cert;
}

Issued issue(KeyType type, const CertSpec& spec, const Issued* issuer) {
  Issued out;
  out.key = generate_key(type);
  X509Ptr x509 = make_x509(spec, out.key.get(), issuer ? issuer->cert->x509() : nullptr,
                           issuer ? issuer->key.get() : nullptr);
  auto cert = Certificate::from_x509(std::move(x509));
  require(cert.ok(), "Certificate::from_x509");
  out.cert = std::move(*cert);
  return out;
}

CrlPtr make_crl(const Issued& issuer, const std::vector<long>& revoked_serials,
                Clock::time_point this_update, Clock::time_point next_update) {
  X509CrlPtr crl(X509_CRL_new());
  require(X509_CRL_set_version(crl.get(), 1) == 1, "CRL version");
  require(X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer.cert->x509())) == 1,
          "CRL issuer");
  ASN1_TIME* last = ASN1_TIME_set(nullptr, Clock::to_time_t(this_update));
  ASN1_TIME* next = ASN1_TIME_set(nullptr, Clock::to_time_t(next_update));
  require(X509_CRL_set1_lastUpdate(crl.get(), last) && X509_CRL_set1_nextUpdate(crl.get(), next),
          "CRL times");
  for (long serial : revoked_serials) {
    X509_REVOKED* entry = X509_REVOKED_new();
    ASN1_INTEGER* number = ASN1_INTEGER_new();
    ASN1_INTEGER_set(number, serial);
    require(X509_REVOKED_set_serialNumber(entry, number) == 1 &&
                X509_REVOKED_set_revocationDate(entry, last) == 1 &&
                X509_CRL_add0_revoked(crl.get(), entry) == 1,
            "CRL entry");
    ASN1_INTEGER_free(number);
  }
  ASN1_TIME_free(last);
  ASN1_TIME_free(next);
  require(X509_CRL_sort(crl.get()) == 1, "CRL sort");
  EVP_PKEY* key = issuer.key.get();
  require(X509_CRL_sign(crl.get(), key, signing_digest(key)) > 0, "CRL signature");
  auto out = Crl::from_x509_crl(std::move(crl));
  require(out.ok(), "Crl::from_x509_crl");
  return std::move(*out);
}

std::string cert_pem(const Certificate& cert) {
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new(BIO_s_mem()));
  require(PEM_write_bio_X509(bio.get(), cert.x509()) == 1, "PEM certificate");
  return bio_text(bio.get());
}

std::string crl_pem(const Crl& crl) {
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new(BIO_s_mem()));
  require(PEM_write_bio_X509_CRL(bio.get(), crl.get()) == 1, "PEM CRL");
  return bio_text(bio.get());
}

Bytes crl_der(const Crl& crl) {
  unsigned char* der = nullptr;
  int length = i2d_X509_CRL(crl.get(), &der);
  require(length > 0, "DER CRL");
  Bytes out(der, der + length);
  OPENSSL_free(der);
  return out;
}

TempDir::TempDir() {
  std::random_device entropy;
  path_ = std::filesystem::temp_directory_path() /
          ("ikev2d-pki-test-" + std::to_string(entropy()) + std::to_string(entropy()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::write(const std::string& name, ByteView content) const {
  auto file = path_ / name;
  std::filesystem::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary);
  out.write(reinterpret_cast<const char*>(content.data()),
            static_cast<std::streamsize>(content.size()));
  require(out.good(), "write temp file");
  return file.string();
}

std::string TempDir::write(const std::string& name, std::string_view content) const {
  return write(name, as_bytes(content));
}

Bytes to_bytes(std::string_view text) {
  return Bytes(text.begin(), text.end());
}

}  // namespace ike::pki::test
