/// INFORMATIONAL exchanges (RFC 7296 1.4, 1.4.1): deleting the IKE SA, and
/// the responder for deletes of CHILD SAs and empty (liveness) requests.

#include <memory>

#include "../child_replacement.hpp"
#include "../esp_spi.hpp"
#include "ike/wire/message.hpp"
#include "tasks.hpp"

namespace ike::sa {

namespace {

class IkeDeleteInitiator final : public Task {
 public:
  std::string_view name() const override { return "IKE delete initiator"; }
  wire::ExchangeType exchange() const override { return wire::ExchangeType::informational; }
  TaskStatus build(IkeSa& sa, Services&, std::vector<wire::Payload>& out) override {
    sa.state = IkeState::deleting;
    out.push_back(wire::Payload{wire::PayloadType::delete_, false,
                                wire::DeletePayload{wire::ProtocolId::ike, 0, {}}});
    return TaskStatus::done;
  }
  TaskStatus process(IkeSa& sa, Services&, const InboundMessage&) override {
    sa.last_failure = "deleted";
    return TaskStatus::destroy_sa;
  }
};

}  // namespace

namespace {

/// A CHILD SA our exchange in flight creates may be the one the peer deleted
/// (IkeSa::deleted_before_known).
void remember_deleted_before_known(IkeSa& sa, std::uint32_t spi) {
  constexpr std::size_t kRemembered = 8;
  auto& spis = sa.deleted_before_known;
  if (spis.size() == kRemembered) spis.erase(spis.begin());
  spis.push_back(spi);
}

/// Answers an INFORMATIONAL request: deletes the IKE SA if asked, deletes the
/// named CHILD SAs and lists ours in the response, answers an empty request
/// with an empty response.
class InformationalResponder final : public Task {
 public:
  std::string_view name() const override { return "INFORMATIONAL responder"; }
  wire::ExchangeType exchange() const override { return wire::ExchangeType::informational; }

  TaskStatus process(IkeSa& sa, Services& services, const InboundMessage& in) override {
    for (const auto* deletion :
         wire::find_all_bodies<wire::DeletePayload>(in.payloads, wire::PayloadType::delete_)) {
      if (deletion->protocol == wire::ProtocolId::ike) {
        delete_ike_ = true;
        sa.last_failure = "deleted by peer";
        continue;
      }
      if (deletion->protocol != wire::ProtocolId::esp) continue;
      for (const auto& spi : deletion->spis) {
        if (spi.size() != 4) continue;
        std::uint32_t value = esp_spi_value(spi);
        auto* child = sa.find_child_by_outbound_spi(value);
        if (!child) {
          if (sa.active) remember_deleted_before_known(sa, value);
          continue;
        }
        // A CHILD SA we are deleting ourselves is answered without its SPI
        // (RFC 7296 1.4.1: the request crossed ours).
        if (child->state != ChildState::deleting) our_spis_.push_back(esp_spi_bytes(child->spi_in));
        // One a rekey replaced goes quietly, and its policies stay with the
        // CHILD SA that replaced it (child_replacement.hpp). Deleting one we
        // are rekeying wins over our rekey (RFC 7296 2.25.1).
        bool replaced = child->state == ChildState::rekeyed;
        retire_child(sa, child->serial, services, "deleted by peer", /*announce=*/!replaced);
      }
    }
    return TaskStatus::done;
  }

  TaskStatus build(IkeSa&, Services&, std::vector<wire::Payload>& out) override {
    if (delete_ike_) return TaskStatus::destroy_sa;
    if (!our_spis_.empty()) {
      out.push_back(wire::Payload{wire::PayloadType::delete_, false,
                                  wire::DeletePayload{wire::ProtocolId::esp, 4, our_spis_}});
    }
    return TaskStatus::done;
  }

 private:
  bool delete_ike_ = false;
  std::vector<Bytes> our_spis_;
};

}  // namespace

std::unique_ptr<Task> make_ike_delete_initiator() {
  return std::make_unique<IkeDeleteInitiator>();
}

std::unique_ptr<Task> make_informational_responder() {
  return std::make_unique<InformationalResponder>();
}

}  // namespace ike::sa
