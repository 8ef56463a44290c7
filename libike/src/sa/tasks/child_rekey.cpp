/// Rekeying a CHILD SA (RFC 7296 1.3.3, 2.8): CREATE_CHILD_SA with
/// N(REKEY_SA) naming the SPI we receive on, then SA, Ni, [KEi], TSi, TSr.
/// The new CHILD SA keeps the reqid; its SAs go in next to the old ones, it
/// takes over the policies, and the rekey initiator deletes the old CHILD SA
/// with an INFORMATIONAL exchange (child_replacement.hpp: no gap).
///
/// Collisions (RFC 7296 2.8.1, 2.25.1), decided when our response arrives:
///  - the peer rekeyed the same CHILD SA meanwhile (its responder told us
///    through collide()): the exchange holding the lowest of the four nonces
///    made a redundant CHILD SA, which its initiator deletes; the initiator
///    of the other one deletes the old CHILD SA;
///  - the peer deleted it meanwhile: the delete wins, and a CHILD SA our rekey
///    created anyway is deleted too;
///  - the peer answers TEMPORARY_FAILURE (it is deleting or rekeying it): try
///    again later; CHILD_SA_NOT_FOUND: remove it silently, create it anew.

#include <memory>

#include "../child_negotiation.hpp"
#include "../child_replacement.hpp"
#include "../esp_spi.hpp"
#include "../rekey_rules.hpp"
#include "auth_followups.hpp"
#include "child_exchange.hpp"
#include "ike/wire/message.hpp"
#include "tasks.hpp"

namespace ike::sa {

namespace {

void announce_rekey(IkeSa& sa, Services& services, std::uint32_t old_serial, const ChildSa& fresh) {
  services.publish(
      sa, EventKind::child_rekeyed,
      "CHILD SA '" + fresh.name() + "' #" + std::to_string(old_serial) + " rekeyed into #" +
          std::to_string(fresh.serial) + ", SPIs " + to_hex(esp_spi_bytes(fresh.spi_in)) + "_i " +
          to_hex(esp_spi_bytes(fresh.spi_out)) + "_o, " + proposal::describe(fresh.algorithms),
      fresh.serial);
}

/// The old CHILD SA goes right after the rekey (RFC 7296 2.8), before any
/// other exchange we had queued.
void delete_next(IkeSa& sa, std::uint32_t child_serial, std::string why) {
  sa.queued.push_front(make_child_delete_initiator(child_serial, std::move(why), true));
}

class ChildRekeyInitiator final : public Task {
 public:
  explicit ChildRekeyInitiator(std::uint32_t old_serial) : old_serial_(old_serial) {}
  std::string_view name() const override { return "CHILD rekey initiator"; }
  wire::ExchangeType exchange() const override { return wire::ExchangeType::create_child_sa; }
  void collide(const PassiveRekey& passive) override {
    if (passive.old_child_serial == old_serial_ && passive.new_child_serial != 0) {
      passive_ = passive;
    }
  }

  TaskStatus build(IkeSa& sa, Services& services, std::vector<wire::Payload>& out) override {
    auto* old = sa.find_child(old_serial_);
    if (!old && initiator_) initiator_->abandon(sa, services, "CHILD SA gone before the retry");
    if (!old || (!initiator_ && old->state != ChildState::installed)) {
      // Deleted, or already replaced by the peer's rekey: nothing to do.
      services.log(sa, LogLevel::debug,
                   "CHILD SA #" + std::to_string(old_serial_) + " needs no rekey any more");
      return TaskStatus::failed;
    }
    if (!initiator_) {
      initiator_.emplace(*old->config);
      initiator_->replace(*old);
    }
    old->state = ChildState::rekeying;
    nonce_ = make_child_nonce(services);
    out.push_back(wire::make_notify(wire::NotifyType::rekey_sa, {}, wire::ProtocolId::esp,
                                    esp_spi_bytes(old->spi_in)));
    if (auto built = initiator_->build(sa, services, out, /*include_ke_groups=*/true); !built) {
      return give_up(sa, services, built.error().reason);
    }
    if (auto ke = pfs_.add_ke(*old->config, services, *initiator_, out); !ke) {
      return give_up(sa, services, "key exchange: " + ke.error().reason);
    }
    out.push_back(nonce_payload(nonce_));
    return TaskStatus::done;
  }

