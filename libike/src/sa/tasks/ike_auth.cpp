/// IKE_AUTH (RFC 7296 1.2, 2.15, 2.21.2; RFC 7427): identities, AUTH with a
/// pre-shared key or certificates, and the first CHILD SA. A CHILD SA that
/// fails does not fail the IKE SA (RFC 7296 2.21.2).

#include <memory>

#include "../authenticator.hpp"
#include "../child_negotiation.hpp"
#include "auth_followups.hpp"
#include "ike/sa/lifetime.hpp"
#include "ike/wire/message.hpp"
#include "tasks.hpp"

namespace ike::sa {

namespace {

/// The IKE_SA_INIT messages serve only the AUTH octets; once both AUTH values
/// are built and checked they are not kept for the life of the SA.
void forget_init_messages(IkeSa& sa) {
  Bytes().swap(sa.init_message_ours);
  Bytes().swap(sa.init_message_peers);
}

/// The IKE_SA_INIT nonces key the first CHILD SA; later ones and rekeys
/// bring their own.
void forget_nonces(IkeSa& sa) {
  Bytes().swap(sa.nonce_i);
  Bytes().swap(sa.nonce_r);
}

void mark_established(IkeSa& sa, Services& services) {
  sa.state = IkeState::established;
  sa.established_at = services.now;
  auto lifetime = schedule_lifetime(sa.connection->ike_lifetime, services.random);
  sa.expire_at = services.now + lifetime.expire_after;
  if (lifetime.rekey_after) sa.rekey_at = services.now + *lifetime.rekey_after;
  services.publish(sa, EventKind::ike_up,
                   "IKE SA established between " + sa.local.to_string() + " [" +
                       sa.connection->local_id.to_string() + "] and " + sa.remote.to_string() +
                       " [" + (sa.peer_id ? sa.peer_id->to_string() : "?") + "]");
}

void drop_stale_sas_on_initial_contact(IkeSa& sa, Services& services, const InboundMessage& in) {
  if (!services.registry || !wire::find_notify(in.payloads, wire::NotifyType::initial_contact))
    return;
  if (auto dropped = services.registry->drop_ike_sas_replaced_by(sa)) {
    services.log(sa, LogLevel::info,
                 "INITIAL_CONTACT: dropped " + std::to_string(dropped) + " stale IKE SA(s)");
  }
}

/// The peer's IDi, and the IDr it may have asked for, can point to another
/// connection between the same addresses than IKE_SA_INIT's guess.
void choose_connection(IkeSa& sa, Services& services, const wire::IdPayload& id,
                       const std::vector<wire::Payload>& payloads) {
  if (!services.registry) return;
  auto peer = pki::Identity::from_payload(id.id_type, id.data);
  if (!peer) return;  // verify_peer reports it
  std::optional<pki::Identity> ours;
  if (const auto* idr =
          wire::find_body<wire::IdPayload>(payloads, wire::PayloadType::id_responder)) {
    if (auto parsed = pki::Identity::from_payload(idr->id_type, idr->data))
      ours = std::move(*parsed);
  }
  services.registry->choose_connection_by_identity(sa, *peer, ours);
}

wire::Payload payload(wire::PayloadType type, wire::PayloadBody body) {
  return wire::Payload{type, false, std::move(body)};
}

class IkeAuthInitiator final : public Task {
 public:
  explicit IkeAuthInitiator(const ChildConfig* child) {
    if (child) child_.emplace(*child);
  }
  std::string_view name() const override { return "IKE_AUTH initiator"; }
  wire::ExchangeType exchange() const override { return wire::ExchangeType::ike_auth; }

  TaskStatus build(IkeSa& sa, Services& services, std::vector<wire::Payload>& out) override {
    auto id = our_id_payload(sa);
    out.push_back(payload(wire::PayloadType::id_initiator, id));
    const auto& connection = *sa.connection;
    if (!connection.remote_id.is_any() && !connection.remote_id.has_wildcards()) {
      out.push_back(payload(wire::PayloadType::id_responder,
                            wire::IdPayload{connection.remote_id.type, connection.remote_id.data}));
    }
    for (auto& cert : our_certificates(sa))
      out.push_back(std::move(cert));
    // Our first IKE SA with this peer: whatever it still holds of ours is
    // stale (we restarted), RFC 7296 2.4.
    if (connection.initial_contact && services.registry &&
        !services.registry->has_other_ike_sa_to_peer(sa))
      out.push_back(wire::make_notify(wire::NotifyType::initial_contact));
    if (connection.remote_auth == AuthClass::pubkey) {
      if (const auto* trust = services.credentials.trust_store()) {
        auto authorities = trust->certreq_authorities();
        if (!authorities.empty()) {
          out.push_back(payload(
              wire::PayloadType::certificate_request,
              wire::CertReqPayload{wire::CertEncoding::x509_signature, std::move(authorities)}));
        }
      }
    }
    auto auth = build_auth(sa, services, id);
    if (!auth) return fail(sa, "cannot authenticate: " + auth.error().reason);
    out.push_back(payload(wire::PayloadType::authentication, std::move(*auth)));
    if (child_) {
      if (auto built = child_->build(sa, services, out, /*include_ke_groups=*/false); !built) {
        // A CHILD SA we were asked for and cannot even request is a failed
        // negotiation for the operator, like a refused one.
        services.publish(
            sa, EventKind::failed,
            "CHILD SA '" + child_->config().name + "' not requested: " + built.error().reason);
        child_.reset();
      }
    }
    return TaskStatus::done;
  }

