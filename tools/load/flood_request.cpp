#include "load/flood_request.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "ike/crypto/key_exchange.hpp"
#include "ike/crypto/pki/openssl_handles.hpp"
#include "ike/proposal/wire_conversion.hpp"
#include "ike/wire/header.hpp"
#include "ike/wire/message.hpp"

namespace ikev2d::load {

using ike::Errc;
using ike::make_error;
namespace wire = ike::wire;

namespace {

/// Generic payload header (4) + KE's Group Num and RESERVED (4), RFC 7296 3.4.
constexpr std::size_t kKeDataOffset = wire::kGenericPayloadHeaderSize + 4;
/// Generic payload header (4) + Protocol ID, SPI Size, Notify Type (4), RFC
/// 7296 3.10; NAT-D notifies carry no SPI.
constexpr std::size_t kNotifyDataOffset = wire::kGenericPayloadHeaderSize + 4;

void put_be64(std::uint8_t* out, std::uint64_t value) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<std::uint8_t>(value);
    value >>= 8;
  }
}

/// Whether `message` holds `expected` at `offset`.
bool holds_at(const ike::Bytes& message, std::size_t offset, const ike::Bytes& expected) {
  return offset + expected.size() <= message.size() &&
         std::equal(expected.begin(), expected.end(),
                    message.begin() + static_cast<std::ptrdiff_t>(offset));
}

}  // namespace

ike::Result<FloodRequest> FloodRequest::build(
    std::span<const ike::proposal::CryptoProposal> proposals, const ike::sa::Endpoint& responder,
    std::size_t nonce_size) {
  auto group = ike::proposal::preferred_ke_group(proposals);
  if (!group || *group == wire::KeGroup::none) {
    return make_error(Errc::invalid_argument, "no key exchange group in the IKE proposals");
  }
  std::size_t key_exchange_size = ike::crypto::KeyExchange::public_value_size(*group);
  if (key_exchange_size == 0) {
    return make_error(Errc::invalid_argument,
                      "key exchange group " + wire::to_string(*group) + " is not supported");
  }
  if (nonce_size < wire::NoncePayload::kMinSize || nonce_size > wire::NoncePayload::kMaxSize) {
    return make_error(Errc::invalid_argument,
                      "nonce size " + std::to_string(nonce_size) + " is outside 16..256");
  }

  // Distinct fill bytes, so the self-check below finds each field where the
  // offsets say it is.
  wire::SaPayload sa = ike::proposal::to_sa_payload(proposals, {});
  wire::KePayload ke{*group, ike::Bytes(key_exchange_size, 0x11)};
  wire::NoncePayload nonce{ike::Bytes(nonce_size, 0x22)};
  ike::Bytes nat_source(kNatDetectionSize, 0x33);
  ike::Bytes nat_destination(kNatDetectionSize, 0x44);
  std::vector<wire::Payload> payloads{
      {wire::PayloadType::security_association, false, sa},
      {wire::PayloadType::key_exchange, false, ke},
      {wire::PayloadType::nonce, false, nonce},
      wire::make_notify(wire::NotifyType::nat_detection_source_ip, nat_source),
      wire::make_notify(wire::NotifyType::nat_detection_destination_ip, nat_destination)};
  if (auto encodable = wire::check_encodable(payloads); !encodable) {
    return make_error(Errc::invalid_argument, "IKE_SA_INIT: " + encodable.error().reason);
  }
  wire::IkeHeader header;
  header.spi_initiator = 1;
  header.exchange = wire::ExchangeType::ike_sa_init;
  header.flags = wire::IkeHeader::kFlagInitiator;

  FloodRequest request;
  request.message_ = wire::encode_message(header, payloads);
  request.responder_ = responder;
  request.group_ = *group;
  request.key_exchange_size_ = key_exchange_size;
  request.nonce_size_ = nonce_size;
  // The payloads follow each other in the order given (RFC 7296 3.2).
  std::size_t sa_size = wire::encode_payload_chain({payloads[0]}).size();
  std::size_t ke_start = wire::IkeHeader::kSize + sa_size;
  request.key_exchange_offset_ = ke_start + kKeDataOffset;
  std::size_t nonce_start = request.key_exchange_offset_ + key_exchange_size;
  request.nonce_offset_ = nonce_start + wire::kGenericPayloadHeaderSize;
  std::size_t nat_source_start = request.nonce_offset_ + nonce_size;
  request.nat_source_offset_ = nat_source_start + kNotifyDataOffset;
  std::size_t nat_destination_start = request.nat_source_offset_ + kNatDetectionSize;
  request.nat_destination_offset_ = nat_destination_start + kNotifyDataOffset;

  const auto& m = request.message_;
  if (m.size() != request.nat_destination_offset_ + kNatDetectionSize ||
      !holds_at(m, request.key_exchange_offset_, ke.data) ||
      !holds_at(m, request.nonce_offset_, nonce.data) ||
      !holds_at(m, request.nat_source_offset_, nat_source) ||
      !holds_at(m, request.nat_destination_offset_, nat_destination)) {
    return make_error(Errc::invalid_argument, "IKE_SA_INIT template: field offsets do not match");
  }
  return request;
}