  TaskStatus process(IkeSa& sa, Services& services, const InboundMessage& in) override {
    const auto& payloads = in.payloads;
    if (auto group = invalid_ke_group(payloads);
        group && sa.find_child(old_serial_) && pfs_.retry_with(initiator_->config(), *group)) {
      services.log(sa, LogLevel::info,
                   "peer wants " + wire::to_string(*group) + " for the rekey, retrying");
      return TaskStatus::need_more;
    }
    if (const auto* error = wire::find_error_notify(payloads)) return refused(sa, services, *error);
    // complete() forgets our new SPI when it fails.
    auto our_spi = initiator_->spi_in();
    const auto* nonce_r = peer_nonce(payloads);
    if (!nonce_r) return reject(sa, services, payloads, our_spi, "response lacks Nr");
    auto shared = pfs_.shared_secret(payloads);
    if (!shared) return reject(sa, services, payloads, our_spi, shared.error().reason);
    auto created = initiator_->complete(sa, services, payloads, nonce_, *nonce_r, shared->view());
    if (!created) return reject(sa, services, payloads, our_spi, created.error().reason);
    auto* fresh = sa.find_child(*created);
    auto* old = sa.find_child(old_serial_);
    if (!old) {
      // The peer deleted it meanwhile: its delete wins (RFC 7296 2.25.1), or
      // its own rekey of it did and ours is the redundant one (2.8.1).
      fresh->state = ChildState::rekeyed;
      if (announce_passive_rekey(sa, services)) {
        delete_next(sa, fresh->serial, "redundant after a simultaneous rekey");
      } else {
        delete_next(sa, fresh->serial, "its predecessor was deleted by the peer during the rekey");
      }
      return TaskStatus::done;
    }
    if (passive_) return resolve_collision(sa, services, *old, *fresh, *nonce_r);
    take_over_policies(sa, *fresh);
    old->state = ChildState::rekeyed;
    announce_rekey(sa, services, old->serial, *fresh);
    delete_next(sa, old->serial, "rekeyed");
    return TaskStatus::done;
  }

  void abandon(IkeSa& sa, Services& services) override {
    if (initiator_) initiator_->abandon(sa, services, "IKE SA gone during the rekey");
  }

 private:
  TaskStatus resolve_collision(IkeSa& sa, Services& services, ChildSa& old, ChildSa& fresh,
                               const Bytes& nonce_r) {
    auto* theirs = sa.find_child(passive_->new_child_serial);
    bool we_lose = theirs && lowest_nonce_in(nonce_, nonce_r, passive_->nonce_i, passive_->nonce_r);
    old.state = ChildState::rekeyed;
    services.log(sa, LogLevel::info,
                 "simultaneous rekey of CHILD SA '" + old.name() + "': ours (#" +
                     std::to_string(fresh.serial) + ") " + (we_lose ? "lost" : "won") +
                     " on nonces against the peer's (#" +
                     std::to_string(passive_->new_child_serial) + ")");
    if (we_lose) {
      // Ours holds the lowest nonce: we close it; the peer, whose rekey
      // survives, deletes the old CHILD SA (RFC 7296 2.8.1).
      fresh.state = ChildState::rekeyed;
      take_over_policies(sa, *theirs);
      announce_rekey(sa, services, old.serial, *theirs);
      delete_next(sa, fresh.serial, "redundant after a simultaneous rekey");
      return TaskStatus::done;
    }
    if (theirs) theirs->state = ChildState::rekeyed;  // the peer closes it
    take_over_policies(sa, fresh);
    announce_rekey(sa, services, old.serial, fresh);
    delete_next(sa, old.serial, "rekeyed");
    return TaskStatus::done;
  }

