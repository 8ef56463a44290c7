#include "wire/protection/protected_layout.hpp"

#include <string>

#include "ike/wire/reader.hpp"

namespace ike::wire::detail {
namespace {

Error syntax(std::string reason) {
  return make_error(Errc::invalid_syntax, std::move(reason));
}

std::string bytes_text(std::size_t count) {
  return std::to_string(count) + " bytes";
}

/// Reads SKF's Fragment Number and Total Fragments and checks them (RFC 7383
/// 2.5: 1 <= number <= total; 2.6: anything else is discarded).
Status read_fragment_fields(Reader& in, ProtectedLayout& layout) {
  if (!in.u16(layout.fragment_number) || !in.u16(layout.total_fragments))
    return syntax("SKF payload: too short for Fragment Number and Total Fragments");
  if (layout.total_fragments == 0) return syntax("SKF payload: Total Fragments is 0");
  if (layout.fragment_number == 0 || layout.fragment_number > layout.total_fragments)
    return syntax("SKF payload: Fragment Number " + std::to_string(layout.fragment_number) +
                  " is outside 1.." + std::to_string(layout.total_fragments));
  return {};
}

}  // namespace

Result<ProtectedLayout> locate_protected_payload(ByteView datagram) {
  Reader in(datagram);
  auto header = IkeHeader::decode(in);
  if (!header) return std::move(header).error();
  if (header->length != datagram.size())
    return syntax("IKE header: Length " + std::to_string(header->length) +
                  " does not match the datagram of " + bytes_text(datagram.size()));
  ProtectedLayout layout;
  layout.header = *header;
  PayloadType current = header->next_payload;
  for (int index = 1;; ++index) {
    if (current == PayloadType::none)
      return syntax("message has no SK or SKF payload (chain ended after " +
                    std::to_string(index - 1) + " payloads in clear)");
    std::size_t payload_offset = in.offset();
    std::uint8_t next = 0, flags = 0;
    std::uint16_t length = 0;
    if (!in.u8(next) || !in.u8(flags) || !in.u16(length))
      return syntax("payload " + std::to_string(index) + " (" + to_string(current) +
                    "): generic header truncated (" + bytes_text(in.remaining()) + " left)");
    if (length < kGenericHeaderSize || length - kGenericHeaderSize > in.remaining())
      return syntax("payload " + std::to_string(index) + " (" + to_string(current) + "): length " +
                    std::to_string(length) + " is below 4 or overruns the " +
                    bytes_text(in.remaining() + kGenericHeaderSize) + " left");
    if (current != PayloadType::encrypted && current != PayloadType::encrypted_fragment) {
      (void)in.skip(length - kGenericHeaderSize);  // checked just above
      current = static_cast<PayloadType>(next);
      continue;
    }
    // RFC 7296 3.14 / RFC 7383 2.5: SK and SKF are the last payload.
    if (length - kGenericHeaderSize != in.remaining())
      return syntax(to_string(current) + " payload: length " + std::to_string(length) + " leaves " +
                    bytes_text(in.remaining() + kGenericHeaderSize - length) +
                    " after it, but it must be the last payload");
    layout.type = current;
    layout.first_inner = static_cast<PayloadType>(next);
    layout.payload_offset = payload_offset;
    if (current == PayloadType::encrypted_fragment) {
      auto fields = read_fragment_fields(in, layout);
      if (!fields) return std::move(fields).error();
    }
    layout.iv_offset = in.offset();
    return layout;
  }
}

}  // namespace ike::wire::detail
