// Notify and Delete payloads (RFC 7296 3.10, 3.11).

#include <string>

#include "ike/wire/payloads.hpp"
#include "ike/wire/reader.hpp"
#include "wire/codec_support.hpp"

namespace ike::wire {

using detail::bytes_text;
using detail::syntax_error;
using detail::too_short;

namespace {
constexpr std::size_t kFixedSize = 4;  // Protocol ID, SPI Size and a 16-bit field
constexpr std::size_t kEspAhSpiSize = 4;
}  // namespace

//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  Protocol ID  |   SPI Size    |      Notify Message Type      |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                Security Parameter Index (SPI)                 ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                       Notification Data                       ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//                  Notify Payload (RFC 7296 3.10)
Result<NotifyPayload> NotifyPayload::decode(ByteView body) {
  constexpr std::string_view kWhere = "N payload";
  if (body.size() < kFixedSize) return too_short(kWhere, body.size(), kFixedSize);
  Reader in(body);
  std::uint8_t protocol = 0, spi_size = 0;
  std::uint16_t type = 0;
  (void)in.u8(protocol), (void)in.u8(spi_size), (void)in.u16(type);
  std::string what = to_string(static_cast<NotifyType>(type));
  // RFC 7296 3.10: zero for the IKE SA (its SPIs are in the header), four
  // for ESP and AH; eight is the size of an IKE SPI.
  if (spi_size != 0 && spi_size != 4 && spi_size != 8) {
    return syntax_error(kWhere,
                        what + ": SPI size " + std::to_string(spi_size) + " (must be 0, 4 or 8)");
  }
  NotifyPayload notify;
  notify.protocol = static_cast<ProtocolId>(protocol);
  notify.type = static_cast<NotifyType>(type);
  if (!in.copy(spi_size, notify.spi)) {
    return syntax_error(kWhere, what + ": SPI size " + std::to_string(spi_size) +
                                    " overruns the payload (" + bytes_text(in.remaining()) +
                                    " left)");
  }
  auto data = in.rest();
  notify.data.assign(data.begin(), data.end());
  return notify;
}

void NotifyPayload::encode(Writer& out) const {
  out.u8(static_cast<std::uint8_t>(protocol));
  out.u8(static_cast<std::uint8_t>(spi.size()));
  out.u16(static_cast<std::uint16_t>(type));
  out.bytes(spi);
  out.bytes(data);
}

//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Protocol ID   |   SPI Size    |          Num of SPIs          |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~               Security Parameter Index(es) (SPI)              ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//                  Delete Payload (RFC 7296 3.11)
Result<DeletePayload> DeletePayload::decode(ByteView body) {
  constexpr std::string_view kWhere = "D payload";
  if (body.size() < kFixedSize) return too_short(kWhere, body.size(), kFixedSize);
  Reader in(body);
  std::uint8_t protocol = 0, spi_size = 0;
  std::uint16_t count = 0;
  (void)in.u8(protocol), (void)in.u8(spi_size), (void)in.u16(count);
  DeletePayload del;
  del.protocol = static_cast<ProtocolId>(protocol);
  del.spi_size = spi_size;
  // RFC 7296 3.11: SPI size zero and no SPIs for IKE (the SA is the one the
  // message belongs to), four for ESP and AH.
  std::string what = "protocol " + to_string(del.protocol);
  if (del.protocol == ProtocolId::ike) {
    if (spi_size != 0 || count != 0) {
      return syntax_error(kWhere, what + " with SPI size " + std::to_string(spi_size) + " and " +
                                      std::to_string(count) + " SPIs (must be 0 and 0)");
    }
  } else if (del.protocol == ProtocolId::esp || del.protocol == ProtocolId::ah) {
    if (spi_size != kEspAhSpiSize) {
      return syntax_error(kWhere,
                          what + " with SPI size " + std::to_string(spi_size) + " (must be 4)");
    }
  } else {
    return syntax_error(kWhere, what + " cannot be deleted (must be IKE, AH or ESP)");
  }
  if (in.remaining() != std::size_t{spi_size} * count) {
    return syntax_error(kWhere, std::to_string(count) + " SPIs of " + bytes_text(spi_size) +
                                    " do not fill the " + bytes_text(in.remaining()) + " left");
  }
  del.spis.reserve(count);  // bounded: the exact-fill check above ties count to the input
  for (std::uint16_t i = 0; i < count; ++i) {
    Bytes spi;
    (void)in.copy(spi_size, spi);
    del.spis.push_back(std::move(spi));
  }
  return del;
}

void DeletePayload::encode(Writer& out) const {
  out.u8(static_cast<std::uint8_t>(protocol));
  out.u8(spi_size);
  out.u16(static_cast<std::uint16_t>(spis.size()));
  for (const auto& spi : spis)
    out.bytes(spi);
}

}  // namespace ike::wire
