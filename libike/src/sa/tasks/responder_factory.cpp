/// Which task answers a request on an IKE SA past IKE_AUTH.

#include "auth_followups.hpp"
#include "child_exchange.hpp"
#include "tasks.hpp"

namespace ike::sa {

std::unique_ptr<Task> make_responder_task(const IkeSa& sa, const InboundMessage& request) {
  switch (request.header.exchange) {
    case wire::ExchangeType::informational:
      if (is_auth_failed_notification(sa, request)) return make_auth_failed_responder();
      return make_informational_responder();
    case wire::ExchangeType::create_child_sa:
      return make_create_child_sa_responder(sa, request);
    default:
      return nullptr;
  }
}

}  // namespace ike::sa