  TaskStatus refused(IkeSa& sa, Services& services, const wire::NotifyPayload& error) {
    initiator_->abandon(sa, services, "rekey refused");
    auto* old = sa.find_child(old_serial_);
    if (passive_) {
      // The peer's own rekey of it stands; the peer deletes the old one.
      if (old) old->state = ChildState::rekeyed;
      announce_passive_rekey(sa, services);
      return TaskStatus::done;
    }
    if (!old) return TaskStatus::done;  // deleted meanwhile: the delete won
    if (error.type == wire::NotifyType::child_sa_not_found) {
      // RFC 7296 2.25: delete it silently and create it from scratch.
      const auto* config = old->config;
      retire_child(sa, old_serial_, services, "peer does not know it (CHILD_SA_NOT_FOUND)", true);
      sa.queued.push_front(make_child_create_initiator(*config));
      return TaskStatus::failed;
    }
    return retry_later(sa, services, *old, "peer answered " + wire::to_string(error.type));
  }

  /// The rekey the peer made while ours was in flight replaced the CHILD SA;
  /// its responder left the announcement to us. False without one.
  bool announce_passive_rekey(IkeSa& sa, Services& services) {
    if (!passive_) return false;
    const auto* theirs = sa.find_child(passive_->new_child_serial);
    if (!theirs) return false;
    announce_rekey(sa, services, old_serial_, *theirs);
    return true;
  }

  /// We cannot use the new CHILD SA, but a response with an SA payload and no
  /// refusal means the responder installed it and keeps the old one REKEYED
  /// until we delete that: our Delete of the new one tells it the rekey did
  /// not happen (child_replacement.cpp puts the old one back), and we try
  /// again later.
  TaskStatus reject(IkeSa& sa, Services& services, const std::vector<wire::Payload>& response,
                    std::uint32_t our_spi, const std::string& reason) {
    if (our_spi != 0 &&
        wire::find_payload(response, wire::PayloadType::security_association) != nullptr) {
      sa.queued.push_front(make_refused_child_delete(our_spi, initiator_->config().name));
    }
    return give_up(sa, services, reason);
  }

  TaskStatus give_up(IkeSa& sa, Services& services, const std::string& reason) {
    if (initiator_) initiator_->abandon(sa, services, "rekey failed");
    auto* old = sa.find_child(old_serial_);
    if (!old) return TaskStatus::failed;
    sa.last_failure = "rekey of CHILD SA '" + old->name() + "' failed: " + reason;
    services.publish(sa, EventKind::failed, sa.last_failure, old->serial);
    return retry_later(sa, services, *old, reason);
  }

  TaskStatus retry_later(IkeSa& sa, Services& services, ChildSa& old, const std::string& why) {
    if (old.state == ChildState::rekeying) old.state = ChildState::installed;
    auto delay = rekey_retry_delay(services.random);
    old.rekey_at = services.now + delay;
    services.log(sa, LogLevel::info,
                 "rekey of CHILD SA '" + old.name() + "' not done (" + why + "), retrying in " +
                     std::to_string(delay.count()) + " ms");
    return TaskStatus::failed;
  }

  std::uint32_t old_serial_;
  std::optional<ChildInitiator> initiator_;
  ChildPfs pfs_;
  Bytes nonce_;
  std::optional<PassiveRekey> passive_;
};

class ChildRekeyResponder final : public Task {
 public:
  std::string_view name() const override { return "CHILD rekey responder"; }
  wire::ExchangeType exchange() const override { return wire::ExchangeType::create_child_sa; }

