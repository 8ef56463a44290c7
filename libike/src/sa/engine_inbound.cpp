/// A message that reached its IKE SA: the response and request windows
/// (RFC 7296 2.1, 2.2), decryption and reassembly, the exchange rules, then
/// the initiator task (responses) or a responder task (requests).

#include "engine_impl.hpp"
#include "ike/wire/exchange_rules.hpp"
#include "message_io.hpp"
#include "tasks/tasks.hpp"

namespace ike::sa {

void Engine::Impl::receive_response(IkeSa& sa, const wire::IkeHeader& header,
                                    const std::vector<wire::Payload>& payloads,
                                    const Datagram& datagram) {
  if (!sa.active || !sa.requests.accept_response(header.message_id)) {
    services.log(sa, LogLevel::debug,
                 "dropping response with message ID " + std::to_string(header.message_id) +
                     " that answers no request in flight");
    return;
  }
  InboundMessage in{header, payloads, datagram.bytes, datagram.local, datagram.remote};
  auto status = sa.active->process(sa, services, in);
  // A COOKIE or INVALID_KE retry of IKE_SA_INIT goes out with the message ID
  // just answered (RFC 7296 2.6).
  if (status == TaskStatus::need_more && sa.active->retry_keeps_message_id()) {
    sa.requests.reset(header.message_id);
  }
  note_established(sa);
  after_initiator_status(sa, status);
}

void Engine::Impl::receive_request(IkeSa& sa, const wire::IkeHeader& header,
                                   const std::vector<wire::Payload>& payloads,
                                   const Datagram& datagram) {
  InboundMessage in{header, payloads, datagram.bytes, datagram.local, datagram.remote};
  std::unique_ptr<Task> task;
  if (header.exchange == wire::ExchangeType::ike_sa_init) {
    task = make_ike_init_responder();
  } else if (header.exchange == wire::ExchangeType::ike_auth) {
    task = make_ike_auth_responder();
  } else {
    task = make_responder_task(sa, in);
  }
  std::vector<wire::Payload> response;
  TaskStatus status = TaskStatus::done;
  if (task) {
    status = task->process(sa, services, in);
    auto build_status = task->build(sa, services, response);
    if (status == TaskStatus::done) status = build_status;
  }
  auto exchange = header.exchange;
  auto datagrams =
      build_datagrams(sa, services, exchange, /*response=*/true, header.message_id, response);
  if (!datagrams) {
    services.log(sa, LogLevel::error,
                 "cannot answer " + wire::to_string(exchange) + ": " + datagrams.error().reason);
    destroy_sa(sa, "cannot answer " + wire::to_string(exchange));
    return;
  }
  if (exchange == wire::ExchangeType::ike_sa_init) sa.init_message_ours = datagrams->front();
  send_datagrams(sa, *datagrams);
  sa.responses.answered(header.message_id, std::move(*datagrams));
  if (status == TaskStatus::destroy_sa) {
    auto reason = sa.last_failure.empty() ? "refused by responder" : sa.last_failure;
    if (sa.ends_as_expected) services.log(sa, LogLevel::info, reason);
    destroy_sa(sa, reason, /*announce=*/!sa.ends_as_expected);
    return;
  }
  note_established(sa);
  start_next_request(sa);
}

void Engine::Impl::receive(IkeSa& sa, const wire::Message& message, const Datagram& datagram) {
  touch(sa);
  const auto& header = message.header;
  bool response = header.is_response();
  if (note_invalid_spi_notify(&sa, message, datagram)) return;
  if (!response) {
    switch (sa.responses.classify(header.message_id)) {
      case ResponseWindow::Verdict::retransmission:
        // RFC 7383 2.6.1: of a retransmitted fragmented request only fragment
        // number 1 triggers the resend, not every fragment that arrives.
        if (const auto* fragment = message.encrypted_fragment();
            fragment && fragment->number != 1) {
          return;
        }
        services.log(sa, LogLevel::debug,
                     "retransmitted request " + std::to_string(header.message_id) +
                         ", sending the cached response");
        send_datagrams(sa, sa.responses.cached_response());
        return;
      case ResponseWindow::Verdict::out_of_window:
        services.log(sa, LogLevel::debug,
                     "dropping request with message ID " + std::to_string(header.message_id) +
                         " (expected " + std::to_string(sa.responses.expected_id()) + ")");
        return;
      case ResponseWindow::Verdict::new_request:
        break;
    }
  } else if (sa.requests.in_flight_id() != header.message_id) {
    services.log(sa, LogLevel::debug,
                 "dropping response " + std::to_string(header.message_id) + " to no request");
    return;
  }

  if (header.exchange == wire::ExchangeType::ike_sa_init) {
    if (auto rules = wire::check_exchange_rules(header, message.payloads, nullptr); !rules) {
      services.log(sa, LogLevel::warning, "dropping message: " + rules.error().reason);
      return;
    }
    sa.init_message_peers = datagram.bytes;
    sa.last_heard = services.now;
    if (response) {
      receive_response(sa, header, message.payloads, datagram);
    } else {
      receive_request(sa, header, message.payloads, datagram);
    }
    return;
  }

  auto opened = open_datagram(sa, services, message, datagram.bytes);
  if (!opened) {
    services.log(sa, LogLevel::warning,
                 "dropping " + wire::to_string(header.exchange) + ": " + opened.error().reason);
    return;
  }
  if (!opened->has_value()) return;  // a fragment, more to come
  auto& plain = **opened;
  if (auto rules = wire::check_exchange_rules(plain.header, message.payloads, &plain.payloads);
      !rules) {
    services.log(sa, LogLevel::warning, "dropping message: " + rules.error().reason);
    return;
  }
  sa.last_heard = services.now;
  follow_peer(sa, datagram, plain.header.message_id);
  if (response) {
    receive_response(sa, plain.header, plain.payloads, datagram);
  } else {
    receive_request(sa, plain.header, plain.payloads, datagram);
  }
}

}  // namespace ike::sa
