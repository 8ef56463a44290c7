#include "setup_test_support.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>

namespace ikev2d::setup::test {
namespace {

namespace fs = std::filesystem;

void require(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test fixture: ") + what);
}

struct BioDeleter {
  void operator()(BIO* bio) const noexcept { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(length));
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer ? issuer : cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  require(extension != nullptr, "extension");
  require(X509_add_ext(cert, extension, -1) == 1, "add extension");
  X509_EXTENSION_free(extension);
}

void add_name_entry(X509_NAME* name, const char* attribute, const std::string& value) {
  require(X509_NAME_add_entry_by_txt(name, attribute, MBSTRING_ASC,
                                     reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1,
                                     0) == 1,
          "name entry");
}

std::time_t seconds_of(ike::WallTime time) {
  return static_cast<std::time_t>(
      std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count());
}

ike::WallTime year_start(int year) {
  using namespace std::chrono;
  return sys_days{std::chrono::year{year} / January / 1};
}

}  // namespace

ike::WallTime test_now() {
  return year_start(2030);
}

std::string Issued::cert_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  require(PEM_write_bio_X509(bio.get(), cert.get()) == 1, "PEM certificate");
  return bio_text(bio.get());
}

ike::Bytes Issued::cert_der() const {
  unsigned char* der = nullptr;
  int length = i2d_X509(cert.get(), &der);
  require(length > 0, "DER certificate");
  ike::Bytes out(der, der + length);
  OPENSSL_free(der);
  return out;
}

std::string Issued::key_pem(const std::string& passphrase) const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  const EVP_CIPHER* cipher = passphrase.empty() ? nullptr : EVP_aes_256_cbc();
  require(PEM_write_bio_PKCS8PrivateKey(bio.get(), key.get(), cipher,
                                        passphrase.empty() ? nullptr : passphrase.data(),
                                        static_cast<int>(passphrase.size()), nullptr, nullptr) == 1,
          "PEM key");
  return bio_text(bio.get());
}

std::string Issued::key_traditional_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  require(PEM_write_bio_PrivateKey_traditional(bio.get(), key.get(), nullptr, nullptr, 0, nullptr,
                                               nullptr) == 1,
          "traditional PEM key");
  return bio_text(bio.get());
}

Issued issue(const CertSpec& spec, const Issued* issuer, bool rsa) {
  Issued out;
  out.key.reset(rsa ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048))
                    : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  require(out.key != nullptr, "key generation");
  out.cert.reset(X509_new());
  X509* cert = out.cert.get();
  require(X509_set_version(cert, 2) == 1, "version");
  ASN1_INTEGER_set(X509_get_serialNumber(cert), spec.serial);
  X509_NAME* name = X509_get_subject_name(cert);
  auto rdns = spec.rdns;
  if (rdns.empty()) rdns = {{"C", "XX"}, {"O", "ikev2d test"}, {"CN", spec.common_name}};
  for (const auto& [attribute, value] : rdns) {
    add_name_entry(name, attribute.c_str(), value);
    out.subject += (out.subject.empty() ? "" : ", ") + attribute + "=" + value;
  }
  X509* issuer_cert = issuer ? issuer->cert.get() : nullptr;
  require(X509_set_issuer_name(cert, X509_get_subject_name(issuer_cert ? issuer_cert : cert)) == 1,
          "issuer");
  require(ASN1_TIME_set(X509_getm_notBefore(cert), seconds_of(year_start(2020))) != nullptr,
          "notBefore");
  require(ASN1_TIME_set(X509_getm_notAfter(cert), seconds_of(year_start(2040))) != nullptr,
          "notAfter");
  require(X509_set_pubkey(cert, out.key.get()) == 1, "public key");
  add_extension(cert, issuer_cert, NID_basic_constraints,
                spec.ca ? "critical,CA:TRUE" : "CA:FALSE");
  add_extension(cert, issuer_cert, NID_subject_key_identifier, "hash");
  if (!spec.sans.empty()) add_extension(cert, issuer_cert, NID_subject_alt_name, spec.sans);
  EVP_PKEY* signing_key = issuer ? issuer->key.get() : out.key.get();
  require(X509_sign(cert, signing_key, EVP_sha256()) > 0, "sign");
  return out;
}

