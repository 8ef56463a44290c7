// Whole messages: header plus payload chain (RFC 7296 3.1, 3.2), and the
// notify that answers a message that failed to decode (RFC 7296 2.21).

#include "ike/wire/message.hpp"

#include <string>

#include "ike/wire/reader.hpp"
#include "ike/wire/writer.hpp"
#include "wire/codec_support.hpp"
#include "wire/payload_chain.hpp"

namespace ike::wire {

Result<Message> decode_message(ByteView datagram) {
  Reader in(datagram);
  auto header = IkeHeader::decode(in);
  if (!header) return std::move(header).error();
  if (header->length != datagram.size()) {
    return make_error(Errc::invalid_syntax, "IKE header: Length " + std::to_string(header->length) +
                                                " does not match the datagram of " +
                                                detail::bytes_text(datagram.size()));
  }
  auto payloads = detail::decode_chain(header->next_payload, in.rest(), /*allow_encrypted=*/true);
  if (!payloads) return std::move(payloads).error();
  return Message{std::move(header).value(), std::move(payloads).value()};
}

Bytes encode_message(IkeHeader header, const std::vector<Payload>& payloads) {
  header.next_payload = chain_first_type(payloads);
  Bytes chain = encode_payload_chain(payloads);
  header.length = static_cast<std::uint32_t>(IkeHeader::kSize + chain.size());
  Bytes bytes;
  bytes.reserve(header.length);
  Writer out(bytes);
  header.encode(out);
  out.bytes(chain);
  return bytes;
}

std::optional<IkeHeader> peek_header(ByteView datagram) noexcept {
  Reader in(datagram);
  if (in.remaining() < IkeHeader::kSize) return std::nullopt;
  IkeHeader header;
  std::uint8_t next = 0, version = 0, exchange = 0;
  // The size check above covers every read below.
  (void)in.u64(header.spi_initiator), (void)in.u64(header.spi_responder);
  (void)in.u8(next), (void)in.u8(version), (void)in.u8(exchange), (void)in.u8(header.flags);
  (void)in.u32(header.message_id), (void)in.u32(header.length);
  header.next_payload = static_cast<PayloadType>(next);
  header.major_version = version >> 4;
  header.minor_version = version & 0x0f;
  header.exchange = static_cast<ExchangeType>(exchange);
  return header;
}

std::optional<ByteView> peek_payload_body(ByteView datagram, PayloadType type,
                                          bool first_only) noexcept {
  auto header = peek_header(datagram);
  if (!header || header->length > datagram.size() || header->length < IkeHeader::kSize) {
    return std::nullopt;
  }
  // The chain ends where the header's length says, not where the datagram does.
  ByteView chain = datagram.subspan(IkeHeader::kSize, header->length - IkeHeader::kSize);
  auto current = header->next_payload;
  std::size_t offset = 0;
  constexpr std::size_t kGenericHeader = 4;
  while (current != PayloadType::none && chain.size() - offset >= kGenericHeader) {
    auto next = static_cast<PayloadType>(chain[offset]);
    std::size_t length = (std::size_t{chain[offset + 2]} << 8) | chain[offset + 3];
    if (length < kGenericHeader || length > chain.size() - offset) return std::nullopt;
    if (current == type) {
      return chain.subspan(offset + kGenericHeader, length - kGenericHeader);
    }
    // SK and SKF are last; nothing in clear follows them.
    if (first_only || current == PayloadType::encrypted ||
        current == PayloadType::encrypted_fragment) {
      return std::nullopt;
    }
    current = next;
    offset += length;
  }
  return std::nullopt;
}

NotifyPayload notify_for_error(const Error& error) {
  NotifyPayload notify;
  switch (error.code) {
    case Errc::unsupported_critical_payload:
      // RFC 7296 3.10.1: the data is the one-octet type of the refused payload.
      notify.type = NotifyType::unsupported_critical_payload;
      notify.data = Bytes{error.payload_type};
      break;
    case Errc::invalid_major_version:
      notify.type = NotifyType::invalid_major_version;
      break;
    default:
      notify.type = NotifyType::invalid_syntax;
      break;
  }
  return notify;
}

}  // namespace ike::wire
