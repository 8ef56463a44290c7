// libFuzzer target for the message and payload chain decoders: decoding must
// never crash, and whatever decodes must survive encode -> decode unchanged.
// Also the cookie gate's peek at the clear chain.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "ike/wire/exchange_rules.hpp"
#include "ike/wire/message.hpp"

namespace {

using namespace ike;
using namespace ike::wire;

void check_message(ByteView data) {
  auto message = decode_message(data);
  if (!message) {
    (void)notify_for_error(message.error());
    return;
  }
  Bytes again = encode_message(message->header, message->payloads);
  auto decoded = decode_message(again);
  if (!decoded || *decoded != *message) std::abort();
  // Re-encoding what was decoded from our own encoding is byte-exact.
  if (encode_message(decoded->header, decoded->payloads) != again) std::abort();
  (void)check_exchange_rules(message->header, message->payloads, nullptr);
}

void check_inner_chain(ByteView data) {
  if (data.empty()) return;
  auto first = static_cast<PayloadType>(data[0]);
  auto chain = decode_payload_chain(first, data.subspan(1));
  if (!chain) return;
  Bytes again = encode_payload_chain(*chain);
  auto decoded = decode_payload_chain(chain_first_type(*chain), again);
  if (!decoded || *decoded != *chain) std::abort();
  if (!check_encodable(*chain)) std::abort();
  IkeHeader header;
  for (auto exchange : all_values(ExchangeType{})) {
    header.exchange = exchange;
    (void)check_exchange_rules(header, {}, &*chain);
    std::vector<Payload> sorted = *chain;
    sort_for_sending(exchange, false, sorted);
    if (sorted.size() != chain->size()) std::abort();
  }
}

/// The cookie gate's walk (peek_payload_body) stays inside the datagram, and
/// agrees with the decoder on every message the decoder accepts.
void check_peek(ByteView data) {
  for (auto type : {PayloadType::nonce, PayloadType::notify, PayloadType::security_association}) {
    for (bool first_only : {false, true}) {
      auto body = peek_payload_body(data, type, first_only);
      if (!body) continue;
      if (body->data() < data.data() || body->data() + body->size() > data.data() + data.size())
        std::abort();
    }
  }
  auto message = decode_message(data);
  if (!message) return;
  auto nonce = peek_payload_body(data, PayloadType::nonce);
  const auto* decoded = message->first_body<NoncePayload>(PayloadType::nonce);
  if ((decoded != nullptr) != nonce.has_value()) std::abort();
  if (decoded &&
      !std::equal(nonce->begin(), nonce->end(), decoded->data.begin(), decoded->data.end()))
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView input(data, size);
  check_message(input);
  check_inner_chain(input);
  check_peek(input);
  return 0;
}
