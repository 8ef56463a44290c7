// CERT and CERTREQ payloads (RFC 7296 3.6, 3.7).

#include "ike/wire/payloads.hpp"
#include "wire/codec_support.hpp"

namespace ike::wire {

using detail::syntax_error;

//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Cert Encoding |                                               |
// +-+-+-+-+-+-+-+-+                                               |
// ~                       Certificate Data                        ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//                  Certificate Payload (RFC 7296 3.6)
Result<CertPayload> CertPayload::decode(ByteView body) {
  constexpr std::string_view kWhere = "CERT payload";
  if (body.empty()) return syntax_error(kWhere, "body is empty (no Cert Encoding)");
  if (body.size() == 1) return syntax_error(kWhere, "certificate data is empty");
  return CertPayload{static_cast<CertEncoding>(body[0]), Bytes(body.begin() + 1, body.end())};
}

void CertPayload::encode(Writer& out) const {
  out.u8(static_cast<std::uint8_t>(encoding));
  out.bytes(data);
}

//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Cert Encoding |                                               |
// +-+-+-+-+-+-+-+-+                                               |
// ~                    Certification Authority                    ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//                  Certificate Request Payload (RFC 7296 3.7)
//
// The authority list may be empty (a peer asking for any certificate) and is
// not split here: `sha1_authorities()` does that for X.509, and a list that is
// not a whole number of hashes is ignored by the PKI layer rather than failing
// the whole message (RFC 7296 3.7 lets the receiver ignore what it cannot use).
Result<CertReqPayload> CertReqPayload::decode(ByteView body) {
  if (body.empty()) return syntax_error("CERTREQ payload", "body is empty (no Cert Encoding)");
  return CertReqPayload{static_cast<CertEncoding>(body[0]), Bytes(body.begin() + 1, body.end())};
}

void CertReqPayload::encode(Writer& out) const {
  out.u8(static_cast<std::uint8_t>(encoding));
  out.bytes(authorities);
}

std::optional<std::vector<ByteView>> CertReqPayload::sha1_authorities() const {
  if (authorities.size() % kSha1Size != 0) return std::nullopt;
  std::vector<ByteView> out;
  out.reserve(authorities.size() / kSha1Size);
  for (std::size_t at = 0; at < authorities.size(); at += kSha1Size) {
    out.push_back(ByteView(authorities).subspan(at, kSha1Size));
  }
  return out;
}

}  // namespace ike::wire
