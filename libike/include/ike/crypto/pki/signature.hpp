#pragma once
/// Making and checking signatures over the octets IKE authenticates
/// (RFC 7296 2.15: the construction of those octets is the AUTH task's job;
/// here they are just bytes).
///
/// Private keys sit behind `Signer` (STYLE.md 10) so that a separate signer
/// process can replace `InProcessSigner` later without touching the tasks.

#include "ike/bytes.hpp"
#include "ike/crypto/pki/private_key.hpp"
#include "ike/crypto/pki/public_key.hpp"
#include "ike/crypto/pki/signature_scheme.hpp"
#include "ike/error.hpp"

namespace ike::pki {

/// Signs on behalf of one private key.
class Signer {
 public:
  virtual ~Signer() = default;

  /// Signs `octets` with `scheme` and returns the signature in the scheme's
  /// natural encoding: RSA as an octet string of the modulus length, ECDSA as
  /// a DER ECDSA-Sig-Value, Ed25519 as 64 octets. Fails with
  /// Errc::invalid_argument when the scheme does not fit the key (and for
  /// rsa_pkcs1_sha1, which we never produce), Errc::crypto_failure otherwise.
  virtual Result<Bytes> sign(ByteView octets, SignatureScheme scheme) = 0;

  /// The kind of key it signs with (to choose a scheme, signature_choice.hpp).
  virtual KeyType key_type() const = 0;
};

/// Signs with a key held in this process. Randomness for ECDSA nonces and PSS
/// salts comes from OpenSSL's DRBG (not the injected RandomSource: a
/// predictable ECDSA nonce leaks the key, so tests must not pin it).
/// Safe to use from several threads at once.
class InProcessSigner final : public Signer {
 public:
  explicit InProcessSigner(PrivateKey key) : key_(std::move(key)) {}

  Result<Bytes> sign(ByteView octets, SignatureScheme scheme) override;
  KeyType key_type() const override { return key_.type(); }

 private:
  PrivateKey key_;
};

/// Checks `signature` (encoded as Signer::sign returns it) over `octets` with
/// `key`. Errc::authentication_failed when it does not verify or the scheme
/// does not fit the key, with the reason.
Status verify_signature(const PublicKey& key, SignatureScheme scheme, ByteView octets,
                        ByteView signature);

}  // namespace ike::pki
