/// A datagram to its IKE SA (by our SPI), or to a new responder IKE SA for an
/// IKE_SA_INIT request, behind the cookie gate (RFC 7296 2.6); what has no IKE
/// SA goes to engine_strangers.cpp.

#include "connection_choice.hpp"
#include "engine_impl.hpp"
#include "ike/wire/exchange_rules.hpp"

namespace ike::sa {

void Engine::Impl::route_datagram(const Datagram& datagram) {
  if (half_open >= settings.cookie_threshold && answered_by_cookie_gate(datagram)) return;
  auto message = wire::decode_message(datagram.bytes);
  if (!message) {
    if (auto header = wire::peek_header(datagram.bytes)) {
      respond_to_stranger(datagram, *header, message.error());
    }
    return;
  }
  const auto& header = message->header;
  if (header.exchange == wire::ExchangeType::ike_sa_init && !header.is_response() &&
      header.spi_responder == 0) {
    handle_new_ike_sa_init(*message, datagram);
    return;
  }
  // Our SPI is SPIr in messages from the original initiator, SPIi otherwise.
  auto our_spi = header.from_initiator() ? header.spi_responder : header.spi_initiator;
  auto it = sas.find(our_spi);
  if (it != sas.end() && it->second->state != IkeState::destroying) {
    receive(*it->second, *message, datagram);
    return;
  }
  if (note_invalid_spi_notify(nullptr, *message, datagram)) return;
  answer_unknown_spi(*message, datagram);
}

const Connection* Engine::Impl::connection_for(const Datagram& datagram) const {
  // The best match by addresses; identities may switch it at IKE_AUTH
  // (choose_connection_by_identity).
  return best_connection_by_address(connections, datagram.local, datagram.remote);
}

void Engine::Impl::handle_new_ike_sa_init(const wire::Message& message, const Datagram& datagram) {
  const auto& header = message.header;
  auto known = by_initiator_spi.find({header.spi_initiator, endpoint_key(datagram.remote)});
  if (known != by_initiator_spi.end()) {
    if (auto it = sas.find(known->second); it != sas.end()) {
      receive(*it->second, message, datagram);
      return;
    }
  }
  if (!passes_cookie_gate(message, datagram)) return;
  const Connection* connection = connection_for(datagram);
  if (!connection) {
    Event event;
    event.kind = EventKind::log;
    event.level = LogLevel::warning;
    event.message = "IKE_SA_INIT from " + datagram.remote.to_string() +
                    " matches no connection; answering NO_PROPOSAL_CHOSEN";
    services.events.publish(event);
    wire::IkeHeader reply = header;
    reply.flags = wire::IkeHeader::kFlagResponse;
    std::vector<wire::Payload> payloads{wire::make_notify(wire::NotifyType::no_proposal_chosen)};
    outbox.push_back(
        Datagram{datagram.local, datagram.remote, wire::encode_message(reply, payloads)});
    return;
  }
  auto& sa =
      create_sa(connections.find(connection->name)->second, /*initiator=*/false, services.now);
  sa.spi_i = header.spi_initiator;
  sa.local = datagram.local;
  sa.remote = datagram.remote;
  sa.state = IkeState::connecting;
  sa.half_open_deadline = services.now + settings.half_open_timeout;
  ++half_open;
  by_initiator_spi[{sa.spi_i, endpoint_key(sa.remote)}] = sa.spi_r;
  receive(sa, message, datagram);
}

bool Engine::Impl::passes_cookie_gate(const wire::Message& message, const Datagram& datagram) {
  // RFC 7296 2.6: below the threshold no cookie is asked for.
  if (half_open < settings.cookie_threshold) return true;
  const auto& header = message.header;
  const auto* nonce =
      wire::find_body<wire::NoncePayload>(message.payloads, wire::PayloadType::nonce);
  if (!nonce) return false;  // nothing to bind a cookie to; dropped without state
  // A retried request carries the COOKIE as its first payload.
  const auto& payloads = message.payloads;
  if (!payloads.empty() && payloads.front().type == wire::PayloadType::notify) {
    const auto& first = std::get<wire::NotifyPayload>(payloads.front().body);
    if (first.type == wire::NotifyType::cookie &&
        cookies.verify(first.data, nonce->data, datagram.remote.address, header.spi_initiator,
                       services.now)) {
      return true;
    }
  }
  send_cookie(header, nonce->data, datagram);
  return false;
}

bool Engine::Impl::answered_by_cookie_gate(const Datagram& datagram) {
  auto header = wire::peek_header(datagram.bytes);
  if (!header || header->exchange != wire::ExchangeType::ike_sa_init || header->is_response() ||
      header->spi_responder != 0) {
    return false;
  }
  // A retransmission of a request we took goes to its IKE SA.
  if (by_initiator_spi.contains({header->spi_initiator, endpoint_key(datagram.remote)})) {
    return false;
  }
  auto nonce = wire::peek_payload_body(datagram.bytes, wire::PayloadType::nonce);
  // Without a Nonce the decoder says what is wrong with the request.
  if (!nonce) return false;
  // RFC 7296 2.6: a retried request carries the COOKIE as its first payload.
  // Notify body: protocol, SPI size, type, SPI, data (3.10).
  if (auto first = wire::peek_payload_body(datagram.bytes, wire::PayloadType::notify, true);
      first && first->size() >= 4) {
    auto type = static_cast<wire::NotifyType>((std::uint16_t{(*first)[2]} << 8) | (*first)[3]);
    std::size_t spi_size = (*first)[1];
    if (type == wire::NotifyType::cookie && first->size() >= 4 + spi_size &&
        cookies.verify(first->subspan(4 + spi_size), *nonce, datagram.remote.address,
                       header->spi_initiator, services.now)) {
      return false;  // decoded and admitted as usual
    }
  }
  send_cookie(*header, *nonce, datagram);
  return true;
}

void Engine::Impl::send_cookie(const wire::IkeHeader& request, ByteView nonce,
                               const Datagram& datagram) {
  wire::IkeHeader reply = request;
  reply.flags = wire::IkeHeader::kFlagResponse;
  reply.spi_responder = 0;
  std::vector<wire::Payload> answer{wire::make_notify(
      wire::NotifyType::cookie,
      cookies.make(nonce, datagram.remote.address, request.spi_initiator, services.now))};
  outbox.push_back(Datagram{datagram.local, datagram.remote, wire::encode_message(reply, answer)});
}

}  // namespace ike::sa
