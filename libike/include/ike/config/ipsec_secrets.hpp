#pragma once
/// ipsec.secrets in strongSwan's syntax:
///
///   # comment
///   : RSA moonKey.pem                    private key file (RSA, ECDSA, PKCS8,
///   : ECDSA key.pem "passphrase"          PKCS12 = P12), optional passphrase
///   : PKCS8 key.der %prompt               (%prompt: ask; a daemon cannot)
///   @moon @sun : PSK "shared secret"     pre-shared key for these IDs
///   10.0.0.1 %any : PSK 0x0123abcd       0x hex, 0s base64, or a bare word
///   carol : EAP "password"               EAP secret for an EAP identity
///   include /etc/ipsec.d/*.secrets       glob, relative to this file
///
/// The IDs are separated by blanks and may be quoted ("C=CH, O=x, CN=y"); a
/// lone ":" separates them from the type. IDs of PSK/EAP/NTLM lines must
/// parse as identities (pki::Identity). A quoted secret ("..." or '...')
/// is taken literally. XAUTH (IKEv1), PIN (smartcards) and BLISS lines are
/// accepted with a warning and ignored. Errors read
///   ipsec.secrets:4: PSK: invalid hex after 0x
/// and never contain a secret: every value is a `Secret` (secret.hpp).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ike/config/file_source.hpp"
#include "ike/config/location.hpp"
#include "ike/config/secret.hpp"
#include "ike/crypto/pki/identity.hpp"
#include "ike/error.hpp"
#include "ike/wire/types.hpp"

namespace ike::config {

#define IKE_CONFIG_PRIVATE_KEY_TYPES(X) \
  X(rsa, 0, "RSA")                      \
  X(ecdsa, 1, "ECDSA")                  \
  X(pkcs8, 2, "PKCS8")                  \
  X(pkcs12, 3, "PKCS12")
IKE_DECLARE_ENUM(PrivateKeyType, std::uint8_t, IKE_CONFIG_PRIVATE_KEY_TYPES)

#define IKE_CONFIG_SHARED_SECRET_TYPES(X) \
  X(psk, 0, "PSK")                        \
  X(eap, 1, "EAP")                        \
  X(ntlm, 2, "NTLM")
IKE_DECLARE_ENUM(SharedSecretType, std::uint8_t, IKE_CONFIG_SHARED_SECRET_TYPES)

/// `IDs : PSK secret`, `user : EAP secret`.
struct SharedSecret {
  SharedSecretType type = SharedSecretType::psk;
  /// As written; empty means "any" (a PSK for every peer).
  std::vector<std::string> ids;
  /// `ids` parsed by pki::Identity::parse, in the same order.
  std::vector<pki::Identity> identities;
  Secret secret;
  Location where;
};

/// `: RSA file [passphrase]`.
struct PrivateKeyRef {
  PrivateKeyType type = PrivateKeyType::rsa;
  /// As written; a relative path is under ipsec.d/private.
  std::string file;
  std::optional<Secret> passphrase;
  /// The passphrase was %prompt (the daemon cannot ask; see warnings).
  bool prompt = false;
  /// IDs written before the ':' (strongSwan ignores them for keys; kept as written).
  std::vector<std::string> ids;
  Location where;
};

struct Secrets {
  std::vector<SharedSecret> shared;
  std::vector<PrivateKeyRef> private_keys;
  std::vector<Warning> warnings;
};

/// Reads `path` and its includes through `files`. Errors are
/// Errc::invalid_syntax "FILE:LINE: reason" (io_error for the top file).
Result<Secrets> load_ipsec_secrets(FileSource& files, const std::string& path);

/// `text` as the file `file_name` (includes fail: there are no other files).
Result<Secrets> parse_ipsec_secrets(std::string_view text,
                                    const std::string& file_name = "ipsec.secrets");

}  // namespace ike::config
