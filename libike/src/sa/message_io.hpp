#pragma once
/// Turning a task's payloads into datagrams for one IKE SA (order, encoding,
/// SK protection, RFC 7383 fragmentation), and received datagrams back into
/// payloads (SK opening, fragment reassembly).

#include <optional>
#include <vector>

#include "ike/sa/ike_sa.hpp"
#include "ike/sa/task.hpp"
#include "ike/wire/message.hpp"

namespace ike::sa {

/// The datagrams of one message of `sa`: a single one, or its SKF fragments
/// when fragmentation was negotiated and the message exceeds the
/// connection's fragment size.
Result<std::vector<Bytes>> build_datagrams(IkeSa& sa, Services& services,
                                           wire::ExchangeType exchange, bool response,
                                           std::uint32_t message_id,
                                           std::vector<wire::Payload> payloads);

struct OpenedPayloads {
  wire::IkeHeader header;
  std::vector<wire::Payload> payloads;
};

/// Decrypts a received SK message, or stores an SKF fragment and returns
/// nullopt until the message is complete (requests and responses are
/// reassembled separately; fragments are refused unless fragmentation was
/// negotiated). Errors are to be logged and the datagram dropped (RFC 7296
/// 2.21.2). Fragments stored and messages reassembled are logged (debug).
Result<std::optional<OpenedPayloads>> open_datagram(IkeSa& sa, Services& services,
                                                    const wire::Message& message, ByteView raw);

}  // namespace ike::sa
