// Vendor ID payload (RFC 7296 3.12).

#include "ike/wire/payloads.hpp"

namespace ike::wire {

//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                        Vendor ID (VID)                        ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//                  Vendor ID Payload (RFC 7296 3.12)
//
// The contents are the vendor's (RFC 7296 3.12); any length, even none, is
// well-formed and is only ever compared against known IDs.
Result<VendorIdPayload> VendorIdPayload::decode(ByteView body) {
  return VendorIdPayload{Bytes(body.begin(), body.end())};
}

void VendorIdPayload::encode(Writer& out) const {
  out.bytes(data);
}

}  // namespace ike::wire