  TaskStatus process(IkeSa& sa, Services& services, const InboundMessage& in) override {
    const auto& payloads = in.payloads;
    const auto* id = wire::find_body<wire::IdPayload>(payloads, wire::PayloadType::id_responder);
    const auto* auth =
        wire::find_body<wire::AuthPayload>(payloads, wire::PayloadType::authentication);
    if (!id || !auth) {
      const auto* error = wire::find_error_notify(payloads);
      abandon_child(sa, services, "IKE_AUTH failed");
      return fail(sa, error ? "peer refused IKE_AUTH with " + wire::to_string(error->type)
                            : "IKE_AUTH response lacks IDr or AUTH");
    }
    if (auto verified = verify_peer(sa, services, *id, *auth, payloads); !verified) {
      abandon_child(sa, services, "peer authentication failed");
      // The responder thinks the IKE SA is up: tell it (auth_followups.hpp);
      // the notifier destroys the SA with this reason once answered.
      sa.last_failure = "peer authentication failed: " + verified.error().reason;
      sa.queued.push_front(make_auth_failed_notifier());
      return TaskStatus::failed;
    }
    mark_established(sa, services);
    forget_init_messages(sa);
    drop_stale_sas_on_initial_contact(sa, services, in);
    if (!child_) {
      forget_nonces(sa);
      return TaskStatus::done;
    }
    auto our_spi = child_->spi_in();
    auto child = child_->complete(sa, services, payloads, sa.nonce_i, sa.nonce_r);
    forget_nonces(sa);
    if (!child) {
      abandon_child(sa, services, child.error().reason);
      // A response with an SA payload and no refusal means the responder
      // installed its half; it must not stay (auth_followups.hpp).
      bool peer_installed =
          wire::find_payload(payloads, wire::PayloadType::security_association) != nullptr &&
          wire::find_error_notify(payloads) == nullptr;
      if (peer_installed && our_spi != 0) {
        sa.queued.push_front(make_refused_child_delete(our_spi, child_->config().name));
      }
      sa.last_failure = "CHILD SA failed: " + child.error().reason;
      services.publish(sa, EventKind::failed, sa.last_failure);
      return TaskStatus::failed;
    }
    return TaskStatus::done;
  }

  void abandon(IkeSa& sa, Services& services) override {
    abandon_child(sa, services, "IKE SA destroyed during IKE_AUTH");
  }

 private:
  void abandon_child(IkeSa& sa, Services& services, const std::string& why) {
    if (child_) child_->abandon(sa, services, why);
  }
  TaskStatus fail(IkeSa& sa, std::string reason) {
    sa.last_failure = std::move(reason);
    return TaskStatus::destroy_sa;
  }

  std::optional<ChildInitiator> child_;
};

class IkeAuthResponder final : public Task {
 public:
  std::string_view name() const override { return "IKE_AUTH responder"; }
  wire::ExchangeType exchange() const override { return wire::ExchangeType::ike_auth; }

  TaskStatus process(IkeSa& sa, Services& services, const InboundMessage& in) override {
    const auto& payloads = in.payloads;
    const auto* id = wire::find_body<wire::IdPayload>(payloads, wire::PayloadType::id_initiator);
    const auto* auth =
        wire::find_body<wire::AuthPayload>(payloads, wire::PayloadType::authentication);
    if (!id || !auth) return refuse(sa, "IKE_AUTH request lacks IDi or AUTH (EAP is not offered)");
    choose_connection(sa, services, *id, payloads);
    if (auto verified = verify_peer(sa, services, *id, *auth, payloads); !verified) {
      return refuse(sa, "peer authentication failed: " + verified.error().reason);
    }
    if (wire::find_payload(payloads, wire::PayloadType::certificate_request)) {
      sa.peer_requested_certificate = true;
    }
    mark_established(sa, services);
    // Before the CHILD SA goes in, so the new one does not meet the stale
    // one's policies.
    drop_stale_sas_on_initial_contact(sa, services, in);
    if (wire::find_payload(payloads, wire::PayloadType::security_association)) {
      child_ = respond_child(sa, services, payloads, sa.nonce_i, sa.nonce_r);
    }
    return TaskStatus::done;
  }

  TaskStatus build(IkeSa& sa, Services& services, std::vector<wire::Payload>& out) override {
    if (failed_) {
      out.push_back(wire::make_notify(wire::NotifyType::authentication_failed));
      return TaskStatus::destroy_sa;
    }
    auto id = our_id_payload(sa);
    out.push_back(payload(wire::PayloadType::id_responder, id));
    for (auto& cert : our_certificates(sa))
      out.push_back(std::move(cert));
    auto auth = build_auth(sa, services, id);
    if (!auth) {
      sa.last_failure = "cannot authenticate ourselves: " + auth.error().reason;
      out.clear();
      out.push_back(wire::make_notify(wire::NotifyType::authentication_failed));
      return TaskStatus::destroy_sa;
    }
    out.push_back(payload(wire::PayloadType::authentication, std::move(*auth)));
    if (child_) {
      for (auto& item : child_->payloads)
        out.push_back(std::move(item));
    }
    // Both AUTH values are built and checked, the CHILD SA is keyed.
    forget_init_messages(sa);
    forget_nonces(sa);
    return TaskStatus::done;
  }

 private:
  TaskStatus refuse(IkeSa& sa, std::string reason) {
    failed_ = true;
    sa.last_failure = std::move(reason);
    return TaskStatus::destroy_sa;
  }

  bool failed_ = false;
  std::optional<ChildResponse> child_;
};

}  // namespace

std::unique_ptr<Task> make_ike_auth_initiator(const ChildConfig* child) {
  return std::make_unique<IkeAuthInitiator>(child);
}
std::unique_ptr<Task> make_ike_auth_responder() {
  return std::make_unique<IkeAuthResponder>();
}

}  // namespace ike::sa
