#pragma once
/// What the CREATE_CHILD_SA tasks share (RFC 7296 1.3): nonces, the
/// initiator's side of a PFS key exchange for a CHILD SA, and the refusals a
/// responder sends when the request collides with an exchange of its own
/// (RFC 7296 2.25).

#include <memory>
#include <optional>

#include "../child_negotiation.hpp"
#include "ike/crypto/key_exchange.hpp"
#include "ike/sa/task.hpp"

namespace ike::sa {

/// Our Ni or Nr for a CREATE_CHILD_SA: 32 octets, enough for every PRF we
/// offer (RFC 7296 2.10).
Bytes make_child_nonce(Services& services);
wire::Payload nonce_payload(const Bytes& nonce);
/// The peer's Ni or Nr, or nullptr.
const Bytes* peer_nonce(const std::vector<wire::Payload>& payloads);

/// The group N(INVALID_KE_PAYLOAD) asks for, when the response carries one
/// with the 2-octet group (RFC 7296 1.3, 3.10.1).
std::optional<wire::KeGroup> invalid_ke_group(const std::vector<wire::Payload>& payloads);

/// The initiator's PFS key exchange for one CHILD SA (RFC 7296 1.3.1): a KE
/// payload for the first group of the CHILD config's ESP proposals, none when
/// they name no group.
class ChildPfs {
 public:
  /// Adds KEi when the proposals ask for PFS, and tells `initiator` which
  /// group the responder must select.
  Status add_ke(const ChildConfig& config, Services& services, ChildInitiator& initiator,
                std::vector<wire::Payload>& out);
  /// After N(INVALID_KE_PAYLOAD): the next add_ke() uses `group`, if we
  /// proposed it and did not send it already. False otherwise.
  bool retry_with(const ChildConfig& config, wire::KeGroup group);
  /// g^ir from the responder's KEr (empty without PFS). Fails when KEr is
  /// missing, for another group, or not a valid public value.
  Result<crypto::SecretBytes> shared_secret(const std::vector<wire::Payload>& response) const;

 private:
  std::optional<wire::KeGroup> group_;
  std::unique_ptr<crypto::KeyExchange> exchange_;
};

/// The responder task for a CREATE_CHILD_SA request: N(TEMPORARY_FAILURE)
/// when it collides with something we are doing (RFC 7296 2.25: our IKE SA
/// is being rekeyed or deleted, or an IKE rekey arrives while an exchange of
/// ours is in flight), else the IKE rekey responder (SA for protocol IKE), the
/// CHILD rekey responder (N(REKEY_SA)), or the new CHILD SA responder.
std::unique_ptr<Task> make_create_child_sa_responder(const IkeSa& sa,
                                                     const InboundMessage& request);

/// Answers a request with one notify (TEMPORARY_FAILURE, CHILD_SA_NOT_FOUND)
/// and does nothing else; `why` goes into the log.
std::unique_ptr<Task> make_refusing_responder(wire::ExchangeType exchange, wire::NotifyType notify,
                                              std::string why, Bytes spi = {},
                                              wire::ProtocolId protocol = wire::ProtocolId::none);

}  // namespace ike::sa
