/// Which task answers a request on an IKE SA past IKE_AUTH.

#include "tasks.hpp"

namespace ike::sa {

std::unique_ptr<Task> make_responder_task(const IkeSa&, const InboundMessage& request) {
  switch (request.header.exchange) {
    case wire::ExchangeType::informational:
      return make_informational_responder();
    default:
      return nullptr;
  }
}

}  // namespace ike::sa
