#pragma once
/// Certificate files named by leftcert=/rightcert= (relative to
/// ipsec.d/certs, absolute allowed; PEM or DER), each read and parsed once
/// per load however many conns name it, so conns sharing a certificate share
/// one parsed object (DESIGN.md "Scale").

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "ike/crypto/pki/certificate.hpp"
#include "ike/error.hpp"

namespace ikev2d::setup::detail {

class CertificateFiles {
 public:
  explicit CertificateFiles(std::filesystem::path certs_dir) : certs_dir_(std::move(certs_dir)) {}

  /// `name` as written in the conn; relative names are under the certs dir.
  std::filesystem::path path_of(const std::string& name) const;

  /// The parsed certificate. The error reason names the path and the cause
  /// ("/etc/ikev2d/ipsec.d/certs/gw.pem: cannot open: No such file or directory").
  ike::Result<ike::pki::CertificatePtr> load(const std::string& name);

  /// Every certificate loaded so far, in load order.
  const std::vector<ike::pki::CertificatePtr>& loaded() const noexcept { return loaded_; }

 private:
  std::filesystem::path certs_dir_;
  std::map<std::string, ike::pki::CertificatePtr> by_path_;
  std::vector<ike::pki::CertificatePtr> loaded_;
};

}  // namespace ikev2d::setup::detail
