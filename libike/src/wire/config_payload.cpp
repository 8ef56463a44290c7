// CP payload and its configuration attributes (RFC 7296 3.15, 3.15.1).

#include <string>

#include "ike/wire/payloads.hpp"
#include "ike/wire/reader.hpp"
#include "wire/codec_support.hpp"

namespace ike::wire {

using detail::bytes_text;
using detail::syntax_error;
using detail::too_short;

namespace {
constexpr std::string_view kWhere = "CP payload";
constexpr std::size_t kFixedSize = 4;  // CFG Type and RESERVED
constexpr std::size_t kAttributeHeaderSize = 4;
constexpr std::uint16_t kReservedBit = 0x8000;  // "R" of 3.15.1: ignored on receipt
}  // namespace

//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C| RESERVED    |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |   CFG Type    |                    RESERVED                   |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                   Configuration Attributes                    ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//                  Configuration Payload (RFC 7296 3.15)
//
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |R|         Attribute Type      |            Length             |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                                                               |
// ~                             Value                             ~
// |                                                               |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//                  Configuration Attribute (RFC 7296 3.15.1)
//
// The value is kept opaque: its expected length per attribute type (4 for
// INTERNAL_IP4_ADDRESS, 0 in a request, ...) is checked where it is used.
Result<ConfigPayload> ConfigPayload::decode(ByteView body) {
  if (body.size() < kFixedSize) return too_short(kWhere, body.size(), kFixedSize);
  Reader in(body);
  std::uint8_t cfg_type = 0;
  (void)in.u8(cfg_type), (void)in.skip(3);
  ConfigPayload cp;
  cp.cfg_type = static_cast<CfgType>(cfg_type);
  for (std::size_t index = 1; !in.empty(); ++index) {
    std::string what = "attribute " + std::to_string(index);
    if (in.remaining() < kAttributeHeaderSize) {
      return syntax_error(kWhere, what + ": " + bytes_text(in.remaining()) +
                                      " left, shorter than the 4-byte attribute header");
    }
    std::uint16_t type = 0, length = 0;
    (void)in.u16(type), (void)in.u16(length);
    ConfigAttribute attribute;
    attribute.type = static_cast<std::uint16_t>(type & ~kReservedBit);
    if (!in.copy(length, attribute.value)) {
      return syntax_error(kWhere, what + " (type " + std::to_string(attribute.type) + "): length " +
                                      std::to_string(length) + " overruns the payload (" +
                                      bytes_text(in.remaining()) + " left)");
    }
    cp.attributes.push_back(std::move(attribute));
  }
  return cp;
}

void ConfigPayload::encode(Writer& out) const {
  out.u8(static_cast<std::uint8_t>(cfg_type));
  out.zeros(3);
  for (const auto& attribute : attributes) {
    out.u16(static_cast<std::uint16_t>(attribute.type & ~kReservedBit));
    out.u16(static_cast<std::uint16_t>(attribute.value.size()));
    out.bytes(attribute.value);
  }
}

}  // namespace ike::wire
