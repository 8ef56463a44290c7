#pragma once
/// Factories of the exchange tasks; each task lives in its own file here.

#include <cstdint>
#include <memory>
#include <string>

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

/// CREATE_CHILD_SA for one more CHILD SA of `child` on an established IKE SA
/// (RFC 7296 1.3.1); skipped when a CHILD SA of that config is already up.
std::unique_ptr<Task> make_child_create_initiator(const ChildConfig& child);
std::unique_ptr<Task> make_child_create_responder();
/// Rekeys the CHILD SA `child_serial` with N(REKEY_SA) (RFC 7296 1.3.3, 2.8).
std::unique_ptr<Task> make_child_rekey_initiator(std::uint32_t child_serial);
std::unique_ptr<Task> make_child_rekey_responder();
/// Rekeys the IKE SA into a new one with new SPIs and keys (RFC 7296 1.3.2, 2.18).
std::unique_ptr<Task> make_ike_rekey_initiator();
std::unique_ptr<Task> make_ike_rekey_responder();
/// Deletes the CHILD SA `child_serial` with D(ESP) of our inbound SPI (RFC 7296
/// 1.4.1) and removes it when answered. `replaced`: a rekey superseded it, it
/// goes without child_down.
std::unique_ptr<Task> make_child_delete_initiator(std::uint32_t child_serial, std::string why,
                                                  bool replaced);

/// The responder task for a request on an established IKE SA, chosen by
/// exchange type and content; nullptr when no task takes it (the request is
/// then answered with an empty response or refused, see engine.cpp).
std::unique_ptr<Task> make_responder_task(const IkeSa& sa, const InboundMessage& request);

}  // namespace ike::sa
