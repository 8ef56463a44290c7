#pragma once
/// The algorithms ikev2d negotiates, one row per strongSwan proposal keyword
/// ("aes256gcm16", "prfsha384", "x25519"), with the transform it stands for
/// (type, IANA id, Key Length attribute), the name strongSwan prints in status
/// output ("AES_GCM_16_256") and its grade in RFC 8247 (IKE) and RFC 8221
/// (ESP). Keywords strongSwan knows but ikev2d does not implement (3des,
/// modp1536, aes128ctr, ...) are recognised only to give a precise error.
///
/// Which algorithms we propose when the configuration says nothing is not
/// decided here but in defaults.hpp.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "ike/wire/types.hpp"

namespace ike::proposal {

/// Requirement levels of RFC 8247 2 / RFC 8221 4 (a "+" means likely to be
/// raised, a "-" likely to be lowered in a future revision). `not_graded`
/// is for transforms the document does not list for that protocol (a PRF in
/// ESP, ESN in IKE).
enum class Requirement : std::uint8_t {
  must_not,
  should_not,
  must_minus,
  may,
  should,
  should_plus,
  must,
  not_graded,
};

/// "MUST", "SHOULD+", "MUST-", "SHOULD NOT", ..., "-" for not_graded.
std::string_view name(Requirement requirement) noexcept;

/// One supported transform.
struct AlgorithmInfo {
  /// The canonical keyword, as written back by to_string().
  std::string_view keyword;
  wire::TransformType type = wire::TransformType::encryption;
  /// IANA Transform ID in the registry of `type`.
  std::uint16_t id = 0;
  /// Value of the Key Length attribute in bits (RFC 7296 3.3.5), 0 when the
  /// transform is sent without one (everything but AES).
  std::uint16_t key_bits = 0;
  /// strongSwan's status name: "AES_CBC_128", "HMAC_SHA2_256_128",
  /// "PRF_HMAC_SHA2_384", "CURVE_25519", "NO_EXT_SEQ".
  std::string_view status_name;
  /// Grade for IKE SAs (RFC 8247 3.1-3.4).
  Requirement ike = Requirement::not_graded;
  /// Grade for ESP (RFC 8221 5-6; RFC 8221 does not grade key exchange
  /// groups, so for PFS the RFC 8247 grade is repeated).
  Requirement esp = Requirement::not_graded;
  /// Combined-mode cipher: no separate integrity transform (RFC 7296 3.3).
  bool aead = false;

  /// Weaker than MAY in every protocol it is graded for (sha1, prfsha1,
  /// modp1024): accepted when configured explicitly, never by default, and
  /// the parser warns about it.
  bool legacy() const noexcept;
};

/// Every supported algorithm, grouped by transform type in the order
/// encryption, integrity, PRF, key exchange, ESN.
std::span<const AlgorithmInfo> algorithm_catalogue() noexcept;

/// Looks up a keyword or one of strongSwan's aliases ("aes" = "aes128",
/// "aes128gcm128" = "aes128gcm16", "sha2_256" = "sha256", "curve25519" =
/// "x25519", "sha" = "sha1"). `keyword` must already be lower case.
/// nullptr when unknown.
const AlgorithmInfo* find_keyword(std::string_view keyword) noexcept;

/// True for keywords strongSwan accepts but ikev2d does not implement
/// ("3des", "modp1536", "aes128ctr", "aesxcbc", ...).
bool is_known_unsupported_keyword(std::string_view keyword) noexcept;

/// The catalogue entry for a transform, nullptr when ikev2d does not support
/// it (unknown id, or a Key Length that does not fit the algorithm, e.g.
/// AES-CBC with 64 bits or ChaCha20-Poly1305 with any Key Length).
const AlgorithmInfo* find_algorithm(wire::TransformType type, std::uint16_t id,
                                    std::uint16_t key_bits) noexcept;

/// strongSwan-style name of any transform, supported or not: the catalogue's
/// status name when supported, else the IANA name in strongSwan's spelling
/// ("AES_CTR_128", "MODP_1536", "NONE" for integrity/KE id 0), else
/// "UNKNOWN_<type>_<id>[_<key_bits>]" (the shape strongSwan prints).
std::string transform_status_name(wire::TransformType type, std::uint16_t id,
                                  std::uint16_t key_bits);

}  // namespace ike::proposal
