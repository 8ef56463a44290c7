/// IKE_SA_INIT (RFC 7296 1.2, 2.6, 2.10, 2.23; RFC 7383 2.3; RFC 7427 4):
/// proposals, key exchange, nonces, NAT detection, fragmentation and
/// signature hash support; the initiator retries with a COOKIE or with the
/// group named in INVALID_KE_PAYLOAD.

#include <algorithm>
#include <memory>

#include "../ike_keys.hpp"
#include "../ike_proposals.hpp"
#include "ike/crypto/key_exchange.hpp"
#include "ike/crypto/pki/signature_scheme.hpp"
#include "ike/proposal/defaults.hpp"
#include "ike/proposal/response_check.hpp"
#include "ike/proposal/selection.hpp"
#include "ike/proposal/wire_conversion.hpp"
#include "ike/wire/message.hpp"
#include "tasks.hpp"

namespace ike::sa {

namespace {

Bytes random_nonce(Services& services, std::size_t size) {
  Bytes nonce(size);
  services.random.fill(nonce);
  return nonce;
}

/// Facts both roles learn from the peer's IKE_SA_INIT message.
void learn_peer_support(IkeSa& sa, const InboundMessage& in) {
  const auto& payloads = in.payloads;
  sa.peer_supports_fragmentation =
      wire::find_notify(payloads, wire::NotifyType::ikev2_fragmentation_supported) != nullptr;
  if (const auto* hashes =
          wire::find_notify(payloads, wire::NotifyType::signature_hash_algorithms)) {
    if (auto decoded = pki::decode_signature_hash_algorithms(hashes->data)) {
      sa.peer_signature_hashes = std::move(*decoded);
    }
  }
  sa.peer_requested_certificate =
      wire::find_payload(payloads, wire::PayloadType::certificate_request) != nullptr;
}

void add_support_notifies(const IkeSa& sa, std::vector<wire::Payload>& out) {
  // RFC 7383 2.3: the initiator announces fragmentation; the responder only
  // answers an announcement with its own.
  if (sa.connection->fragmentation && (sa.initiator || sa.peer_supports_fragmentation)) {
    out.push_back(wire::make_notify(wire::NotifyType::ikev2_fragmentation_supported));
  }
  out.push_back(wire::make_notify(
      wire::NotifyType::signature_hash_algorithms,
      pki::encode_signature_hash_algorithms(pki::advertised_signature_hash_algorithms())));
}

/// After NAT detection: RFC 7296 2.23 moves all later IKE traffic to 4500.
void float_to_nat_port(IkeSa& sa) {
  if (!(sa.nat_here || sa.nat_there || sa.connection->force_encapsulation)) return;
  if (sa.local.port == kIkePort) sa.local.port = kNatTraversalPort;
  if (sa.remote.port == kIkePort) sa.remote.port = kNatTraversalPort;
}

class IkeInitInitiator final : public Task {
 public:
  std::string_view name() const override { return "IKE_SA_INIT initiator"; }
  wire::ExchangeType exchange() const override { return wire::ExchangeType::ike_sa_init; }
  bool retry_keeps_message_id() const override { return true; }

  TaskStatus build(IkeSa& sa, Services& services, std::vector<wire::Payload>& out) override {
    if (proposals_.empty()) {
      proposals_ = ike_proposals(*sa.connection, proposal::DefaultsUse::offer);
      sa.nonce_i = random_nonce(services, 32);
    }
    auto group = proposal::preferred_ke_group(proposals_);
    if (!group) return fail(sa, "no key exchange group in the IKE proposals");
    if (!key_exchange_ || key_exchange_->group() != *group) {
      auto created = crypto::KeyExchange::create(*group, services.random);
      if (!created) return fail(sa, "key exchange: " + created.error().reason);
      key_exchange_ = std::move(*created);
    }
    if (std::find(sent_groups_.begin(), sent_groups_.end(), *group) == sent_groups_.end()) {
      sent_groups_.push_back(*group);
    }
    if (!cookie_.empty()) out.push_back(wire::make_notify(wire::NotifyType::cookie, cookie_));
    sent_ = proposal::to_sa_payload(proposals_, {});
    out.push_back(wire::Payload{wire::PayloadType::security_association, false, sent_});
    out.push_back(
        wire::Payload{wire::PayloadType::key_exchange, false,
                      wire::KePayload{*group, Bytes(key_exchange_->public_value().begin(),
                                                    key_exchange_->public_value().end())}});
    out.push_back(wire::Payload{wire::PayloadType::nonce, false, wire::NoncePayload{sa.nonce_i}});
    add_nat_detection(sa, 0, out);
    add_support_notifies(sa, out);
    return TaskStatus::done;
  }

