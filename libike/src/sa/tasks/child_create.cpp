/// CREATE_CHILD_SA for one more CHILD SA on an established IKE SA (RFC 7296
/// 1.3.1): SA, Ni, [KEi], TSi, TSr -> SA, Nr, [KEr], TSi, TSr. KE payloads
/// carry the PFS group of the ESP proposals when they name one.

#include <memory>

#include "../child_negotiation.hpp"
#include "auth_followups.hpp"
#include "child_exchange.hpp"
#include "ike/wire/message.hpp"
#include "tasks.hpp"

namespace ike::sa {

namespace {

bool child_of_config_up(const IkeSa& sa, const ChildConfig& config) {
  for (const auto& child : sa.children) {
    if (child.config == &config &&
        (child.state == ChildState::installed || child.state == ChildState::rekeying)) {
      return true;
    }
  }
  return false;
}

class ChildCreateInitiator final : public Task {
 public:
  explicit ChildCreateInitiator(const ChildConfig& config) : initiator_(config) {}
  std::string_view name() const override { return "CHILD create initiator"; }
  wire::ExchangeType exchange() const override { return wire::ExchangeType::create_child_sa; }

  TaskStatus build(IkeSa& sa, Services& services, std::vector<wire::Payload>& out) override {
    const auto& config = initiator_.config();
    if (sa.state != IkeState::established) {
      services.log(sa, LogLevel::info,
                   "CHILD SA '" + config.name + "' not created: IKE SA is " +
                       std::string(to_string(sa.state)));
      return TaskStatus::failed;
    }
    if (!started_ && child_of_config_up(sa, config)) {
      services.log(sa, LogLevel::info, "CHILD SA '" + config.name + "' is already up");
      return TaskStatus::failed;
    }
    started_ = true;
    nonce_ = make_child_nonce(services);
    if (auto built = initiator_.build(sa, services, out, /*include_ke_groups=*/true); !built) {
      return fail(sa, services, built.error().reason);
    }
    if (auto ke = pfs_.add_ke(config, services, initiator_, out); !ke) {
      return fail(sa, services, "key exchange: " + ke.error().reason);
    }
    out.push_back(nonce_payload(nonce_));
    return TaskStatus::done;
  }

  TaskStatus process(IkeSa& sa, Services& services, const InboundMessage& in) override {
    const auto& payloads = in.payloads;
    const auto& config = initiator_.config();
    if (auto group = invalid_ke_group(payloads)) {
      if (pfs_.retry_with(config, *group)) {
        services.log(sa, LogLevel::info,
                     "peer wants " + wire::to_string(*group) + " for CHILD SA '" + config.name +
                         "' (INVALID_KE_PAYLOAD), retrying");
        return TaskStatus::need_more;
      }
      return fail(sa, services,
                  "peer asks for group " + wire::to_string(*group) +
                      " which we did not propose or already sent");
    }
    if (const auto* error = wire::find_error_notify(payloads)) {
      return fail(sa, services, "peer refused it with " + wire::to_string(error->type));
    }
    // complete() forgets our SPI when it fails.
    auto our_spi = initiator_.spi_in();
    const auto* nonce_r = peer_nonce(payloads);
    if (!nonce_r) return reject(sa, services, payloads, our_spi, "response lacks Nr");
    auto shared = pfs_.shared_secret(payloads);
    if (!shared) return reject(sa, services, payloads, our_spi, shared.error().reason);
    auto created = initiator_.complete(sa, services, payloads, nonce_, *nonce_r, shared->view());
    if (!created) return reject(sa, services, payloads, our_spi, created.error().reason);
    return TaskStatus::done;
  }

  void abandon(IkeSa& sa, Services& services) override {
    initiator_.abandon(sa, services, "IKE SA gone during CREATE_CHILD_SA");
  }

 private:
  TaskStatus fail(IkeSa& sa, Services& services, const std::string& reason) {
    initiator_.abandon(sa, services, "CREATE_CHILD_SA failed");
    sa.last_failure = "CHILD SA '" + initiator_.config().name + "' failed: " + reason;
    services.publish(sa, EventKind::failed, sa.last_failure);
    return TaskStatus::failed;
  }

  /// We cannot use what the responder chose, but a response with an SA
  /// payload and no refusal means it installed its half: that must not stay
  /// (RFC 7296 1.4.1; like IKE_AUTH's first CHILD SA, auth_followups.hpp).
  TaskStatus reject(IkeSa& sa, Services& services, const std::vector<wire::Payload>& response,
                    std::uint32_t our_spi, const std::string& reason) {
    if (our_spi != 0 &&
        wire::find_payload(response, wire::PayloadType::security_association) != nullptr) {
      sa.queued.push_front(make_refused_child_delete(our_spi, initiator_.config().name));
    }
    return fail(sa, services, reason);
  }

  ChildInitiator initiator_;
  ChildPfs pfs_;
  Bytes nonce_;
  bool started_ = false;
};

class ChildCreateResponder final : public Task {
 public:
  std::string_view name() const override { return "CHILD create responder"; }
  wire::ExchangeType exchange() const override { return wire::ExchangeType::create_child_sa; }

  TaskStatus process(IkeSa& sa, Services& services, const InboundMessage& in) override {
    const auto* nonce_i = peer_nonce(in.payloads);
    if (!nonce_i) {
      response_.payloads = {wire::make_notify(wire::NotifyType::invalid_syntax)};
      return TaskStatus::done;
    }
    nonce_ = make_child_nonce(services);
    CreateChildContext context;
    context.initiator_ke =
        wire::find_body<wire::KePayload>(in.payloads, wire::PayloadType::key_exchange);
    response_ = respond_create_child(sa, services, in.payloads, *nonce_i, nonce_, context);
    return TaskStatus::done;
  }

  TaskStatus build(IkeSa&, Services&, std::vector<wire::Payload>& out) override {
    out = std::move(response_.payloads);
    if (!response_.child_serial) return TaskStatus::failed;
    out.push_back(nonce_payload(nonce_));
    return TaskStatus::done;
  }

 private:
  Bytes nonce_;
  ChildResponse response_;
};

}  // namespace

std::unique_ptr<Task> make_child_create_initiator(const ChildConfig& child) {
  return std::make_unique<ChildCreateInitiator>(child);
}

std::unique_ptr<Task> make_child_create_responder() {
  return std::make_unique<ChildCreateResponder>();
}

}  // namespace ike::sa
