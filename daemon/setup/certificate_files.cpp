#include "setup/certificate_files.hpp"

namespace ikev2d::setup::detail {

std::filesystem::path CertificateFiles::path_of(const std::string& name) const {
  std::filesystem::path path(name);
  if (path.is_absolute()) return path.lexically_normal();
  return (certs_dir_ / path).lexically_normal();
}

ike::Result<ike::pki::CertificatePtr> CertificateFiles::load(const std::string& name) {
  auto path = path_of(name).string();
  if (auto it = by_path_.find(path); it != by_path_.end()) return it->second;
  auto certificate = ike::pki::load_certificate_file(path);
  if (!certificate) return std::move(certificate).error();
  by_path_.emplace(path, *certificate);
  loaded_.push_back(*certificate);
  return std::move(*certificate);
}

}  // namespace ikev2d::setup::detail
