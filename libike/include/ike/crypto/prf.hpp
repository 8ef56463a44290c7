#pragma once
/// The pseudorandom functions of IKEv2 (RFC 7296 2.13, transform type 2) and
/// prf+, the expansion every key of an IKE SA and a CHILD SA comes from.

#include <cstddef>
#include <initializer_list>
#include <memory>

#include "ike/bytes.hpp"
#include "ike/crypto/secret_bytes.hpp"
#include "ike/error.hpp"
#include "ike/wire/types.hpp"

namespace ike::crypto {

/// One PRF algorithm, HMAC with SHA2-256, SHA2-384 or SHA2-512 (RFC 4868)
/// through OpenSSL's EVP_MAC. `create` fetches the MAC and the digest once;
/// create a `Prf` per algorithm at start-up and share it: copies are cheap
/// (they share the fetched objects) and every method is const and safe to call
/// from several threads at once.
class Prf {
 public:
  /// RFC 7296 2.13 limits prf+ to 255 iterations (the counter is one octet).
  static constexpr std::size_t kMaxPrfPlusBlocks = 255;

  /// Fails with unsupported_algorithm for anything but the HMAC-SHA2 PRFs.
  static Result<Prf> create(wire::PrfAlgorithm algorithm);
  static bool is_supported(wire::PrfAlgorithm algorithm) noexcept;

  wire::PrfAlgorithm algorithm() const noexcept;
  /// Octets per PRF output (32, 48 or 64).
  std::size_t output_size() const noexcept;
  /// The preferred key length, which sizes SK_d, SK_pi and SK_pr (RFC 7296
  /// 2.14); for HMAC PRFs the output size. HMAC itself accepts keys of any
  /// length, so nonce concatenations and shared secrets are used whole.
  std::size_t preferred_key_size() const noexcept;

  /// prf(key, data).
  Result<SecretBytes> compute(ByteView key, ByteView data) const;
  /// prf(key, part1 | part2 | ...), without building the concatenation (which
  /// may hold a secret such as g^ir).
  Result<SecretBytes> compute(ByteView key, std::initializer_list<ByteView> data) const;

  /// prf+(key, seed) truncated to `length` octets (RFC 7296 2.13):
  /// T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n). Fails with
  /// invalid_argument when `length` needs more than 255 blocks.
  Result<SecretBytes> prf_plus(ByteView key, ByteView seed, std::size_t length) const;
  /// prf+ with the seed given as the concatenation of `seed_parts`.
  Result<SecretBytes> prf_plus(ByteView key, std::initializer_list<ByteView> seed_parts,
                               std::size_t length) const;

  struct State;  ///< The fetched OpenSSL objects (prf.cpp).

 private:
  explicit Prf(std::shared_ptr<const State> state) : state_(std::move(state)) {}
  std::shared_ptr<const State> state_;
};

}  // namespace ike::crypto
