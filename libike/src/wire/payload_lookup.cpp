// Finding payloads in a chain, building notifies, and checking that a chain
// can be sent as it is.

#include <string>

#include "ike/wire/message.hpp"
#include "ike/wire/writer.hpp"
#include "wire/payload_chain.hpp"

namespace ike::wire {

const Payload* find_payload(const std::vector<Payload>& payloads, PayloadType type) noexcept {
  for (const auto& payload : payloads) {
    if (payload.type == type) return &payload;
  }
  return nullptr;
}

std::size_t count_payloads(const std::vector<Payload>& payloads, PayloadType type) noexcept {
  std::size_t count = 0;
  for (const auto& payload : payloads)
    count += payload.type == type ? 1 : 0;
  return count;
}

const NotifyPayload* find_notify(const std::vector<Payload>& payloads, NotifyType type) noexcept {
  for (const auto& payload : payloads) {
    const auto* notify = body_as<NotifyPayload>(payload);
    if (notify && payload.type == PayloadType::notify && notify->type == type) return notify;
  }
  return nullptr;
}

const NotifyPayload* find_error_notify(const std::vector<Payload>& payloads) noexcept {
  for (const auto& payload : payloads) {
    const auto* notify = body_as<NotifyPayload>(payload);
    if (notify && payload.type == PayloadType::notify && is_error(notify->type)) return notify;
  }
  return nullptr;
}

Payload make_notify(NotifyType type, Bytes data, ProtocolId protocol, Bytes spi) {
  return Payload{PayloadType::notify, false,
                 NotifyPayload{protocol, std::move(spi), type, std::move(data)}};
}

bool body_matches_type(const Payload& payload) noexcept {
  switch (payload.type) {
    case PayloadType::security_association:
      return body_as<SaPayload>(payload) != nullptr;
    case PayloadType::key_exchange:
      return body_as<KePayload>(payload) != nullptr;
    case PayloadType::id_initiator:
    case PayloadType::id_responder:
      return body_as<IdPayload>(payload) != nullptr;
    case PayloadType::certificate:
      return body_as<CertPayload>(payload) != nullptr;
    case PayloadType::certificate_request:
      return body_as<CertReqPayload>(payload) != nullptr;
    case PayloadType::authentication:
      return body_as<AuthPayload>(payload) != nullptr;
    case PayloadType::nonce:
      return body_as<NoncePayload>(payload) != nullptr;
    case PayloadType::notify:
      return body_as<NotifyPayload>(payload) != nullptr;
    case PayloadType::delete_:
      return body_as<DeletePayload>(payload) != nullptr;
    case PayloadType::vendor_id:
      return body_as<VendorIdPayload>(payload) != nullptr;
    case PayloadType::ts_initiator:
    case PayloadType::ts_responder:
      return body_as<TsPayload>(payload) != nullptr;
    case PayloadType::encrypted:
      return body_as<EncryptedPayload>(payload) != nullptr;
    case PayloadType::configuration:
      return body_as<ConfigPayload>(payload) != nullptr;
    case PayloadType::eap:
      return body_as<EapPayload>(payload) != nullptr;
    case PayloadType::encrypted_fragment:
      return body_as<EncryptedFragmentPayload>(payload) != nullptr;
    case PayloadType::none:
      return false;
  }
  const auto* unknown = body_as<UnknownPayload>(payload);
  return unknown && unknown->raw_type == static_cast<std::uint8_t>(payload.type);
}

namespace {

Error not_encodable(std::size_t index, const Payload& payload, const std::string& why) {
  return make_error(Errc::invalid_argument, "payload " + std::to_string(index + 1) + " (" +
                                                to_string(payload.type) + "): " + why);
}

std::size_t encoded_body_size(const Payload& payload) {
  Bytes body;
  Writer out(body);
  detail::encode_body(out, payload.body);
  return body.size();
}

}  // namespace

Status check_encodable(const std::vector<Payload>& payloads) {
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    const Payload& payload = payloads[i];
    if (!body_matches_type(payload)) {
      return not_encodable(i, payload, "body does not match the payload type");
    }
    bool encrypted =
        body_as<EncryptedPayload>(payload) || body_as<EncryptedFragmentPayload>(payload);
    if (encrypted && i + 1 != payloads.size()) {
      return not_encodable(i, payload, "SK/SKF must be the last payload");
    }
  }
  // Sizes first: encode_payload_chain asserts on bodies that do not fit.
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    if (std::size_t size = encoded_body_size(payloads[i]); size > kMaxPayloadBodySize) {
      return not_encodable(
          i, payloads[i],
          "body of " + std::to_string(size) + " bytes exceeds the 65531-byte maximum");
    }
  }
  Bytes chain = encode_payload_chain(payloads);
  auto again = detail::decode_chain(chain_first_type(payloads), chain, /*allow_encrypted=*/true);
  if (!again) {
    return make_error(Errc::invalid_argument, "would not decode: " + again.error().reason);
  }
  if (*again != payloads) {
    return make_error(Errc::invalid_argument,
                      "would decode differently (a count, size or length the wire cannot carry)");
  }
  return {};
}

}  // namespace ike::wire
