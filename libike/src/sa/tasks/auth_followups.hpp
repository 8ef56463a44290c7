#pragma once
/// What an IKE_AUTH initiator still owes the responder when it rejects the
/// IKE_AUTH response, so that the responder keeps nothing it thinks is up:
///  - the responder failed our authentication of it: an INFORMATIONAL with
///    N(AUTHENTICATION_FAILED) (RFC 7296 2.21.2, the one exception to "no
///    new exchange because of an error in a response"); the responder then
///    tears its IKE SA down (auth_failed responder below);
///  - the responder created the first CHILD SA, but we cannot accept what it
///    chose (tunnel for transport, selectors, a kernel failure here): a
///    Delete for its half (RFC 7296 1.3.1, 2.9).

#include <cstdint>
#include <memory>
#include <string>

#include "ike/sa/task.hpp"

namespace ike::sa {

/// INFORMATIONAL request with N(AUTHENTICATION_FAILED); destroys the IKE SA
/// once answered (or when the retransmissions run out), with the reason the
/// caller left in `sa.last_failure`.
std::unique_ptr<Task> make_auth_failed_notifier();

/// Answers an INFORMATIONAL request carrying N(AUTHENTICATION_FAILED) right
/// after IKE_AUTH: the peer did not accept our identity or AUTH, so the IKE
/// SA and its CHILD SAs go.
std::unique_ptr<Task> make_auth_failed_responder();

/// True when `request` is such a notification (the responder factory's test).
bool is_auth_failed_notification(const IkeSa& sa, const InboundMessage& request);

/// INFORMATIONAL request with D(ESP, `our_spi`): deletes the CHILD SA the
/// responder installed for a request of ours that we then refused. Nothing
/// of it exists on our side any more.
std::unique_ptr<Task> make_refused_child_delete(std::uint32_t our_spi, std::string child_name);

}  // namespace ike::sa
