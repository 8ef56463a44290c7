#pragma once
// Where the SK or SKF payload sits in a received datagram. Private to
// src/wire/protection: found by walking the generic payload headers with the
// Reader, so the protection layer needs nothing from the message decoder.

#include <cstddef>
#include <cstdint>

#include "ike/bytes.hpp"
#include "ike/error.hpp"
#include "ike/wire/header.hpp"
#include "ike/wire/types.hpp"

namespace ike::wire::detail {

inline constexpr std::size_t kGenericHeaderSize = 4;
/// Fragment Number and Total Fragments after SKF's generic header (RFC 7383 2.5).
inline constexpr std::size_t kFragmentFieldsSize = 4;

struct ProtectedLayout {
  IkeHeader header;
  /// SK or SKF.
  PayloadType type = PayloadType::encrypted;
  /// The protected payload's Next Payload field: the first inner payload.
  PayloadType first_inner = PayloadType::none;
  /// Offset of the protected payload's generic header.
  std::size_t payload_offset = 0;
  /// Offset of the IV: everything before it is associated data (RFC 5282
  /// 5.1, RFC 7383 2.5) and, with the IV and ciphertext, covered by the HMAC
  /// (RFC 7296 3.14).
  std::size_t iv_offset = 0;
  /// SKF only (RFC 7383 2.5); 1 of 1 for SK.
  std::uint16_t fragment_number = 1;
  std::uint16_t total_fragments = 1;
};

/// Parses the IKE header, checks its Length against the datagram, walks the
/// payloads in clear to the SK or SKF payload and checks that it is the last
/// one and that its fragment fields are consistent. invalid_syntax (or
/// invalid_major_version) with the exact reason otherwise.
Result<ProtectedLayout> locate_protected_payload(ByteView datagram);

}  // namespace ike::wire::detail
