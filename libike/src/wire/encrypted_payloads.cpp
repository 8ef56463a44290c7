// SK and SKF payloads as they sit on the wire, still encrypted (RFC 7296
// 3.14, RFC 7383 2.5). Splitting IV, ciphertext and ICV is the protection
// layer's job, since only it knows the algorithm.

#include <string>

#include "ike/wire/payloads.hpp"
#include "ike/wire/reader.hpp"
#include "wire/codec_support.hpp"

namespace ike::wire {

using detail::syntax_error;
using detail::too_short;

//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                     Initialization Vector                     |
// |         (length is block size for encryption algorithm)       |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                    Encrypted IKE Payloads                     ~
// +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |               |             Padding (0-255 octets)            |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                                               |  Pad Length   |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                    Integrity Checksum Data                    ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//                  Encrypted Payload (RFC 7296 3.14)
Result<EncryptedPayload> EncryptedPayload::decode(ByteView body, PayloadType first_inner) {
  // Any size is structurally fine here; the protection layer checks that the
  // body holds at least an IV and an ICV for the negotiated algorithm.
  return EncryptedPayload{first_inner, Bytes(body.begin(), body.end())};
}

void EncryptedPayload::encode(Writer& out) const {
  out.bytes(body);
}

//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |        Fragment Number        |        Total Fragments        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                     Initialization Vector                     |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                      Encrypted content                        ~
// +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |               |             Padding (0-255 octets)            |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                                               |  Pad Length   |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                    Integrity Checksum Data                    ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//                  Encrypted Fragment Payload (RFC 7383 2.5)
//
// RFC 7383 2.5 asks for Next Payload 0 in fragments after the first; that is
// kept as received for the reassembly layer, which ignores it.
Result<EncryptedFragmentPayload> EncryptedFragmentPayload::decode(ByteView body,
                                                                  PayloadType first_inner) {
  constexpr std::string_view kWhere = "SKF payload";
  constexpr std::size_t kFixedSize = 4;
  if (body.size() < kFixedSize) return too_short(kWhere, body.size(), kFixedSize);
  Reader in(body);
  EncryptedFragmentPayload fragment;
  fragment.first_inner = first_inner;
  (void)in.u16(fragment.number), (void)in.u16(fragment.total);
  if (fragment.total == 0) return syntax_error(kWhere, "Total Fragments is 0");
  if (fragment.number == 0 || fragment.number > fragment.total) {
    return syntax_error(kWhere, "Fragment Number " + std::to_string(fragment.number) +
                                    " is outside 1.." + std::to_string(fragment.total));
  }
  auto rest = in.rest();
  fragment.body.assign(rest.begin(), rest.end());
  return fragment;
}

void EncryptedFragmentPayload::encode(Writer& out) const {
  out.u16(number);
  out.u16(total);
  out.bytes(body);
}

}  // namespace ike::wire
