#pragma once
/// Factories of the exchange tasks; each task lives in its own file here.

#include <memory>

#include "ike/sa/task.hpp"

namespace ike::sa {

std::unique_ptr<Task> make_ike_init_initiator();
std::unique_ptr<Task> make_ike_init_responder();
/// `child` is the CHILD SA to create with IKE_AUTH, or nullptr for none.
std::unique_ptr<Task> make_ike_auth_initiator(const ChildConfig* child);
std::unique_ptr<Task> make_ike_auth_responder();
/// Deletes the whole IKE SA (INFORMATIONAL with D(IKE)).
std::unique_ptr<Task> make_ike_delete_initiator();
/// Answers INFORMATIONAL requests: IKE and CHILD deletes, empty liveness checks.
std::unique_ptr<Task> make_informational_responder();

/// The responder task for a request on an established IKE SA, chosen by
/// exchange type and content; nullptr when no task takes it (the request is
/// then answered with an empty response or refused, see engine.cpp).
std::unique_ptr<Task> make_responder_task(const IkeSa& sa, const InboundMessage& request);

}  // namespace ike::sa
