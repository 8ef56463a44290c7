// The payload chain: generic payload headers (RFC 7296 3.2) and dispatch to
// the body codecs.

#include "wire/payload_chain.hpp"

#include <cassert>
#include <string>

#include "ike/wire/message.hpp"
#include "ike/wire/reader.hpp"
#include "ike/wire/writer.hpp"
#include "wire/codec_support.hpp"

namespace ike::wire {
namespace {
constexpr std::uint8_t kCriticalBit = 0x80;
}  // namespace

namespace detail {
namespace {

template <class Body>
Result<PayloadBody> as_body(Result<Body> decoded) {
  if (!decoded) return std::move(decoded).error();
  return PayloadBody(std::move(decoded).value());
}

/// Decodes the body of a known payload type.
Result<PayloadBody> decode_body(PayloadType type, ByteView body, PayloadType next) {
  switch (type) {
    case PayloadType::security_association:
      return as_body(SaPayload::decode(body));
    case PayloadType::key_exchange:
      return as_body(KePayload::decode(body));
    case PayloadType::id_initiator:
    case PayloadType::id_responder:
      return as_body(IdPayload::decode(body));
    case PayloadType::certificate:
      return as_body(CertPayload::decode(body));
    case PayloadType::certificate_request:
      return as_body(CertReqPayload::decode(body));
    case PayloadType::authentication:
      return as_body(AuthPayload::decode(body));
    case PayloadType::nonce:
      return as_body(NoncePayload::decode(body));
    case PayloadType::notify:
      return as_body(NotifyPayload::decode(body));
    case PayloadType::delete_:
      return as_body(DeletePayload::decode(body));
    case PayloadType::vendor_id:
      return as_body(VendorIdPayload::decode(body));
    case PayloadType::ts_initiator:
    case PayloadType::ts_responder:
      return as_body(TsPayload::decode(body));
    case PayloadType::encrypted:
      return as_body(EncryptedPayload::decode(body, next));
    case PayloadType::configuration:
      return as_body(ConfigPayload::decode(body));
    case PayloadType::eap:
      return as_body(EapPayload::decode(body));
    case PayloadType::encrypted_fragment:
      return as_body(EncryptedFragmentPayload::decode(body, next));
    case PayloadType::none:
      break;
  }
  assert(false && "decode_body called for a type is_known_payload_type refuses");
  return syntax_error("payload chain", "no decoder for type " + to_string(type));
}

std::string payload_label(std::size_t index, std::uint8_t raw_type) {
  return "payload " + std::to_string(index) + " (" + to_string(static_cast<PayloadType>(raw_type)) +
         ")";
}

bool is_encrypted_type(PayloadType type) noexcept {
  return type == PayloadType::encrypted || type == PayloadType::encrypted_fragment;
}

}  // namespace

bool is_known_payload_type(std::uint8_t raw_type) noexcept {
  auto type = static_cast<PayloadType>(raw_type);
  return type != PayloadType::none && !name(type).empty();
}

Result<std::vector<Payload>> decode_chain(PayloadType first, ByteView chain, bool allow_encrypted) {
  Reader in(chain);
  std::vector<Payload> payloads;
  auto next = static_cast<std::uint8_t>(first);
  for (std::size_t index = 1; next != 0; ++index) {
    std::string label = payload_label(index, next);
    if (in.remaining() < kGenericPayloadHeaderSize) {
      return make_error(Errc::invalid_syntax,
                        label + ": " + bytes_text(in.remaining()) +
                            " left, shorter than the 4-byte generic payload header");
    }
    std::uint8_t following = 0, flags = 0;
    std::uint16_t length = 0;
    (void)in.u8(following), (void)in.u8(flags), (void)in.u16(length);
    if (length < kGenericPayloadHeaderSize) {
      return make_error(Errc::invalid_syntax, label + ": Payload Length " + std::to_string(length) +
                                                  " is below the 4-byte generic header");
    }
    ByteView body;
    if (!in.view(length - kGenericPayloadHeaderSize, body)) {
      return make_error(Errc::invalid_syntax,
                        label + ": Payload Length " + std::to_string(length) + " overruns the " +
                            bytes_text(in.remaining() + kGenericPayloadHeaderSize) + " left");
    }
    Payload payload;
    payload.type = static_cast<PayloadType>(next);
    payload.critical = (flags & kCriticalBit) != 0;  // the 7 reserved bits are ignored
    if (!is_known_payload_type(next)) {
      if (payload.critical) {
        // RFC 7296 2.5: refuse the whole message, naming the type in the notify.
        Error error = make_error(
            Errc::unsupported_critical_payload,
            label + ": unknown payload type " + std::to_string(next) + " has the critical bit set");
        error.payload_type = next;
        return error;
      }
      payload.body = UnknownPayload{next, Bytes(body.begin(), body.end())};
      payloads.push_back(std::move(payload));
      next = following;
      continue;
    }
    if (is_encrypted_type(payload.type)) {
      // RFC 7296 3.14 / RFC 7383 2.5: SK and SKF are last; their Next Payload
      // names the first payload inside.
      if (!allow_encrypted) {
        return make_error(Errc::invalid_syntax,
                          label + ": not allowed inside an encrypted payload");
      }
      if (!in.empty()) {
        return make_error(Errc::invalid_syntax, label + ": must be the last payload but " +
                                                    bytes_text(in.remaining()) + " follow");
      }
    }
    auto decoded = decode_body(payload.type, body, static_cast<PayloadType>(following));
    if (!decoded) {
      Error error = std::move(decoded).error();
      error.reason +=
          " (at payload " + std::to_string(index) + ", " + to_string(payload.type) + ")";
      return error;
    }
    payload.body = std::move(decoded).value();
    payloads.push_back(std::move(payload));
    next = is_encrypted_type(static_cast<PayloadType>(next)) ? 0 : following;
  }
  if (!in.empty()) {
    return make_error(
        Errc::invalid_syntax,
        bytes_text(in.remaining()) + " of trailing data after the last payload" +
            (payloads.empty() ? std::string() : " (" + to_string(payloads.back().type) + ")"));
  }
  return payloads;
}

}  // namespace detail

Result<std::vector<Payload>> decode_payload_chain(PayloadType first, ByteView chain) {
  return detail::decode_chain(first, chain, /*allow_encrypted=*/false);
}

namespace {

/// The Next Payload to write in the generic header of payloads[index].
std::uint8_t next_payload_field(const std::vector<Payload>& payloads, std::size_t index) {
  const Payload& payload = payloads[index];
  if (const auto* sk = body_as<EncryptedPayload>(payload)) {
    return static_cast<std::uint8_t>(sk->first_inner);
  }
  if (const auto* skf = body_as<EncryptedFragmentPayload>(payload)) {
    return static_cast<std::uint8_t>(skf->first_inner);
  }
  if (index + 1 == payloads.size()) return 0;
  return static_cast<std::uint8_t>(payloads[index + 1].type);
}

}  // namespace

void detail::encode_body(Writer& out, const PayloadBody& body) {
  std::visit(
      [&out](const auto& typed) {
        using Body = std::decay_t<decltype(typed)>;
        if constexpr (std::is_same_v<Body, UnknownPayload>) {
          out.bytes(typed.body);
        } else {
          typed.encode(out);
        }
      },
      body);
}

Bytes encode_payload_chain(const std::vector<Payload>& payloads) {
  Bytes bytes;
  Writer out(bytes);
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    std::size_t start = out.size();
    out.u8(next_payload_field(payloads, i));
    out.u8(payloads[i].critical ? kCriticalBit : 0);
    std::size_t length_at = out.placeholder_u16();
    detail::encode_body(out, payloads[i].body);
    std::size_t length = out.size() - start;
    assert(length <= 0xffff && "payload body too large: see check_encodable");
    out.patch_u16(length_at, static_cast<std::uint16_t>(length));
  }
  return bytes;
}

}  // namespace ike::wire
