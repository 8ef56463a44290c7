// EAP payload (RFC 7296 3.16; EAP header from RFC 3748 4).

#include <string>

#include "ike/wire/payloads.hpp"
#include "ike/wire/reader.hpp"
#include "wire/codec_support.hpp"

namespace ike::wire {

using detail::bytes_text;
using detail::syntax_error;
using detail::too_short;

//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                       EAP Message                             ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//                  EAP Payload (RFC 7296 3.16)
//
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |     Code      | Identifier    |           Length              |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |     Type      | Type_Data...
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//                  EAP Message Format (RFC 7296 3.16, RFC 3748 4)
Result<EapPayload> EapPayload::decode(ByteView body) {
  constexpr std::string_view kWhere = "EAP payload";
  constexpr std::size_t kHeaderSize = 4;
  if (body.size() < kHeaderSize) return too_short(kWhere, body.size(), kHeaderSize);
  Reader in(body);
  std::uint8_t code = 0, identifier = 0;
  std::uint16_t length = 0;
  (void)in.u8(code), (void)in.u8(identifier), (void)in.u16(length);
  if (length != body.size()) {
    return syntax_error(kWhere, "EAP Length " + std::to_string(length) + " does not match the " +
                                    bytes_text(body.size()) + " the payload carries");
  }
  // Requests (1) and responses (2) carry a Type octet (RFC 3748 4.1).
  if ((code == 1 || code == 2) && length < kHeaderSize + 1) {
    return syntax_error(kWhere, "EAP " + std::string(code == 1 ? "Request" : "Response") + " of " +
                                    bytes_text(length) + " has no Type");
  }
  return EapPayload{Bytes(body.begin(), body.end())};
}

void EapPayload::encode(Writer& out) const {
  out.bytes(message);
}

}  // namespace ike::wire
