#pragma once
/// Where the engine finds secrets and trust anchors. The daemon implements it
/// from ipsec.secrets and ipsec.d/; tests from in-memory values. Private keys
/// stay behind pki::Signer so they can move to a separate process later.

#include <optional>

#include "ike/crypto/pki/identity.hpp"
#include "ike/crypto/pki/signature.hpp"
#include "ike/crypto/pki/trust_store.hpp"
#include "ike/crypto/secret_bytes.hpp"
#include "ike/sa/connection.hpp"

namespace ike::sa {

class Credentials {
 public:
  virtual ~Credentials() = default;
  /// The pre-shared key for this pair of identities (ipsec.secrets matching
  /// rules), or nullopt.
  virtual std::optional<crypto::SecretBytes> shared_key(const pki::Identity& local,
                                                        const pki::Identity& remote) const = 0;
  /// The signer for our certificate in `connection`, or nullptr.
  virtual pki::Signer* signer(const Connection& connection) const = 0;
  /// CAs and CRLs to verify peers against, or nullptr when none are loaded.
  virtual const pki::TrustStore* trust_store() const = 0;
};

}  // namespace ike::sa
