// TSi / TSr payload and its traffic selectors (RFC 7296 3.13, 3.13.1).

#include <string>

#include "ike/wire/payloads.hpp"
#include "ike/wire/reader.hpp"
#include "wire/codec_support.hpp"

namespace ike::wire {
namespace {

using detail::bounded_reserve;
using detail::bytes_text;
using detail::syntax_error;
using detail::too_short;

constexpr std::string_view kWhere = "TS payload";
constexpr std::size_t kFixedSize = 4;           // Number of TSs and RESERVED
constexpr std::size_t kSelectorHeaderSize = 4;  // TS Type, IP Protocol ID, Selector Length
constexpr std::size_t kIpv4SelectorSize = 16;   // RFC 7296 3.13.1
constexpr std::size_t kIpv6SelectorSize = 40;

/// The Selector Length a TS type requires, or 0 when libike does not know the type.
std::size_t selector_size(TsType type) {
  switch (type) {
    case TsType::ipv4_addr_range:
      return kIpv4SelectorSize;
    case TsType::ipv6_addr_range:
      return kIpv6SelectorSize;
  }
  return 0;
}

//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |   TS Type     |IP Protocol ID*|       Selector Length         |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |           Start Port*         |           End Port*           |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                         Starting Address*                     ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                         Ending Address*                       ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//                  Traffic Selector (RFC 7296 3.13.1)
//
// Start <= end is a semantic matter for the narrowing layer, not checked here.
Result<TrafficSelector> decode_selector(Reader& in, const std::string& what) {
  if (in.remaining() < kSelectorHeaderSize) {
    return syntax_error(kWhere, what + ": " + bytes_text(in.remaining()) +
                                    " left, shorter than the 4-byte selector header");
  }
  std::uint8_t type = 0;
  std::uint16_t length = 0;
  TrafficSelector selector;
  (void)in.u8(type), (void)in.u8(selector.ip_protocol), (void)in.u16(length);
  selector.type = static_cast<TsType>(type);
  std::size_t required = selector_size(selector.type);
  if (required != 0 && length != required) {
    return syntax_error(kWhere, what + ": " + to_string(selector.type) + " selector length " +
                                    std::to_string(length) + " (must be " +
                                    std::to_string(required) + ")");
  }
  if (length < kSelectorHeaderSize) {
    return syntax_error(kWhere, what + ": selector length " + std::to_string(length) +
                                    " is below the 4-byte minimum");
  }
  ByteView rest;
  if (!in.view(length - kSelectorHeaderSize, rest)) {
    return syntax_error(kWhere, what + ": selector length " + std::to_string(length) +
                                    " overruns the payload (" +
                                    bytes_text(in.remaining() + kSelectorHeaderSize) + " left)");
  }
  if (required == 0) {
    // An unknown TS type (e.g. RFC 9478 TS_SECLABEL): kept opaque, so the
    // narrowing layer can refuse it with TS_UNACCEPTABLE instead of the
    // whole message failing with INVALID_SYNTAX.
    selector.opaque.assign(rest.begin(), rest.end());
    return selector;
  }
  Reader fields(rest);
  std::size_t address_size = (required - 8) / 2;
  // The exact length check above covers every read below.
  (void)fields.u16(selector.start_port), (void)fields.u16(selector.end_port);
  (void)fields.copy(address_size, selector.start_address);
  (void)fields.copy(address_size, selector.end_address);
  return selector;
}

void encode_selector(Writer& out, const TrafficSelector& selector) {
  out.u8(static_cast<std::uint8_t>(selector.type));
  out.u8(selector.ip_protocol);
  std::size_t length_at = out.placeholder_u16();
  std::size_t start = length_at - 2;
  if (selector_size(selector.type) == 0) {
    out.bytes(selector.opaque);
  } else {
    out.u16(selector.start_port);
    out.u16(selector.end_port);
    out.bytes(selector.start_address);
    out.bytes(selector.end_address);
  }
  out.patch_u16(length_at, static_cast<std::uint16_t>(out.size() - start));
}

}  // namespace

//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Number of TSs |                 RESERVED                      |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                       <Traffic Selectors>                     ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//                  Traffic Selector Payload (RFC 7296 3.13)
Result<TsPayload> TsPayload::decode(ByteView body) {
  if (body.size() < kFixedSize) return too_short(kWhere, body.size(), kFixedSize);
  Reader in(body);
  std::uint8_t declared = 0;
  (void)in.u8(declared), (void)in.skip(3);
  if (declared == 0) return syntax_error(kWhere, "Number of TSs is 0");
  TsPayload ts;
  ts.selectors.reserve(bounded_reserve(declared, in.remaining(), kSelectorHeaderSize));
  std::size_t index = 0;
  while (!in.empty()) {
    ++index;
    if (index > declared) {
      return syntax_error(kWhere, "Number of TSs is " + std::to_string(declared) + " but " +
                                      bytes_text(in.remaining()) + " follow selector " +
                                      std::to_string(declared));
    }
    auto selector = decode_selector(in, "selector " + std::to_string(index));
    if (!selector) return std::move(selector).error();
    ts.selectors.push_back(std::move(selector).value());
  }
  if (index != declared) {
    return syntax_error(kWhere, "Number of TSs is " + std::to_string(declared) +
                                    " but the payload holds " + std::to_string(index));
  }
  return ts;
}

void TsPayload::encode(Writer& out) const {
  out.u8(static_cast<std::uint8_t>(selectors.size()));
  out.zeros(3);
  for (const auto& selector : selectors)
    encode_selector(out, selector);
}

}  // namespace ike::wire
