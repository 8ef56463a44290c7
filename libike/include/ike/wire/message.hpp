#pragma once
/// Whole IKE messages and payload chains (RFC 7296 3.1, 3.2, 3.14; RFC 7383
/// 2.5): the generic payload header of every payload is written and checked
/// here, the bodies by the types of payloads.hpp.
///
/// Decoding order for an incoming datagram (see DESIGN.md "untrusted input in
/// a fixed order"): decode_message (structure), check_exchange_rules with no
/// inner chain (exchange_rules.hpp), cookie/DoS gate, decrypt the SK body
/// (protection layer), decode_payload_chain(sk.first_inner, plaintext),
/// check_exchange_rules again with the inner chain, then semantics.
///
/// For the protection layer: SK/SKF is always the last payload, so its body is
/// the last `body.size()` bytes of the datagram and everything before it
/// (header, payloads in clear, SK's generic header) is the associated data.
/// To build a protected message, encode_message() with an SK body of the final
/// size (IV + ciphertext + ICV) and overwrite that tail in place.

#include <cstddef>
#include <optional>
#include <variant>
#include <vector>

#include "ike/bytes.hpp"
#include "ike/error.hpp"
#include "ike/wire/header.hpp"
#include "ike/wire/payloads.hpp"
#include "ike/wire/types.hpp"

namespace ike::wire {

/// Size of the generic payload header (Next Payload, C, RESERVED, Length).
inline constexpr std::size_t kGenericPayloadHeaderSize = 4;
/// The largest body a payload can carry: Payload Length is 16 bits.
inline constexpr std::size_t kMaxPayloadBodySize = 0xffff - kGenericPayloadHeaderSize;

/// The body of `payload` as `Body`, or nullptr when it holds another type.
template <class Body>
const Body* body_as(const Payload& payload) noexcept {
  return std::get_if<Body>(&payload.body);
}
template <class Body>
Body* body_as(Payload& payload) noexcept {
  return std::get_if<Body>(&payload.body);
}

/// The first payload of `type` in `payloads`, or nullptr.
const Payload* find_payload(const std::vector<Payload>& payloads, PayloadType type) noexcept;

/// How many payloads of `type` `payloads` holds.
std::size_t count_payloads(const std::vector<Payload>& payloads, PayloadType type) noexcept;

/// The body of the first payload of `type` if it holds a `Body`, e.g.
/// find_body<IdPayload>(inner, PayloadType::id_responder).
template <class Body>
const Body* find_body(const std::vector<Payload>& payloads, PayloadType type) noexcept {
  const Payload* payload = find_payload(payloads, type);
  return payload ? body_as<Body>(*payload) : nullptr;
}

/// Every body of payloads of `type` that holds a `Body`, in chain order
/// (all CERT payloads, all notifies, ...).
template <class Body>
std::vector<const Body*> find_all_bodies(const std::vector<Payload>& payloads, PayloadType type) {
  std::vector<const Body*> out;
  for (const auto& payload : payloads) {
    if (payload.type != type) continue;
    if (const Body* body = body_as<Body>(payload)) out.push_back(body);
  }
  return out;
}

/// The first Notify of `type`, or nullptr.
const NotifyPayload* find_notify(const std::vector<Payload>& payloads, NotifyType type) noexcept;

/// The first Notify whose type reports an error (below 16384, RFC 7296
/// 3.10.1), or nullptr.
const NotifyPayload* find_error_notify(const std::vector<Payload>& payloads) noexcept;

/// A Notify payload ready to add to a chain, with the critical bit clear.
Payload make_notify(NotifyType type, Bytes data = {}, ProtocolId protocol = ProtocolId::none,
                    Bytes spi = {});

/// A decoded IKE message: the header and the payloads in clear. An SK or SKF
/// payload, if any, is the last one and still encrypted.
struct Message {
  IkeHeader header;
  std::vector<Payload> payloads;

  /// The first payload of `type` in clear, or nullptr.
  const Payload* first(PayloadType type) const noexcept { return find_payload(payloads, type); }
  /// Typed access to the first payload of `type`, or nullptr.
  template <class Body>
  const Body* first_body(PayloadType type) const noexcept {
    return find_body<Body>(payloads, type);
  }
  /// The first Notify of `type` in clear, or nullptr.
  const NotifyPayload* find_notify(NotifyType type) const noexcept {
    return wire::find_notify(payloads, type);
  }
  /// The SK payload, or nullptr.
  const EncryptedPayload* encrypted() const noexcept {
    return first_body<EncryptedPayload>(PayloadType::encrypted);
  }
  /// The SKF payload, or nullptr.
  const EncryptedFragmentPayload* encrypted_fragment() const noexcept {
    return first_body<EncryptedFragmentPayload>(PayloadType::encrypted_fragment);
  }

