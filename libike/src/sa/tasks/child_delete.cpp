/// Deleting one CHILD SA with an INFORMATIONAL exchange (RFC 7296 1.4.1): the
/// request carries D(ESP) with the SPI we receive on, the peer removes both
/// directions and answers with its own SPI, and we remove ours on the
/// response. Used for rekeys (the old or the redundant CHILD SA, RFC 7296
/// 2.8, 2.8.1), hard expiry, and the operator.

#include <memory>

#include "../child_replacement.hpp"
#include "../esp_spi.hpp"
#include "tasks.hpp"

namespace ike::sa {

namespace {

class ChildDeleteInitiator final : public Task {
 public:
  ChildDeleteInitiator(std::uint32_t child_serial, std::string why, bool replaced)
      : child_serial_(child_serial), why_(std::move(why)), replaced_(replaced) {}
  std::string_view name() const override { return "CHILD delete initiator"; }
  wire::ExchangeType exchange() const override { return wire::ExchangeType::informational; }

  TaskStatus build(IkeSa& sa, Services& services, std::vector<wire::Payload>& out) override {
    auto* child = sa.find_child(child_serial_);
    if (!child) {
      // The peer deleted it first (RFC 7296 1.4.1 crossing deletes), or an
      // earlier task of ours did: nothing left to ask for.
      services.log(sa, LogLevel::debug,
                   "CHILD SA #" + std::to_string(child_serial_) + " already gone, no delete sent");
      return TaskStatus::failed;
    }
    child->state = ChildState::deleting;
    services.log(sa, LogLevel::info,
                 "deleting CHILD SA '" + child->name() + "' #" + std::to_string(child_serial_) +
                     " (" + why_ + ")");
    // The peer drops its inbound SA on our request: stop sending with it now.
    withdraw_outbound_sa(sa, *child, services, why_);
    out.push_back(wire::Payload{
        wire::PayloadType::delete_, false,
        wire::DeletePayload{wire::ProtocolId::esp, 4, {esp_spi_bytes(child->spi_in)}}});
    return TaskStatus::done;
  }

  TaskStatus process(IkeSa& sa, Services& services, const InboundMessage&) override {
    // Whatever the peer answered, the SA is gone for it now; if it deleted
    // the SA itself meanwhile, it is gone here already.
    retire_child(sa, child_serial_, services, why_, /*announce=*/!replaced_);
    return TaskStatus::done;
  }

 private:
  std::uint32_t child_serial_;
  std::string why_;
  bool replaced_;
};

}  // namespace

std::unique_ptr<Task> make_child_delete_initiator(std::uint32_t child_serial, std::string why,
                                                  bool replaced) {
  return std::make_unique<ChildDeleteInitiator>(child_serial, std::move(why), replaced);
}

}  // namespace ike::sa
