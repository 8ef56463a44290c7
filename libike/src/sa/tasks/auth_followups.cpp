/// The IKE_AUTH initiator's follow-ups after rejecting a response
/// (auth_followups.hpp).

#include "auth_followups.hpp"
#include "../esp_spi.hpp"

#include "ike/wire/message.hpp"

namespace ike::sa {

namespace {

/// Only the first exchange after IKE_AUTH may carry it (RFC 7296 2.21.2):
/// IKE_SA_INIT is message 0 and IKE_AUTH 1, EAP and multiple AUTH rounds
/// are not offered, so the notification is message 2.
constexpr std::uint32_t kFirstIdAfterIkeAuth = 2;

class AuthFailedNotifier final : public Task {
 public:
  std::string_view name() const override { return "AUTHENTICATION_FAILED notifier"; }
  wire::ExchangeType exchange() const override { return wire::ExchangeType::informational; }
  TaskStatus build(IkeSa& sa, Services& services, std::vector<wire::Payload>& out) override {
    services.log(sa, LogLevel::info, "telling the peer that its authentication failed");
    out.push_back(wire::make_notify(wire::NotifyType::authentication_failed));
    return TaskStatus::done;
  }
  TaskStatus process(IkeSa&, Services&, const InboundMessage&) override {
    return TaskStatus::destroy_sa;
  }
};

class AuthFailedResponder final : public Task {
 public:
  std::string_view name() const override { return "AUTHENTICATION_FAILED responder"; }
  wire::ExchangeType exchange() const override { return wire::ExchangeType::informational; }
  TaskStatus process(IkeSa& sa, Services&, const InboundMessage&) override {
    sa.last_failure = "peer did not accept our authentication (AUTHENTICATION_FAILED)";
    return TaskStatus::destroy_sa;
  }
  TaskStatus build(IkeSa&, Services&, std::vector<wire::Payload>&) override {
    return TaskStatus::destroy_sa;
  }
};

class RefusedChildDelete final : public Task {
 public:
  RefusedChildDelete(std::uint32_t our_spi, std::string child_name)
      : our_spi_(our_spi), child_name_(std::move(child_name)) {}
  std::string_view name() const override { return "refused CHILD SA delete"; }
  wire::ExchangeType exchange() const override { return wire::ExchangeType::informational; }
  TaskStatus build(IkeSa& sa, Services& services, std::vector<wire::Payload>& out) override {
    services.log(sa, LogLevel::info,
                 "asking the peer to delete its half of refused CHILD SA '" + child_name_ + "'");
    out.push_back(
        wire::Payload{wire::PayloadType::delete_, false,
                      wire::DeletePayload{wire::ProtocolId::esp, 4, {esp_spi_bytes(our_spi_)}}});
    return TaskStatus::done;
  }
  // The peer answers with its SPI; it names nothing we still have.
  TaskStatus process(IkeSa&, Services&, const InboundMessage&) override { return TaskStatus::done; }

 private:
  std::uint32_t our_spi_;
  std::string child_name_;
};

}  // namespace

std::unique_ptr<Task> make_auth_failed_notifier() {
  return std::make_unique<AuthFailedNotifier>();
}

std::unique_ptr<Task> make_auth_failed_responder() {
  return std::make_unique<AuthFailedResponder>();
}

bool is_auth_failed_notification(const IkeSa& sa, const InboundMessage& request) {
  return request.header.exchange == wire::ExchangeType::informational &&
         request.header.message_id == kFirstIdAfterIkeAuth && !sa.initiator &&
         wire::find_notify(request.payloads, wire::NotifyType::authentication_failed) != nullptr;
}

std::unique_ptr<Task> make_refused_child_delete(std::uint32_t our_spi, std::string child_name) {
  return std::make_unique<RefusedChildDelete>(our_spi, std::move(child_name));
}

}  // namespace ike::sa
