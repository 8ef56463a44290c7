/// Messages with no IKE SA of ours to go to, answered without keeping state:
/// an IKE_SA_INIT request we cannot parse (RFC 7296 2.21.1), and a protected
/// request for an IKE SA we do not have (INVALID_IKE_SPI, 2.21.4). And the
/// other direction: an unprotected INVALID_IKE_SPI from a peer is only noted,
/// since anyone can forge it, except while we delete that IKE SA anyway.

#include <cstdio>

#include "engine_impl.hpp"
#include "ike/wire/exchange_rules.hpp"

namespace ike::sa {

namespace {
std::string spis_of(const wire::IkeHeader& header) {
  char spis[40];
  std::snprintf(spis, sizeof spis, "%016llx/%016llx",
                static_cast<unsigned long long>(header.spi_initiator),
                static_cast<unsigned long long>(header.spi_responder));
  return spis;
}
}  // namespace

void Engine::Impl::log_without_sa(const std::string& connection, LogLevel level,
                                  std::string message) {
  Event event;
  event.kind = EventKind::log;
  event.level = level;
  event.connection = connection;
  event.message = std::move(message);
  services.events.publish(event);
}

void Engine::Impl::respond_to_stranger(const Datagram& datagram, const wire::IkeHeader& header,
                                       const Error& error) {
  // RFC 7296 2.21.1: an unprotected IKE_SA_INIT request that cannot be parsed
  // is answered with a notify in an IKE_SA_INIT response; nothing else is.
  if (header.is_response() || header.exchange != wire::ExchangeType::ike_sa_init) return;
  wire::IkeHeader reply = header;
  reply.major_version = 2;
  reply.minor_version = 0;
  reply.flags = wire::IkeHeader::kFlagResponse;
  std::vector<wire::Payload> payloads;
  auto notify = wire::notify_for_error(error);
  payloads.push_back(wire::make_notify(notify.type, notify.data));
  outbox.push_back(
      Datagram{datagram.local, datagram.remote, wire::encode_message(reply, payloads)});
}

void Engine::Impl::answer_unknown_spi(const wire::Message& message, const Datagram& datagram) {
  const auto& header = message.header;
  // RFC 7296 2.21.4: a response is never answered (that could loop), and
  // only a protected request means the sender thinks it has an IKE SA with
  // us. Of a fragmented one only the first fragment is answered.
  if (header.is_response() || header.exchange == wire::ExchangeType::ike_sa_init) return;
  const auto* fragment = message.encrypted_fragment();
  if (!message.encrypted() && !(fragment && fragment->number == 1)) return;
  auto our_spi = header.from_initiator() ? header.spi_responder : header.spi_initiator;
  if (our_spi == 0) return;
  if (!invalid_spi_answers.allow(datagram.remote.address, services.now)) return;
  // RFC 7296 1.5: a response to the address and port it came from, with the
  // IKE SPIs, Message ID and Exchange Type copied, in clear. The Initiator
  // flag is the one our side of that IKE SA would set.
  wire::IkeHeader reply = header;
  reply.major_version = 2;
  reply.minor_version = 0;
  reply.flags = wire::IkeHeader::kFlagResponse;
  if (!header.from_initiator()) reply.flags |= wire::IkeHeader::kFlagInitiator;
  std::vector<wire::Payload> payloads{wire::make_notify(wire::NotifyType::invalid_ike_spi)};
  outbox.push_back(
      Datagram{datagram.local, datagram.remote, wire::encode_message(reply, payloads)});
  log_without_sa({}, LogLevel::info,
                 wire::to_string(header.exchange) + " request " +
                     std::to_string(header.message_id) + " from " + datagram.remote.to_string() +
                     " for unknown IKE SA " + spis_of(header) + ": answered INVALID_IKE_SPI");
}

bool Engine::Impl::note_invalid_spi_notify(IkeSa* sa, const wire::Message& message,
                                           const Datagram& datagram) {
  const auto& header = message.header;
  if (!header.is_response() || header.exchange == wire::ExchangeType::ike_sa_init) return false;
  if (message.encrypted() || message.encrypted_fragment()) return false;
  if (!message.find_notify(wire::NotifyType::invalid_ike_spi)) return false;
  if (!sa) {
    // The peer may have set the Initiator flag for the role it guessed:
    // either SPI can be ours.
    for (auto spi : {header.spi_initiator, header.spi_responder}) {
      auto it = sas.find(spi);
      if (it != sas.end() && it->second->state != IkeState::destroying) {
        sa = it->second.get();
        break;
      }
    }
  }
  if (sa && sa->state == IkeState::deleting && datagram.remote.address == sa->remote.address &&
      sa->requests.in_flight_id() == header.message_id) {
    // We are deleting it anyway and the peer, answering our request from its
    // address, says it has forgotten it: waiting for retransmissions to run
    // out (165 s) gains nothing. Unauthenticated, but a forger can only end
    // early what is ending.
    services.log(*sa, LogLevel::info,
                 "unprotected INVALID_IKE_SPI from " + datagram.remote.to_string() +
                     " answering our delete (message ID " + std::to_string(header.message_id) +
                     "): the peer has forgotten the IKE SA");
    destroy_sa(*sa, "deleted (the peer had forgotten it: INVALID_IKE_SPI)");
    return true;
  }
  // RFC 7296 2.21.4: unauthenticated, so no state changes; at most a hint.
  std::string what = "unprotected INVALID_IKE_SPI from " + datagram.remote.to_string() +
                     " (message ID " + std::to_string(header.message_id) +
                     "): the peer may have lost the IKE SA; ignored, it is not authenticated";
  if (sa) {
    services.log(*sa, LogLevel::warning, what);
  } else {
    log_without_sa({}, LogLevel::debug, what + ", for no IKE SA of ours " + spis_of(header));
  }
  return true;
}

}  // namespace ike::sa
