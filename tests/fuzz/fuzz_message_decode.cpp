// libFuzzer target for the message and payload chain decoders: decoding must
// never crash, and whatever decodes must survive encode -> decode unchanged.

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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView input(data, size);
  check_message(input);
  check_inner_chain(input);
  return 0;
}