  friend bool operator==(const Message&, const Message&) = default;
};

/// Decodes one IKE message from a UDP datagram (the non-ESP marker already
/// removed). Checks the header (invalid_major_version when MjVer is not 2),
/// that the header Length equals the datagram size, then walks the chain from
/// the header's Next Payload: every generic Length at least 4 and within what
/// is left, every known body decoded strictly, no bytes after the last payload.
/// An unknown type with the critical bit set fails with
/// unsupported_critical_payload and Error::payload_type set to that type; an
/// unknown non-critical one becomes an UnknownPayload (RFC 7296 2.5). SK and
/// SKF must be the last payload; their Next Payload is stored as first_inner.
/// Every other failure is invalid_syntax with a reason naming the payload.
Result<Message> decode_message(ByteView datagram);

/// Decodes a chain that starts with a payload of type `first` and fills
/// `chain` exactly: the decrypted content of SK (first = SK's first_inner).
/// Same checks as decode_message; an SK or SKF payload inside is invalid.
/// `first == PayloadType::none` with an empty chain is an empty list.
Result<std::vector<Payload>> decode_payload_chain(PayloadType first, ByteView chain);

/// Encodes `payloads` as a chain: each generic header gets the next payload's
/// type (0 after the last), the critical bit, zero reserved bits and the
/// length. An SK/SKF payload writes its first_inner as Next Payload and must
/// be last. The type of the first payload is not in the bytes: it goes into
/// the IKE header or SK's first_inner (see chain_first_type).
/// Precondition: check_encodable(payloads) holds (asserted for lengths).
Bytes encode_payload_chain(const std::vector<Payload>& payloads);

/// Encodes a whole message: `header` with Next Payload set to the first
/// payload's type and Length set to the total size, then the chain.
Bytes encode_message(IkeHeader header, const std::vector<Payload>& payloads);

/// The type to announce for a chain: its first payload's type, or none.
inline PayloadType chain_first_type(const std::vector<Payload>& payloads) noexcept {
  return payloads.empty() ? PayloadType::none : payloads.front().type;
}

/// Whether `payload.body` holds the alternative that `payload.type` calls for
/// (IDi/IDr -> IdPayload, SK -> EncryptedPayload, unknown types -> UnknownPayload
/// with the same raw type, ...).
bool body_matches_type(const Payload& payload) noexcept;

/// Checks that `payloads` can be sent and read back unchanged: every body
/// matches its type, fits in a payload (kMaxPayloadBodySize), respects the
/// limits of the wire (SPI sizes, counts, lengths), SK/SKF only last, and
/// decoding the encoded chain yields `payloads` again. invalid_argument with
/// the reason otherwise. For tests and debug builds of tasks; costs one
/// encode and one decode.
Status check_encodable(const std::vector<Payload>& payloads);

/// Reads the 28 header octets without judging them (any major version, any
/// Length), or nullopt when the datagram is shorter: what a responder needs
/// to answer INVALID_MAJOR_VERSION or INVALID_SYNTAX to a message that
/// decode_message refused.
std::optional<IkeHeader> peek_header(ByteView datagram) noexcept;

/// The body of the first payload of `type` in the clear chain of a
/// datagram, found by following generic payload headers only (RFC 7296
/// 3.2), without decoding any payload: the cookie gate's view of an
/// IKE_SA_INIT request, which must cost little per request under a flood.
/// nullopt when no such payload comes before the chain ends, or when a
/// length does not fit (the full decoder then says why). `first_only`
/// looks at the first payload alone.
std::optional<ByteView> peek_payload_body(ByteView datagram, PayloadType type,
                                          bool first_only = false) noexcept;

/// The Notify to answer a request that failed to decode with (RFC 7296 2.21):
/// unsupported_critical_payload -> UNSUPPORTED_CRITICAL_PAYLOAD carrying the
/// one-byte payload type, invalid_major_version -> INVALID_MAJOR_VERSION (sent
/// with version 2.0 in the header, RFC 7296 2.5), anything else ->
/// INVALID_SYNTAX. Whether to answer at all is the caller's decision: never
/// answer a response, and drop silently what fails integrity (RFC 7296 2.21.2).
NotifyPayload notify_for_error(const Error& error);

}  // namespace ike::wire
