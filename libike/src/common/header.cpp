#include "ike/wire/header.hpp"

#include <string>

namespace ike::wire {

Result<IkeHeader> IkeHeader::decode(Reader& in) {
  if (in.remaining() < kSize) {
    return make_error(Errc::invalid_syntax, "IKE header: message of " +
                                                std::to_string(in.remaining()) +
                                                " bytes is shorter than the 28-byte header");
  }
  IkeHeader header;
  std::uint8_t next = 0, version = 0, exchange = 0;
  // The size check above covers every read below.
  (void)in.u64(header.spi_initiator);
  (void)in.u64(header.spi_responder);
  (void)in.u8(next);
  (void)in.u8(version);
  (void)in.u8(exchange);
  (void)in.u8(header.flags);
  (void)in.u32(header.message_id);
  (void)in.u32(header.length);
  header.next_payload = static_cast<PayloadType>(next);
  header.major_version = version >> 4;
  header.minor_version = version & 0x0f;
  header.exchange = static_cast<ExchangeType>(exchange);
  if (header.major_version != 2) {
    return make_error(Errc::invalid_major_version, "IKE header: major version " +
                                                       std::to_string(header.major_version) +
                                                       " (only 2 is spoken)");
  }
  return header;
}

void IkeHeader::encode(Writer& out) const {
  out.u64(spi_initiator);
  out.u64(spi_responder);
  out.u8(static_cast<std::uint8_t>(next_payload));
  out.u8(static_cast<std::uint8_t>(major_version << 4 | (minor_version & 0x0f)));
  out.u8(static_cast<std::uint8_t>(exchange));
  out.u8(flags);
  out.u32(message_id);
  out.u32(length);
}

}  // namespace ike::wire
