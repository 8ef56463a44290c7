#pragma once
/// Ephemeral key exchanges of IKEv2 (transform type 4): MODP groups 14, 15 and
/// 16 (RFC 3526), ECP groups 19, 20 and 21 (RFC 5903) and Curve25519 /
/// Curve448 (RFC 8031), all through OpenSSL's EVP_PKEY.

#include <cstddef>
#include <memory>

#include "ike/bytes.hpp"
#include "ike/crypto/secret_bytes.hpp"
#include "ike/error.hpp"
#include "ike/random.hpp"
#include "ike/wire/types.hpp"

namespace ike::crypto {

/// One side of one key exchange: holds an ephemeral private key, offers the
/// public value for the KE payload and computes g^ir from the peer's value.
///
/// Wire formats (the KE payload's Key Exchange Data and g^ir):
/// - MODP: g^x mod p, big endian, left-padded to the prime's length (256,
///   384, 512 octets); g^ir likewise (RFC 7296 2.14).
/// - ECP: x | y, each coordinate padded to the field size, no 0x04 prefix
///   (RFC 5903 7; 64, 96, 132 octets); g^ir is the x coordinate alone.
/// - Curve25519 / Curve448: the 32 / 56-octet u coordinate (RFC 8031 2).
class KeyExchange {
 public:
  virtual ~KeyExchange() = default;
  KeyExchange(const KeyExchange&) = delete;
  KeyExchange& operator=(const KeyExchange&) = delete;

  /// A fresh private key from `random` (the only source of randomness, so
  /// tests can pin it):
  /// - Curve25519 / Curve448: 32 / 56 random octets as the raw private key
  ///   (clamped by X25519/X448 itself, RFC 7748 5);
  /// - ECP: a field-sized big-endian scalar (top bits of P-521 masked),
  ///   drawn again until it lies in [1, n-1];
  /// - MODP: a random exponent of 256, 320 or 384 bits for groups 14, 15
  ///   and 16 (at least twice each group's security strength, within RFC
  ///   3526 8's estimates), drawn again while below 2.
  /// Fails with unsupported_algorithm for groups not listed above.
  static Result<std::unique_ptr<KeyExchange>> create(wire::KeGroup group, RandomSource& random);

  /// The same from a known private key, for known-answer tests: the raw
  /// 32 / 56 octets for Curve25519 / Curve448; the big-endian scalar of the
  /// field size for ECP (which must lie in [1, n-1]); the big-endian exponent
  /// for MODP (in [2, p-2], at most the prime's length). Fails with
  /// invalid_argument otherwise.
  static Result<std::unique_ptr<KeyExchange>> from_private_key(wire::KeGroup group,
                                                               ByteView private_key);

  static bool is_supported(wire::KeGroup group) noexcept;
  /// Octets of the public value (the Key Exchange Data); 0 if unsupported.
  static std::size_t public_value_size(wire::KeGroup group) noexcept;
  /// Octets of g^ir; 0 if unsupported.
  static std::size_t shared_secret_size(wire::KeGroup group) noexcept;

  wire::KeGroup group() const noexcept { return group_; }
  /// This side's public value, in the wire format above.
  ByteView public_value() const noexcept { return public_value_; }

  /// g^ir from the peer's public value. Validates it first and fails with
  /// invalid_public_value and the exact reason when its length is not the
  /// group's, a MODP value is outside [2, p-2] (RFC 6989 2.1: enough for
  /// these safe-prime groups), an ECP value is not a point on the curve
  /// (RFC 6989 2.3; the identity has no x | y form), or an X25519/X448
  /// result is all-zero (RFC 7748 6).
  Result<SecretBytes> shared_secret(ByteView peer_public_value) const;

 protected:
  KeyExchange(wire::KeGroup group, Bytes public_value)
      : group_(group), public_value_(std::move(public_value)) {}
  /// Called with a value of the right length only.
  virtual Result<SecretBytes> derive(ByteView peer_public_value) const = 0;

 private:
  wire::KeGroup group_;
  Bytes public_value_;
};

}  // namespace ike::crypto