std::string crl_pem(const Issued& ca, const std::vector<long>& revoked_serials) {
  std::unique_ptr<X509_CRL, void (*)(X509_CRL*)> crl(X509_CRL_new(), X509_CRL_free);
  require(crl && X509_CRL_set_version(crl.get(), 1) == 1, "CRL");
  require(X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(ca.cert.get())) == 1,
          "CRL issuer");
  std::unique_ptr<ASN1_TIME, void (*)(ASN1_TIME*)> from(
      ASN1_TIME_set(nullptr, seconds_of(year_start(2020))), ASN1_TIME_free);
  std::unique_ptr<ASN1_TIME, void (*)(ASN1_TIME*)> until(
      ASN1_TIME_set(nullptr, seconds_of(year_start(2040))), ASN1_TIME_free);
  require(X509_CRL_set1_lastUpdate(crl.get(), from.get()) == 1, "CRL lastUpdate");
  require(X509_CRL_set1_nextUpdate(crl.get(), until.get()) == 1, "CRL nextUpdate");
  for (long serial : revoked_serials) {
    X509_REVOKED* entry = X509_REVOKED_new();
    ASN1_INTEGER* number = ASN1_INTEGER_new();
    ASN1_INTEGER_set(number, serial);
    X509_REVOKED_set_serialNumber(entry, number);
    X509_REVOKED_set_revocationDate(entry, from.get());
    ASN1_INTEGER_free(number);
    require(X509_CRL_add0_revoked(crl.get(), entry) == 1, "CRL entry");
  }
  require(X509_CRL_sign(crl.get(), ca.key.get(), EVP_sha256()) > 0, "CRL sign");
  BioPtr bio(BIO_new(BIO_s_mem()));
  require(PEM_write_bio_X509_CRL(bio.get(), crl.get()) == 1, "PEM CRL");
  return bio_text(bio.get());
}

TestPki::TestPki()
    : ca(issue({"Test CA", true, "", 1}, nullptr)),
      west(issue({"west.example", false, "DNS:west.example,IP:10.1.0.1", 2}, &ca)),
      east(issue({"east.example", false, "DNS:east.example", 3}, &ca)) {}

ConfigTree::ConfigTree() {
  auto pattern = (fs::temp_directory_path() / "ikev2d-setup-XXXXXX").string();
  require(::mkdtemp(pattern.data()) != nullptr, "mkdtemp");
  root_ = pattern;
}

ConfigTree::~ConfigTree() {
  std::error_code ec;
  fs::remove_all(root_, ec);
}

Paths ConfigTree::paths() const {
  return Paths{root_ / "ipsec.conf", root_ / "ipsec.secrets", root_ / "ipsec.d"};
}

void ConfigTree::write(const std::string& relative, const std::string& content) const {
  write(relative, ike::Bytes(content.begin(), content.end()));
}

void ConfigTree::write(const std::string& relative, const ike::Bytes& content) const {
  auto path = root_ / relative;
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(content.data()),
            static_cast<std::streamsize>(content.size()));
  require(static_cast<bool>(out), "write file");
}

FakeHost& FakeHost::with_local(const std::string& address) {
  local.insert(ip(address));
  return *this;
}

bool FakeHost::is_local(const ike::IpAddress& address) const {
  return local.count(address) != 0;
}

std::optional<ike::IpAddress> FakeHost::default_route_source(int ip_version) const {
  auto it = default_routes.find(ip_version);
  if (it == default_routes.end()) return std::nullopt;
  return it->second;
}

ike::Result<std::vector<ike::IpAddress>> FakeHost::resolve(const std::string& hostname) const {
  auto it = dns.find(hostname);
  if (it == dns.end()) {
    return ike::make_error(ike::Errc::io_error,
                           "cannot resolve '" + hostname + "': Name or service not known");
  }
  return it->second;
}

ike::IpAddress ip(const std::string& text) {
  auto parsed = ike::IpAddress::parse(text);
  require(parsed.ok(), "address literal");
  return *parsed;
}

ike::pki::Identity id(const std::string& text) {
  auto parsed = ike::pki::Identity::parse(text);
  require(parsed.ok(), "identity literal");
  return *parsed;
}

ike::Result<Configuration> load(const ConfigTree& tree, const HostAddresses& host) {
  return load_configuration(tree.paths(), host, test_now());
}

const ConnectionSetup* find_conn(const Configuration& configuration, const std::string& name) {
  for (const auto& setup : configuration.connections) {
    if (setup.name == name) return &setup;
  }
  return nullptr;
}

bool has_warning(const Configuration& configuration, const std::string& text) {
  for (const auto& warning : configuration.warnings) {
    if (warning.find(text) != std::string::npos) return true;
  }
  return false;
}

std::string all_warnings(const Configuration& configuration) {
  std::string out;
  for (const auto& warning : configuration.warnings)
    out += warning + "\n";
  return out;
}

}  // namespace ikev2d::setup::test
