#include "message_io.hpp"

#include "ike/wire/exchange_rules.hpp"
#include "ike/wire/protection/fragmentation.hpp"

namespace ike::sa {

namespace {
wire::IkeHeader header_for(const IkeSa& sa, wire::ExchangeType exchange, bool response,
                           std::uint32_t message_id) {
  wire::IkeHeader header;
  header.spi_initiator = sa.spi_i;
  header.spi_responder = sa.spi_r;
  header.exchange = exchange;
  header.message_id = message_id;
  header.flags = static_cast<std::uint8_t>((sa.initiator ? wire::IkeHeader::kFlagInitiator : 0) |
                                           (response ? wire::IkeHeader::kFlagResponse : 0));
  return header;
}

/// "IKE_AUTH request 1", for the log.
std::string describe(const wire::IkeHeader& header) {
  return wire::to_string(header.exchange) + (header.is_response() ? " response " : " request ") +
         std::to_string(header.message_id);
}
}  // namespace

Result<std::vector<Bytes>> build_datagrams(IkeSa& sa, Services& services,
                                           wire::ExchangeType exchange, bool response,
                                           std::uint32_t message_id,
                                           std::vector<wire::Payload> payloads) {
  wire::sort_for_sending(exchange, response, payloads);
  auto header = header_for(sa, exchange, response, message_id);
  if (exchange == wire::ExchangeType::ike_sa_init) {
    return std::vector<Bytes>{wire::encode_message(header, payloads)};
  }
  if (!sa.outbound) {
    return make_error(Errc::invalid_argument,
                      "no keys yet to protect " + wire::to_string(exchange));
  }
  Bytes inner = wire::encode_payload_chain(payloads);
  auto first = wire::chain_first_type(payloads);
  std::size_t limit = wire::max_fragment_message_size(
      sa.connection->fragment_size, sa.remote.address.is_v6(), sa.remote.port != kIkePort);
  bool fragment = sa.peer_supports_fragmentation && sa.connection->fragmentation &&
                  sa.connection->send_fragments && exchange != wire::ExchangeType::ike_sa_init &&
                  sa.outbound->sealed_size(inner.size()) > limit;
  if (fragment) {
    auto fragments = sa.outbound->seal_fragments(header, first, inner, limit, services.random);
    if (fragments) {
      services.log(sa, LogLevel::debug,
                   describe(header) + ": " + std::to_string(inner.size()) +
                       " bytes of payloads split into " + std::to_string(fragments->size()) +
                       " SKF fragments of at most " + std::to_string(limit) + " bytes");
    }
    return fragments;
  }
  auto sealed = sa.outbound->seal(header, first, inner, services.random);
  if (!sealed) return std::move(sealed).error();
  return std::vector<Bytes>{std::move(sealed).value()};
}

Result<std::optional<OpenedPayloads>> open_datagram(IkeSa& sa, Services& services,
                                                    const wire::Message& message, ByteView raw) {
  if (!sa.inbound) {
    return make_error(Errc::invalid_syntax, "protected message before keys exist");
  }
  if (message.encrypted()) {
    auto opened = sa.inbound->open(raw);
    if (!opened) return std::move(opened).error();
    auto inner = wire::decode_payload_chain(opened->first_inner, opened->inner_chain);
    if (!inner) return std::move(inner).error();
    return std::optional<OpenedPayloads>(OpenedPayloads{message.header, std::move(*inner)});
  }
  const auto* fragment = message.encrypted_fragment();
  if (!fragment) {
    return make_error(Errc::invalid_syntax, "message has neither SK nor SKF payload");
  }
  // RFC 7383 2.3, 2.4: fragments are used only when both peers announced
  // support in IKE_SA_INIT; fragmentation=no neither announces nor accepts.
  if (!sa.connection->fragmentation || !sa.peer_supports_fragmentation) {
    return make_error(
        Errc::fragment_rejected,
        "SKF fragment although IKE fragmentation was not negotiated" +
            std::string(sa.connection->fragmentation ? " (the peer did not announce it)"
                                                     : " (fragmentation=no)"));
  }
  const auto& header = message.header;
  auto& reassembler = header.is_response() ? sa.response_reassembler : sa.request_reassembler;
  if (!reassembler || reassembler->message_id() != header.message_id || reassembler->complete()) {
    reassembler = std::make_unique<wire::FragmentReassembler>(header.message_id);
  }
  auto result = reassembler->accept(raw, *sa.inbound);
  if (!result) return std::move(result).error();
  if (result->outcome != wire::FragmentOutcome::complete) {
    services.log(sa, LogLevel::debug,
                 describe(header) + ": SKF fragment " + std::to_string(fragment->number) + " of " +
                     std::to_string(fragment->total) + " " +
                     (result->outcome == wire::FragmentOutcome::duplicate ? "dropped as a duplicate"
                                                                          : "stored"));
    return std::optional<OpenedPayloads>();
  }
  auto& whole = *result->message;
  services.log(sa, LogLevel::debug,
               describe(header) + ": reassembled " + std::to_string(whole.inner_chain.size()) +
                   " bytes of payloads from " + std::to_string(whole.fragment_count) +
                   " SKF fragments");
  auto inner = wire::decode_payload_chain(whole.first_inner, whole.inner_chain);
  if (!inner) return std::move(inner).error();
  auto reassembled_header = whole.header;
  reassembler.reset();
  return std::optional<OpenedPayloads>(OpenedPayloads{reassembled_header, std::move(*inner)});
}

}  // namespace ike::sa