void FloodRequest::renew(std::uint64_t spi, const ike::sa::Endpoint& source,
                         ike::RandomSource& random) {
  put_be64(message_.data(), spi);
  random.fill({message_.data() + key_exchange_offset_, key_exchange_size_});
  random.fill({message_.data() + nonce_offset_, nonce_size_});
  write_nat_detection(nat_source_offset_, spi, source);
  write_nat_detection(nat_destination_offset_, spi, responder_);
}

void FloodRequest::write_nat_detection(std::size_t offset, std::uint64_t spi,
                                       const ike::sa::Endpoint& endpoint) {
  // RFC 7296 2.23: SHA-1(SPIi | SPIr | IP address | port); SPIr is zero in
  // the IKE_SA_INIT request.
  std::array<std::uint8_t, 8 + 8 + 16 + 2> input{};
  put_be64(input.data(), spi);
  auto address = endpoint.address.bytes();
  std::memcpy(input.data() + 16, address.data(), address.size());
  std::size_t size = 16 + address.size();
  input[size++] = static_cast<std::uint8_t>(endpoint.port >> 8);
  input[size++] = static_cast<std::uint8_t>(endpoint.port);
  ike::pki::digest_into(ike::pki::digests().sha1, {input.data(), size}, message_.data() + offset);
}

InitAnswer classify_init_answer(ike::ByteView datagram) {
  auto header = wire::peek_header(datagram);
  if (!header || header->exchange != wire::ExchangeType::ike_sa_init || !header->is_response() ||
      header->message_id != 0) {
    return InitAnswer::other;
  }
  auto message = wire::decode_message(datagram);
  if (!message) return InitAnswer::other;
  if (message->find_notify(wire::NotifyType::cookie)) return InitAnswer::cookie;
  if (message->find_notify(wire::NotifyType::invalid_ke_payload)) return InitAnswer::invalid_ke;
  if (wire::find_error_notify(message->payloads)) return InitAnswer::refused;
  if (message->first(wire::PayloadType::security_association) &&
      message->first(wire::PayloadType::key_exchange)) {
    return InitAnswer::accepted;
  }
  return InitAnswer::other;
}

const char* to_string(InitAnswer answer) noexcept {
  switch (answer) {
    case InitAnswer::other:
      return "other";
    case InitAnswer::cookie:
      return "cookie";
    case InitAnswer::invalid_ke:
      return "invalid_ke";
    case InitAnswer::refused:
      return "refused";
    case InitAnswer::accepted:
      return "accepted";
  }
  return "other";
}

}  // namespace ikev2d::load
