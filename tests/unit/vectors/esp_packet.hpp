#pragma once
// Opening an ESP packet of the full-chain capture, for the test that the
// CHILD SA keys libike derives protect the traffic strongSwan sent. libike
// has no ESP code (the kernel does ESP); this is the RFC 4303 layout around
// crypto::AeadCipher, which does the RFC 4106 AES-GCM work.

#include <cstdint>

#include "ike/bytes.hpp"
#include "ike/crypto/cipher_aead.hpp"
#include "ike/error.hpp"

namespace ike::vectors {

/// The content of one ESP packet (RFC 4303 2).
struct EspPlaintext {
  std::uint32_t spi = 0;
  std::uint32_t sequence = 0;
  /// Payload Data: the inner IP packet in tunnel mode.
  Bytes payload;
  /// The padding octets as received (RFC 4303 2.4: 1, 2, 3, ... by default).
  Bytes padding;
  /// 4 = IPv4 in tunnel mode (RFC 4303 2.6, IANA protocol numbers).
  std::uint8_t next_header = 0;
};

/// Opens `packet` (SPI | Sequence Number | IV | ciphertext | ICV) with an
/// AEAD cipher keyed with one direction's key and salt, 32-bit sequence
/// numbers: the associated data is SPI | Sequence Number (RFC 4106 5), the
/// nonce salt | IV (RFC 4106 4), and the decrypted text ends with Padding,
/// Pad Length and Next Header (RFC 4303 2.4-2.6). invalid_syntax when the
/// packet or the trailer does not fit, integrity_check_failed when the ICV
/// does not verify.
Result<EspPlaintext> open_esp(crypto::AeadCipher& cipher, ByteView packet);

/// The Internet checksum (RFC 1071) of `data`: 0 when a header or message
/// that includes its checksum field is intact.
std::uint16_t internet_checksum(ByteView data);

}  // namespace ike::vectors
