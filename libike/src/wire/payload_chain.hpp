#pragma once
/// Chain walking shared by decode_message, decode_payload_chain and
/// check_encodable (private to ike_wire).

#include <vector>

#include "ike/wire/payloads.hpp"
#include "ike/wire/writer.hpp"

namespace ike::wire::detail {

/// Walks a chain that starts with `first` and must fill `chain` exactly.
/// `allow_encrypted`: whether SK/SKF may appear (as the last payload), i.e.
/// whether this is a message's outer chain.
Result<std::vector<Payload>> decode_chain(PayloadType first, ByteView chain, bool allow_encrypted);

/// Writes the body alone (no generic header).
void encode_body(Writer& out, const PayloadBody& body);

/// Whether libike knows how to decode payloads of this raw type.
bool is_known_payload_type(std::uint8_t raw_type) noexcept;

}  // namespace ike::wire::detail
