// KE and Nonce payloads (RFC 7296 3.4, 3.9).

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
// |   Diffie-Hellman Group Num    |           RESERVED            |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                       Key Exchange Data                       ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//                  Key Exchange Payload (RFC 7296 3.4)
Result<KePayload> KePayload::decode(ByteView body) {
  constexpr std::string_view kWhere = "KE payload";
  constexpr std::size_t kFixed = 4;
  if (body.size() < kFixed) return too_short(kWhere, body.size(), kFixed);
  Reader in(body);
  std::uint16_t group = 0;
  (void)in.u16(group), (void)in.skip(2);
  if (in.empty()) {
    // Every group has a public value of at least 32 bytes; an empty one is
    // never well-formed. The exact size per group is checked by the crypto layer.
    return syntax_error(kWhere,
                        "key exchange data for group " + std::to_string(group) + " is empty");
  }
  KePayload ke;
  ke.group = static_cast<KeGroup>(group);
  auto data = in.rest();
  ke.data.assign(data.begin(), data.end());
  return ke;
}

void KePayload::encode(Writer& out) const {
  out.u16(static_cast<std::uint16_t>(group));
  out.u16(0);
  out.bytes(data);
}

//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                            Nonce Data                         ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//                  Nonce Payload (RFC 7296 3.9)
Result<NoncePayload> NoncePayload::decode(ByteView body) {
  // RFC 7296 3.9: "The size of the Nonce Data MUST be between 16 and 256 octets."
  if (body.size() < NoncePayload::kMinSize || body.size() > NoncePayload::kMaxSize) {
    return syntax_error("Nonce payload",
                        "nonce of " + bytes_text(body.size()) + " is outside 16..256 bytes");
  }
  return NoncePayload{Bytes(body.begin(), body.end())};
}

void NoncePayload::encode(Writer& out) const {
  out.bytes(data);
}

}  // namespace ike::wire
