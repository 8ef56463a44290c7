#include "child_exchange.hpp"

#include <algorithm>

#include "ike/wire/message.hpp"
#include "tasks.hpp"

namespace ike::sa {

Bytes make_child_nonce(Services& services) {
  Bytes nonce(32);
  services.random.fill(nonce);
  return nonce;
}

wire::Payload nonce_payload(const Bytes& nonce) {
  return wire::Payload{wire::PayloadType::nonce, false, wire::NoncePayload{nonce}};
}

const Bytes* peer_nonce(const std::vector<wire::Payload>& payloads) {
  const auto* nonce = wire::find_body<wire::NoncePayload>(payloads, wire::PayloadType::nonce);
  return nonce ? &nonce->data : nullptr;
}

std::optional<wire::KeGroup> invalid_ke_group(const std::vector<wire::Payload>& payloads) {
  const auto* notify = wire::find_notify(payloads, wire::NotifyType::invalid_ke_payload);
  if (!notify || notify->data.size() != 2) return std::nullopt;
  return static_cast<wire::KeGroup>(notify->data[0] << 8 | notify->data[1]);
}

Status ChildPfs::add_ke(const ChildConfig& config, Services& services, ChildInitiator& initiator,
                        std::vector<wire::Payload>& out) {
  if (!group_) {
    auto preferred = proposal::preferred_ke_group(esp_proposals(config, false));
    if (!preferred || *preferred == wire::KeGroup::none) return {};
    group_ = *preferred;
  }
  if (!exchange_ || exchange_->group() != *group_) {
    auto created = crypto::KeyExchange::create(*group_, services.random);
    if (!created) return std::move(created).error();
    exchange_ = std::move(*created);
  }
  auto value = exchange_->public_value();
  out.push_back(wire::Payload{wire::PayloadType::key_exchange, false,
                              wire::KePayload{*group_, Bytes(value.begin(), value.end())}});
  initiator.expect_ke_group(*group_);
  return {};
}

bool ChildPfs::retry_with(const ChildConfig& config, wire::KeGroup group) {
  if (group == wire::KeGroup::none || (group_ && *group_ == group)) return false;
  auto proposals = esp_proposals(config, false);
  bool proposed = std::any_of(proposals.begin(), proposals.end(), [group](const auto& p) {
    return std::find(p.ke_groups.begin(), p.ke_groups.end(), group) != p.ke_groups.end();
  });
  if (!proposed) return false;
  group_ = group;
  return true;
}

Result<crypto::SecretBytes> ChildPfs::shared_secret(
    const std::vector<wire::Payload>& response) const {
  const auto* ke = wire::find_body<wire::KePayload>(response, wire::PayloadType::key_exchange);
  if (!exchange_) {
    if (ke) return make_error(Errc::invalid_syntax, "KEr in the response to a request without KEi");
    return crypto::SecretBytes{};
  }
  if (!ke) return make_error(Errc::invalid_syntax, "response lacks KEr for PFS");
  if (ke->group != exchange_->group()) {
    return make_error(Errc::no_proposal_chosen, "KEr is for " + wire::to_string(ke->group) +
                                                    ", KEi was for " +
                                                    wire::to_string(exchange_->group()));
  }
  return exchange_->shared_secret(ke->data);
}

namespace {

class RefusingResponder final : public Task {
 public:
  RefusingResponder(wire::ExchangeType exchange, wire::NotifyType notify, std::string why,
                    Bytes spi, wire::ProtocolId protocol)
      : exchange_(exchange),
        notify_(notify),
        why_(std::move(why)),
        spi_(std::move(spi)),
        protocol_(protocol) {}
  std::string_view name() const override { return "refusing responder"; }
  wire::ExchangeType exchange() const override { return exchange_; }
  TaskStatus process(IkeSa& sa, Services& services, const InboundMessage&) override {
    services.log(sa, LogLevel::info,
                 "answering " + wire::to_string(exchange_) + " with " + wire::to_string(notify_) +
                     ": " + why_);
    return TaskStatus::done;
  }
  TaskStatus build(IkeSa&, Services&, std::vector<wire::Payload>& out) override {
    out.push_back(wire::make_notify(notify_, {}, protocol_, spi_));
    return TaskStatus::done;
  }

 private:
  wire::ExchangeType exchange_;
  wire::NotifyType notify_;
  std::string why_;
  Bytes spi_;
  wire::ProtocolId protocol_;
};

bool asks_ike_rekey(const InboundMessage& request) {
  const auto* offered =
      wire::find_body<wire::SaPayload>(request.payloads, wire::PayloadType::security_association);
  return offered && !offered->proposals.empty() &&
         offered->proposals.front().protocol == wire::ProtocolId::ike;
}

}  // namespace

std::unique_ptr<Task> make_refusing_responder(wire::ExchangeType exchange, wire::NotifyType notify,
                                              std::string why, Bytes spi,
                                              wire::ProtocolId protocol) {
  return std::make_unique<RefusingResponder>(exchange, notify, std::move(why), std::move(spi),
                                             protocol);
}

std::unique_ptr<Task> make_create_child_sa_responder(const IkeSa& sa,
                                                     const InboundMessage& request) {
  auto busy = [](std::string why) {
    return make_refusing_responder(wire::ExchangeType::create_child_sa,
                                   wire::NotifyType::temporary_failure, std::move(why));
  };
  bool ike_rekey = asks_ike_rekey(request);
  switch (sa.state) {
    case IkeState::established:
      break;
    case IkeState::rekeying:
      // Our IKE rekey is in flight: another IKE rekey is a collision resolved
      // by nonces (RFC 7296 2.8.1); a CHILD SA would land on an IKE SA about to
      // go away, so the peer tries again on the new one (2.25).
      if (!ike_rekey) return busy("the IKE SA is being rekeyed");
      break;
    default:
      return busy("the IKE SA is " + std::string(to_string(sa.state)));
  }
  if (ike_rekey) {
    // The CHILD SAs move to the new IKE SA; an exchange of ours about them
    // would be answered on the old one.
    if (sa.state == IkeState::established && sa.active) {
      return busy("an exchange of ours (" + std::string(sa.active->name()) + ") is in flight");
    }
    return make_ike_rekey_responder();
  }
  if (wire::find_notify(request.payloads, wire::NotifyType::rekey_sa)) {
    return make_child_rekey_responder();
  }
  return make_child_create_responder();
}

}  // namespace ike::sa
