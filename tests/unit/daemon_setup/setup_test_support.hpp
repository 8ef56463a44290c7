#pragma once
/// Fixtures for the configuration loader: a temporary /etc/ikev2d-like tree
/// (ipsec.conf, ipsec.secrets, ipsec.d/{cacerts,certs,private,crls}), a test
/// PKI made with OpenSSL in the test (EC P-256, so it is quick), and a fake
/// HostAddresses whose local addresses, default routes and DNS the test sets.

#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ike/crypto/pki/openssl_handles.hpp"
#include "setup/configuration.hpp"

namespace ikev2d::setup::test {

/// 2030-01-01, inside every test certificate's validity (2020..2040).
ike::WallTime test_now();

struct CertSpec {
  std::string common_name;
  bool ca = false;
  /// subjectAltName in OpenSSL syntax ("DNS:gw.example,IP:10.1.0.1"), or "".
  std::string sans;
  long serial = 1;
  /// The subject's RDNs; empty: C=XX, O=ikev2d test, CN=common_name.
  std::vector<std::pair<std::string, std::string>> rdns = {};
};

/// A key and its certificate.
struct Issued {
  ike::pki::EvpPkeyPtr key;
  ike::pki::X509Ptr cert;
  /// "C=XX, O=ikev2d test, CN=<common name>" (or the RDNs given)
  std::string subject;

  std::string cert_pem() const;
  ike::Bytes cert_der() const;
  /// PKCS#8 PEM; encrypted with AES-256-CBC when `passphrase` is not empty.
  std::string key_pem(const std::string& passphrase = "") const;
  /// The traditional "BEGIN EC PRIVATE KEY" / "BEGIN RSA PRIVATE KEY" form.
  std::string key_traditional_pem() const;
};

/// EC P-256 unless `rsa`; signed by `issuer` (self-signed when null).
Issued issue(const CertSpec& spec, const Issued* issuer, bool rsa = false);

/// A PEM CRL of `ca` revoking `revoked_serials`, valid 2020..2040.
std::string crl_pem(const Issued& ca, const std::vector<long>& revoked_serials);

/// A CA with two gateways: west (SAN DNS:west.example, IP:10.1.0.1) and
/// east (SAN DNS:east.example, no IP), both issued by the CA.
struct TestPki {
  TestPki();
  Issued ca;
  Issued west;
  Issued east;
};

/// A fresh directory tree, removed on destruction.
class ConfigTree {
 public:
  ConfigTree();
  ~ConfigTree();
  ConfigTree(const ConfigTree&) = delete;
  ConfigTree& operator=(const ConfigTree&) = delete;

  const std::filesystem::path& root() const noexcept { return root_; }
  Paths paths() const;
  /// Writes root()/relative, creating directories.
  void write(const std::string& relative, const std::string& content) const;
  void write(const std::string& relative, const ike::Bytes& content) const;
  void conf(const std::string& text) const { write("ipsec.conf", text); }
  void secrets(const std::string& text) const { write("ipsec.secrets", text); }

 private:
  std::filesystem::path root_;
};

class FakeHost final : public HostAddresses {
 public:
  std::set<ike::IpAddress> local;
  std::map<int, ike::IpAddress> default_routes;
  std::map<std::string, std::vector<ike::IpAddress>> dns;

  FakeHost& with_local(const std::string& address);

  bool is_local(const ike::IpAddress& address) const override;
  std::optional<ike::IpAddress> default_route_source(int ip_version) const override;
  ike::Result<std::vector<ike::IpAddress>> resolve(const std::string& hostname) const override;
};

ike::IpAddress ip(const std::string& text);
ike::pki::Identity id(const std::string& text);

/// load_configuration(tree.paths(), host, test_now()).
ike::Result<Configuration> load(const ConfigTree& tree, const HostAddresses& host);

/// The ConnectionSetup named `name`, or null.
const ConnectionSetup* find_conn(const Configuration& configuration, const std::string& name);

/// Whether some warning contains `text`.
bool has_warning(const Configuration& configuration, const std::string& text);
/// Every warning, one per line, for failure messages.
std::string all_warnings(const Configuration& configuration);

}  // namespace ikev2d::setup::test
