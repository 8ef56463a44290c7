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
                  exchange != wire::ExchangeType::ike_sa_init &&
                  sa.outbound->sealed_size(inner.size()) > limit;
  if (fragment) {
    return sa.outbound->seal_fragments(header, first, inner, limit, services.random);
  }
  auto sealed = sa.outbound->seal(header, first, inner, services.random);
  if (!sealed) return std::move(sealed).error();
  return std::vector<Bytes>{std::move(sealed).value()};
}

Result<std::optional<OpenedPayloads>> open_datagram(IkeSa& sa, const wire::Message& message,
                                                    ByteView raw) {
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
  if (!message.encrypted_fragment()) {
    return make_error(Errc::invalid_syntax, "message has neither SK nor SKF payload");
  }
  if (!sa.reassembler || sa.reassembler->message_id() != message.header.message_id ||
      sa.reassembler->complete()) {
    sa.reassembler.emplace(message.header.message_id);
  }
  auto result = sa.reassembler->accept(raw, *sa.inbound);
  if (!result) return std::move(result).error();
  if (result->outcome != wire::FragmentOutcome::complete) return std::optional<OpenedPayloads>();
  auto& whole = *result->message;
  auto inner = wire::decode_payload_chain(whole.first_inner, whole.inner_chain);
  if (!inner) return std::move(inner).error();
  auto header = whole.header;
  sa.reassembler.reset();
  return std::optional<OpenedPayloads>(OpenedPayloads{header, std::move(*inner)});
}

}  // namespace ike::sa
