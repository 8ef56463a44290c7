// IDi/IDr and AUTH payloads (RFC 7296 3.5, 3.8).

#include <string>

#include "ike/wire/payloads.hpp"
#include "ike/wire/reader.hpp"
#include "wire/codec_support.hpp"

namespace ike::wire {

using detail::bytes_text;
using detail::syntax_error;
using detail::too_short;

namespace {
// The fixed part of both: a one-byte type and three reserved bytes.
constexpr std::size_t kTypeAndReserved = 4;
}  // namespace

//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |   ID Type     |                 RESERVED                      |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                   Identification Data                         ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//                  Identification Payload (RFC 7296 3.5)
Result<IdPayload> IdPayload::decode(ByteView body) {
  constexpr std::string_view kWhere = "ID payload";
  if (body.size() < kTypeAndReserved) return too_short(kWhere, body.size(), kTypeAndReserved);
  IdPayload id;
  id.id_type = static_cast<IdType>(body[0]);
  auto data = body.subspan(kTypeAndReserved);
  // Address identities have a fixed size (RFC 7296 3.5); others are checked
  // by the authentication layer that interprets them.
  std::size_t expected = id.id_type == IdType::ipv4_addr   ? 4
                         : id.id_type == IdType::ipv6_addr ? 16
                                                           : 0;
  if (expected != 0 && data.size() != expected) {
    return syntax_error(kWhere, to_string(id.id_type) + " data of " + bytes_text(data.size()) +
                                    " (must be " + std::to_string(expected) + ")");
  }
  if (data.empty()) return syntax_error(kWhere, "identification data is empty");
  id.data.assign(data.begin(), data.end());
  return id;
}

void IdPayload::encode(Writer& out) const {
  out.u8(static_cast<std::uint8_t>(id_type));
  out.zeros(3);
  out.bytes(data);
}

//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Auth Method   |                RESERVED                       |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                      Authentication Data                      ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//                  Authentication Payload (RFC 7296 3.8)
Result<AuthPayload> AuthPayload::decode(ByteView body) {
  constexpr std::string_view kWhere = "AUTH payload";
  if (body.size() < kTypeAndReserved) return too_short(kWhere, body.size(), kTypeAndReserved);
  AuthPayload auth;
  auth.method = static_cast<AuthMethod>(body[0]);
  auto data = body.subspan(kTypeAndReserved);
  // Neither a MAC nor a signature is ever empty.
  if (data.empty()) return syntax_error(kWhere, "authentication data is empty");
  auth.data.assign(data.begin(), data.end());
  return auth;
}

void AuthPayload::encode(Writer& out) const {
  out.u8(static_cast<std::uint8_t>(method));
  out.zeros(3);
  out.bytes(data);
}

}  // namespace ike::wire