  TaskStatus process(IkeSa& sa, Services& services, const InboundMessage& in) override {
    const auto& payloads = in.payloads;
    if (const auto* cookie = wire::find_notify(payloads, wire::NotifyType::cookie)) {
      if (++cookie_rounds_ > 3) return fail(sa, "responder keeps asking for cookies");
      cookie_ = cookie->data;
      services.log(sa, LogLevel::info, "responder asked for a COOKIE, retrying");
      return TaskStatus::need_more;
    }
    if (const auto* invalid_ke =
            wire::find_notify(payloads, wire::NotifyType::invalid_ke_payload)) {
      return retry_with_group(sa, services, *invalid_ke);
    }
    if (const auto* error = wire::find_error_notify(payloads)) {
      std::string reason = "IKE_SA_INIT refused by peer with " + wire::to_string(error->type);
      // The peer does not say what it accepts (RFC 7296 2.21.1): name our
      // offer so the operator can compare it with the peer's configuration.
      if (error->type == wire::NotifyType::no_proposal_chosen) {
        reason += "; we offered " + proposal::describe(sent_);
      }
      return fail(sa, std::move(reason));
    }
    const auto* sa_payload =
        wire::find_body<wire::SaPayload>(payloads, wire::PayloadType::security_association);
    const auto* ke = wire::find_body<wire::KePayload>(payloads, wire::PayloadType::key_exchange);
    const auto* nonce = wire::find_body<wire::NoncePayload>(payloads, wire::PayloadType::nonce);
    if (!sa_payload || !ke || !nonce) return fail(sa, "IKE_SA_INIT response lacks SA, KE or Nonce");
    auto selected = proposal::check_response(sent_, *sa_payload);
    if (!selected) return fail(sa, "IKE_SA_INIT response: " + selected.error().reason);
    if (ke->group != selected->algorithms.ke_group || ke->group != key_exchange_->group()) {
      return fail(sa, "responder's KE group " + wire::to_string(ke->group) +
                          " differs from the negotiated one");
    }
    if (in.header.spi_responder == 0) return fail(sa, "responder SPI is zero");
    sa.spi_r = in.header.spi_responder;
    sa.nonce_r = nonce->data;
    sa.algorithms = selected->algorithms;
    auto shared = key_exchange_->shared_secret(ke->data);
    if (!shared) return fail(sa, "key exchange: " + shared.error().reason);
    key_exchange_.reset();
    if (auto keys = establish_ike_keys(sa, services, *shared); !keys) {
      return fail(sa, "key derivation: " + keys.error().reason);
    }
    learn_peer_support(sa, in);
    if (process_nat_detection(sa, in)) float_to_nat_port(sa);
    services.log(sa, LogLevel::info,
                 "IKE_SA_INIT done: " + proposal::describe(*sa.algorithms) +
                     (sa.nat_here ? ", we are behind a NAT" : "") +
                     (sa.nat_there ? ", peer is behind a NAT" : ""));
    return TaskStatus::done;
  }

 private:
  TaskStatus retry_with_group(IkeSa& sa, Services& services, const wire::NotifyPayload& notify) {
    if (notify.data.size() != 2) return fail(sa, "INVALID_KE_PAYLOAD without a 2-byte group");
    auto group = static_cast<wire::KeGroup>(notify.data[0] << 8 | notify.data[1]);
    // Only a group we proposed ourselves, and only once per group (RFC 7296
    // 1.3): a responder (or an off-path forger: these notifies are not
    // authenticated, 2.21.1) naming group after group, or going back to one
    // we already sent, would otherwise keep us exchanging without end.
    if (std::find(sent_groups_.begin(), sent_groups_.end(), group) != sent_groups_.end()) {
      return fail(sa, "peer asks for " + wire::to_string(group) + " which we already sent");
    }
    if (!proposal::promote_ke_group(proposals_, group)) {
      return fail(sa,
                  "peer asks for group " + wire::to_string(group) + " which we did not propose");
    }
    services.log(sa, LogLevel::info,
                 "peer prefers " + wire::to_string(group) + " (INVALID_KE_PAYLOAD), retrying");
    return TaskStatus::need_more;
  }

  TaskStatus fail(IkeSa& sa, std::string reason) {
    sa.last_failure = std::move(reason);
    return TaskStatus::destroy_sa;
  }

  std::vector<proposal::CryptoProposal> proposals_;
  std::unique_ptr<crypto::KeyExchange> key_exchange_;
  // The groups of the KE payloads sent so far, each at most once.
  std::vector<wire::KeGroup> sent_groups_;
  wire::SaPayload sent_;
  Bytes cookie_;
  int cookie_rounds_ = 0;
};

class IkeInitResponder final : public Task {
 public:
  std::string_view name() const override { return "IKE_SA_INIT responder"; }
  wire::ExchangeType exchange() const override { return wire::ExchangeType::ike_sa_init; }

