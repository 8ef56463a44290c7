#include "setup/private_keys.hpp"

#include "setup/messages.hpp"

namespace ikev2d::setup::detail {
namespace {

using ike::config::PrivateKeyType;
using ike::pki::KeyType;

bool declared_type_fits(PrivateKeyType declared, KeyType actual) {
  switch (declared) {
    case PrivateKeyType::rsa:
      return actual == KeyType::rsa || actual == KeyType::rsa_pss;
    case PrivateKeyType::ecdsa:
      return actual == KeyType::ecdsa_p256 || actual == KeyType::ecdsa_p384 ||
             actual == KeyType::ecdsa_p521;
    default:
      return true;
  }
}

std::filesystem::path key_path(const std::filesystem::path& private_dir, const std::string& file) {
  std::filesystem::path path(file);
  if (path.is_absolute()) return path.lexically_normal();
  return (private_dir / path).lexically_normal();
}

ike::Error key_error(const ike::config::PrivateKeyRef& ref, const std::string& reason) {
  return ike::make_error(ike::Errc::certificate_unusable,
                         located(ref.where, ike::config::to_string(ref.type) + " " + reason));
}

}  // namespace

ike::Result<KeyLoad> load_private_keys(const ike::config::Secrets& secrets,
                                       const std::filesystem::path& private_dir) {
  KeyLoad out;
  for (const auto& ref : secrets.private_keys) {
    auto path = key_path(private_dir, ref.file).string();
    if (ref.type == PrivateKeyType::pkcs12) {
      return key_error(ref, path +
                                ": PKCS#12 containers are not supported; convert with "
                                "`openssl pkcs12 -nodes` into a certificate and a key file");
    }
    if (ref.prompt) {
      out.warnings.push_back(located(ref.where, ike::config::to_string(ref.type) + " " + path +
                                                    ": passphrase %prompt cannot be asked by a "
                                                    "daemon; key not loaded"));
      continue;
    }
    std::string_view passphrase;
    if (ref.passphrase) {
      auto bytes = ref.passphrase->reveal();
      passphrase = std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    }
    auto key = ike::pki::load_private_key_file(path, passphrase);
    if (!key) return key_error(ref, key.error().reason);
    if (!declared_type_fits(ref.type, key->type())) {
      return key_error(ref, path + ": declared " + ike::config::to_string(ref.type) +
                                " but holds a " + std::string(ike::pki::name(key->type())) +
                                " key");
    }
    out.keys.push_back(LoadedKey{std::move(*key), ref.where, path});
  }
  return out;
}

}  // namespace ikev2d::setup::detail