  TaskStatus process(IkeSa& sa, Services& services, const InboundMessage& in) override {
    const auto* rekey = wire::find_notify(in.payloads, wire::NotifyType::rekey_sa);
    const auto* nonce_i = peer_nonce(in.payloads);
    if (!rekey || !nonce_i) return refuse(sa, services, wire::NotifyType::invalid_syntax, "");
    ChildSa* old = nullptr;
    if (rekey->protocol == wire::ProtocolId::esp && rekey->spi.size() == 4) {
      std::uint32_t spi = 0;
      for (auto byte : rekey->spi)
        spi = spi << 8 | byte;
      old = sa.find_child_by_outbound_spi(spi);
    }
    if (!old && sa.active && sa.active->exchange() == wire::ExchangeType::create_child_sa) {
      // The CHILD SA our own CREATE_CHILD_SA in flight creates (or rekeys
      // into) is up at the peer as soon as it answered, before its answer
      // reaches us: the SPI may be that one's. Not "not found" yet, which
      // would make the peer drop it (RFC 7296 2.25); it tries again later.
      return refuse(sa, services, wire::NotifyType::temporary_failure,
                    "unknown SPI while our " + std::string(sa.active->name()) + " is in flight");
    }
    // RFC 7296 2.25: CHILD_SA_NOT_FOUND carries the SPI of the REKEY_SA.
    if (!old) return refuse(sa, services, wire::NotifyType::child_sa_not_found, "", *rekey);
    switch (old->state) {
      case ChildState::installed:
      case ChildState::rekeying:
        break;
      case ChildState::deleting:  // RFC 7296 2.25.1
        return refuse(sa, services, wire::NotifyType::temporary_failure, "we are deleting it");
      case ChildState::rekeyed:
        return refuse(sa, services, wire::NotifyType::temporary_failure,
                      "it is already replaced and about to be deleted");
      case ChildState::creating:
        return refuse(sa, services, wire::NotifyType::child_sa_not_found, "", *rekey);
    }
    auto old_serial = old->serial;
    bool colliding = old->state == ChildState::rekeying && sa.active;
    nonce_ = make_child_nonce(services);
    CreateChildContext context;
    context.replacing = old;
    context.initiator_ke =
        wire::find_body<wire::KePayload>(in.payloads, wire::PayloadType::key_exchange);
    response_ = respond_create_child(sa, services, in.payloads, *nonce_i, nonce_, context);
    if (!response_.child_serial) return TaskStatus::done;
    // respond_create_child added to sa.children: find both again.
    auto* fresh = sa.find_child(*response_.child_serial);
    old = sa.find_child(old_serial);
    take_over_policies(sa, *fresh);
    if (colliding) {
      // RFC 7296 2.25.1: answered as usual; our own rekey decides (2.8.1).
      sa.active->collide(PassiveRekey{old_serial, fresh->serial, 0, *nonce_i, nonce_});
    } else {
      old->state = ChildState::rekeyed;  // the initiator deletes it (RFC 7296 2.8)
      announce_rekey(sa, services, old->serial, *fresh);
    }
    return TaskStatus::done;
  }

  TaskStatus build(IkeSa&, Services&, std::vector<wire::Payload>& out) override {
    out = std::move(response_.payloads);
    if (!response_.child_serial) return TaskStatus::failed;
    out.push_back(nonce_payload(nonce_));
    return TaskStatus::done;
  }

 private:
  TaskStatus refuse(IkeSa& sa, Services& services, wire::NotifyType type, const std::string& why,
                    const wire::NotifyPayload& rekey = {}) {
    response_.refusal = type;
    response_.payloads = {wire::make_notify(type, {}, rekey.protocol, rekey.spi)};
    services.log(
        sa, LogLevel::info,
        "refusing CHILD rekey with " + wire::to_string(type) + (why.empty() ? "" : ": " + why));
    return TaskStatus::done;
  }

  Bytes nonce_;
  ChildResponse response_;
};

}  // namespace

std::unique_ptr<Task> make_child_rekey_initiator(std::uint32_t child_serial) {
  return std::make_unique<ChildRekeyInitiator>(child_serial);
}

std::unique_ptr<Task> make_child_rekey_responder() {
  return std::make_unique<ChildRekeyResponder>();
}

}  // namespace ike::sa