  TaskStatus process(IkeSa& sa, Services& services, const InboundMessage& in) override {
    const auto& payloads = in.payloads;
    const auto* offered =
        wire::find_body<wire::SaPayload>(payloads, wire::PayloadType::security_association);
    const auto* ke = wire::find_body<wire::KePayload>(payloads, wire::PayloadType::key_exchange);
    const auto* nonce = wire::find_body<wire::NoncePayload>(payloads, wire::PayloadType::nonce);
    if (!offered || !ke || !nonce) {
      return refuse(sa, wire::NotifyType::invalid_syntax, "IKE_SA_INIT lacks SA, KE or Nonce");
    }
    proposal::SelectionRequest selection;
    selection.protocol = wire::ProtocolId::ike;
    selection.spi_size = 0;
    selection.initiator_ke_group = ke->group;
    auto choice = proposal::select_proposal(
        *offered, ike_proposals(*sa.connection, proposal::DefaultsUse::accept), selection);
    if (!choice) {
      return refuse(sa, wire::NotifyType::no_proposal_chosen, choice.error().reason);
    }
    if (choice->invalid_ke_group) {
      auto group = static_cast<std::uint16_t>(*choice->invalid_ke_group);
      refusal_data_ =
          Bytes{static_cast<std::uint8_t>(group >> 8), static_cast<std::uint8_t>(group)};
      // The initiator will try again with that group: not a failure.
      sa.ends_as_expected = true;
      return refuse(sa, wire::NotifyType::invalid_ke_payload,
                    "initiator sent KE for " + wire::to_string(ke->group) + ", asking for " +
                        wire::to_string(*choice->invalid_ke_group));
    }
    sa.algorithms = choice->selected.algorithms;
    sa.nonce_i = nonce->data;
    sa.nonce_r = random_nonce(services, 32);
    auto key_exchange = crypto::KeyExchange::create(ke->group, services.random);
    if (!key_exchange) {
      return refuse(sa, wire::NotifyType::no_proposal_chosen,
                    "key exchange: " + key_exchange.error().reason);
    }
    auto shared = (*key_exchange)->shared_secret(ke->data);
    if (!shared) {
      return refuse(sa, wire::NotifyType::invalid_syntax,
                    "initiator's KE value: " + shared.error().reason);
    }
    our_public_ =
        Bytes((*key_exchange)->public_value().begin(), (*key_exchange)->public_value().end());
    if (auto keys = establish_ike_keys(sa, services, *shared); !keys) {
      return refuse(sa, wire::NotifyType::no_proposal_chosen,
                    "key derivation: " + keys.error().reason);
    }
    selected_ = choice->selected;
    learn_peer_support(sa, in);
    nat_traversal_ = process_nat_detection(sa, in);
    services.log(sa, LogLevel::info,
                 "IKE_SA_INIT from " + in.remote.to_string() + ": " +
                     proposal::describe(*sa.algorithms) +
                     (sa.nat_there ? ", peer is behind a NAT" : ""));
    return TaskStatus::done;
  }

  TaskStatus build(IkeSa& sa, Services& services, std::vector<wire::Payload>& out) override {
    if (refusal_) {
      out.push_back(wire::make_notify(*refusal_, refusal_data_));
      return TaskStatus::destroy_sa;
    }
    out.push_back(wire::Payload{wire::PayloadType::security_association, false,
                                proposal::response_sa_payload(selected_, {})});
    out.push_back(wire::Payload{wire::PayloadType::key_exchange, false,
                                wire::KePayload{sa.algorithms->ke_group, our_public_}});
    out.push_back(wire::Payload{wire::PayloadType::nonce, false, wire::NoncePayload{sa.nonce_r}});
    if (nat_traversal_) add_nat_detection(sa, sa.spi_r, out);
    add_support_notifies(sa, out);
    if (sa.connection->remote_auth == AuthClass::pubkey) {
      if (const auto* trust = services.credentials.trust_store()) {
        auto authorities = trust->certreq_authorities();
        if (!authorities.empty()) {
          out.push_back(wire::Payload{
              wire::PayloadType::certificate_request, false,
              wire::CertReqPayload{wire::CertEncoding::x509_signature, std::move(authorities)}});
        }
      }
    }
    // The initiator floats to 4500 for IKE_AUTH; we answer where it speaks
    // from, so nothing to change here.
    return TaskStatus::done;
  }

 private:
  TaskStatus refuse(IkeSa& sa, wire::NotifyType type, std::string reason) {
    refusal_ = type;
    sa.last_failure = "IKE_SA_INIT refused with " + wire::to_string(type) + ": " + reason;
    return TaskStatus::destroy_sa;
  }

  std::optional<wire::NotifyType> refusal_;
  Bytes refusal_data_;
  proposal::SelectedProposal selected_;
  Bytes our_public_;
  bool nat_traversal_ = false;
};

}  // namespace

std::unique_ptr<Task> make_ike_init_initiator() {
  return std::make_unique<IkeInitInitiator>();
}
std::unique_ptr<Task> make_ike_init_responder() {
  return std::make_unique<IkeInitResponder>();
}

}  // namespace ike::sa
