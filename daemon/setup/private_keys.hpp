#pragma once
/// The private keys ipsec.secrets names (`: RSA|ECDSA|PKCS8 file
/// [passphrase]`), read from ipsec.d/private (absolute paths allowed).
/// strongSwan ignores the IDs written before the ':' of a key line, and so
/// do we: a key serves whichever certificate carries its public half.

#include <filesystem>
#include <string>
#include <vector>

#include "ike/config/ipsec_secrets.hpp"
#include "ike/crypto/pki/private_key.hpp"
#include "ike/error.hpp"

namespace ikev2d::setup::detail {

struct LoadedKey {
  ike::pki::PrivateKey key;
  /// The secrets line that named it.
  ike::config::Location where;
  std::string path;
};

struct KeyLoad {
  std::vector<LoadedKey> keys;
  /// %prompt keys (a daemon cannot ask), skipped.
  std::vector<std::string> warnings;
};

/// Loads every key. Errors, located at the secrets line: unreadable or
/// undecodable file, wrong passphrase, a key of another type than declared
/// (`: RSA` holding an EC key), PKCS12 (not supported: convert it with
/// `openssl pkcs12 -nodes`). A passphrase never appears in a message.
ike::Result<KeyLoad> load_private_keys(const ike::config::Secrets& secrets,
                                       const std::filesystem::path& private_dir);

}  // namespace ikev2d::setup::detail
