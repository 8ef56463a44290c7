#pragma once
/// The Encrypted payload (SK, RFC 7296 3.14) and Encrypted Fragment payload
/// (SKF, RFC 7383 2.5) of one direction of an IKE SA.
///
///                      1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Next Payload  |C|  RESERVED   |         Payload Length        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |        Fragment Number        |        Total Fragments        |  (SKF only)
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                     Initialization Vector                     |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ~                    Encrypted IKE Payloads                     ~
/// +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |               |             Padding (0-255 octets)            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                                               |  Pad Length   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ~                    Integrity Checksum Data                    ~
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///
/// What is protected how:
///   - AEAD (RFC 5282 5.1, RFC 7634 4): the associated data is the message
///     from the first octet of the IKE header through the end of the SK
///     header (through Total Fragments for SKF, RFC 7383 2.5), i.e. all
///     octets before the IV; the IV is not associated data but enters the
///     nonce (salt || IV); the ICV is the AEAD tag over associated data and
///     ciphertext. Padding may be empty.
///   - AES-CBC + HMAC (RFC 7296 3.14): the ICV is the truncated HMAC of the
///     whole message from the IKE header through the Pad Length (IV and
///     ciphertext included); the plaintext is padded to the 16-byte block.
///
/// Works on raw bytes: `open` parses the IKE header and walks the payloads in
/// clear itself, so it does not depend on the message decoder. The ICV is
/// verified before anything is decrypted or interpreted.
///
/// An SkProtection keeps keyed OpenSSL contexts that every call reuses, so it
/// is not thread-safe: an IKE SA owns two (outbound keys for seal, inbound
/// keys for open) on the shard that owns the SA. IVs come from the injected
/// RandomSource (random 8-byte IVs for AEAD, 16-byte for CBC).

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ike/bytes.hpp"
#include "ike/crypto/cipher_algorithms.hpp"
#include "ike/crypto/cipher_authenticated.hpp"
#include "ike/crypto/cipher_description.hpp"
#include "ike/error.hpp"
#include "ike/random.hpp"
#include "ike/wire/header.hpp"
#include "ike/wire/types.hpp"

namespace ike::wire {

/// The decrypted content of a received SK payload.
struct OpenedMessage {
  /// The IKE header as received (Next Payload is the first payload in clear,
  /// normally SK).
  IkeHeader header;
  /// SK's Next Payload field: the type of the first inner payload.
  PayloadType first_inner = PayloadType::none;
  /// The inner payload chain, padding and Pad Length removed; feed it to
  /// decode_payload_chain(first_inner, inner_chain).
  Bytes inner_chain;
};

/// The decrypted content of one received SKF payload.
struct OpenedFragment {
  IkeHeader header;
  /// SKF's Next Payload field: the first inner payload type in fragment 1,
  /// 0 in the others (RFC 7383 2.5; not enforced on receipt).
  PayloadType first_inner = PayloadType::none;
  std::uint16_t number = 1;
  std::uint16_t total = 1;
  /// This fragment's part of the inner chain, padding removed.
  Bytes inner_part;
};

class SkProtection {
 public:
  /// Keys one direction: `encryption_key` is SK_ei or SK_er (with the 4-byte
  /// salt at the end for AEAD), `integrity_key` SK_ai or SK_ar (empty for
  /// AEAD). Sizes must match `suite` (invalid_argument otherwise).
  static Result<SkProtection> create(const crypto::CipherAlgorithms& algorithms,
                                     const crypto::SuiteDescription& suite, ByteView encryption_key,
                                     ByteView integrity_key);

  explicit SkProtection(crypto::AuthenticatedCipher cipher) : cipher_(std::move(cipher)) {}

  const crypto::SuiteDescription& suite() const noexcept { return cipher_.suite(); }

  /// Size of the datagram seal() makes from `inner_size` bytes of inner
  /// payloads (minimal padding).
  std::size_t sealed_size(std::size_t inner_size) const noexcept;

  /// Builds a whole protected message: `header` with Next Payload = SK and
  /// Length patched, the SK generic header (Next Payload = `first_inner`,
  /// critical bit 0), a fresh IV from `random`, the encrypted
  /// inner_chain || padding || Pad Length, and the ICV. invalid_argument when
  /// the SK payload would exceed its 16-bit length (fragment instead).
  Result<Bytes> seal(IkeHeader header, PayloadType first_inner, ByteView inner_chain,
                     RandomSource& random);

  /// Verifies and decrypts a received message whose last payload is SK.
  /// invalid_syntax for structural faults (header Length, payload lengths,
  /// body shorter than IV + ICV + Pad Length, ciphertext not whole blocks, a
  /// Pad Length larger than the plaintext before it, an SKF instead of SK),
  /// integrity_check_failed when the ICV does not verify (RFC 7296 2.21.2:
  /// drop silently). Nothing is decrypted before the ICV has verified.
  Result<OpenedMessage> open(ByteView datagram);

  /// Splits `inner_chain` into SKF messages of at most `max_message_size`
  /// bytes each (RFC 7383 2.5.1; the caller subtracts IP, UDP and non-ESP
  /// marker from the path MTU, see fragmentation.hpp). Every fragment carries
  /// `header` (Next Payload = SKF, its own Length), Fragment Number 1..N and
  /// Total Fragments N, the first inner type in fragment 1 and 0 after, and
  /// is sealed on its own with its own IV. invalid_argument when
  /// `max_message_size` leaves no room for content or more than 65535
  /// fragments would be needed.
  Result<std::vector<Bytes>> seal_fragments(IkeHeader header, PayloadType first_inner,
                                            ByteView inner_chain, std::size_t max_message_size,
                                            RandomSource& random);

  /// Verifies and decrypts one received SKF message; same checks as open(),
  /// plus 1 <= Fragment Number <= Total Fragments.
  Result<OpenedFragment> open_fragment(ByteView datagram);

  /// The most inner-chain bytes one SKF message of `max_message_size` bytes
  /// can carry, 0 when none fit.
  std::size_t fragment_capacity(std::size_t max_message_size) const noexcept;

 private:
  struct Opened;
  Result<Bytes> seal_one(IkeHeader header, PayloadType type, PayloadType first_inner,
                         std::uint16_t number, std::uint16_t total, ByteView inner,
                         RandomSource& random);
  Result<Opened> open_one(ByteView datagram, PayloadType expected);
  /// Ciphertext size for `inner_size` bytes: inner + padding + Pad Length,
  /// rounded up to the block size.
  std::size_t padded_size(std::size_t inner_size) const noexcept;

  crypto::AuthenticatedCipher cipher_;
};

}  // namespace ike::wire
