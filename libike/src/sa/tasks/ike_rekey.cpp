/// Rekeying the IKE SA (RFC 7296 1.3.2, 2.18): CREATE_CHILD_SA with SA (our
/// new 8-octet SPI), Ni, KEi -> SA, Nr, KEr. The result is a new IKE SA:
/// new SPIs, SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) with the old
/// PRF, keys from the new PRF, message IDs from 0, and the rekey initiator as
/// its original initiator. The CHILD SAs (and our queued exchanges) move to
/// it, and the rekey initiator deletes the old IKE SA with D(IKE) as the last
/// request on it.
///
/// Simultaneous rekeys (RFC 7296 2.8.1): our responder creates the peer's new
/// IKE SA but leaves the CHILD SAs where they are and tells our initiator
/// task; when our response arrives, the new IKE SA of the exchange holding the
/// lowest of the four nonces is deleted by its initiator, the CHILD SAs move
/// to the other one, and that one's initiator deletes the old IKE SA.

#include <memory>

#include "../ike_keys.hpp"
#include "../ike_proposals.hpp"
#include "../prf_cache.hpp"
#include "../rekey_rules.hpp"
#include "child_exchange.hpp"
#include "ike/crypto/cipher_description.hpp"
#include "ike/crypto/key_exchange.hpp"
#include "ike/proposal/defaults.hpp"
#include "ike/proposal/response_check.hpp"
#include "ike/proposal/selection.hpp"
#include "ike/proposal/wire_conversion.hpp"
#include "ike/sa/lifetime.hpp"
#include "ike/wire/message.hpp"
#include "tasks.hpp"

namespace ike::sa {

namespace {

constexpr std::string_view kInitiatorName = "IKE rekey initiator";
/// A replaced IKE SA the peer should delete (RFC 7296 2.18) is dropped
/// quietly when it has not done so in time: as long as the peer may still
/// retransmit a request on it (our cached response must answer it; its rekey
/// request among them), and a little more.
Duration replaced_sa_grace(const IkeSa& sa) {
  return give_up_after(sa.connection->retransmit) + seconds(30);
}

Bytes spi_bytes(std::uint64_t spi) {
  Bytes bytes(8);
  for (int i = 0; i < 8; ++i)
    bytes[i] = static_cast<std::uint8_t>(spi >> (56 - 8 * i));
  return bytes;
}

std::uint64_t spi_value(ByteView bytes) {
  std::uint64_t spi = 0;
  for (auto byte : bytes)
    spi = spi << 8 | byte;
  return spi;
}

Bytes group_bytes(wire::KeGroup group) {
  auto value = static_cast<std::uint16_t>(group);
  return Bytes{static_cast<std::uint8_t>(value >> 8), static_cast<std::uint8_t>(value)};
}

void schedule_ike_lifetime(IkeSa& sa, Services& services) {
  auto lifetime = schedule_lifetime(sa.connection->ike_lifetime, services.random);
  sa.expire_at = services.now + lifetime.expire_after;
  sa.rekey_at.reset();
  if (lifetime.rekey_after) sa.rekey_at = services.now + *lifetime.rekey_after;
}

/// What the new IKE SA takes over from the old one besides keys.
void inherit(IkeSa& fresh, const IkeSa& old, Services& services) {
  fresh.local = old.local;
  fresh.remote = old.remote;
  fresh.nat_here = old.nat_here;
  fresh.nat_there = old.nat_there;
  fresh.peer_supports_fragmentation = old.peer_supports_fragmentation;
  fresh.peer_signature_hashes = old.peer_signature_hashes;
  fresh.peer_id = old.peer_id;
  fresh.peer_certificate = old.peer_certificate;
  fresh.peer_requested_certificate = old.peer_requested_certificate;
  fresh.state = IkeState::established;
  fresh.established_at = services.now;
  fresh.last_heard = services.now;
  schedule_ike_lifetime(fresh, services);
}

/// RFC 7296 2.18: SKEYSEED from the old SK_d and PRF, the keys with the new
/// PRF over the new nonces and SPIs.
Status key_new_sa(const IkeSa& old, IkeSa& fresh, Services& services, ByteView shared_secret) {
  const auto& algorithms = *fresh.algorithms;
  if (!algorithms.prf) return make_error(Errc::no_proposal_chosen, "no PRF negotiated");
  auto prf = services.prfs->get(*algorithms.prf);
  if (!prf) return std::move(prf).error();
  auto suite = crypto::describe_suite(algorithms.encryption.id, algorithms.encryption.key_bits,
                                      algorithms.integrity);
  if (!suite) return std::move(suite).error();
  crypto::IkeKeySizes sizes;
  sizes.prf_key = prf->output_size();
  sizes.integrity_key = suite->integrity_key_size();
  sizes.encryption_key = suite->encryption_key_size();
  auto skeyseed = crypto::compute_rekeyed_skeyseed(*old.prf, old.keys.sk_d.view(), shared_secret,
                                                   fresh.nonce_i, fresh.nonce_r);
  if (!skeyseed) return std::move(skeyseed).error();
  auto keys = crypto::derive_ike_sa_keys(*prf, skeyseed->view(), fresh.nonce_i, fresh.nonce_r,
                                         fresh.spi_i, fresh.spi_r, sizes);
  if (!keys) return std::move(keys).error();
  fresh.prf.emplace(std::move(*prf));
  return install_ike_keys(fresh, services, std::move(*keys));
}

/// The CHILD SAs and our queued exchanges move to `fresh` (a queued rekey of
/// the old IKE SA is done with); `old` waits to be deleted.
void hand_over(IkeSa& old, IkeSa& fresh, Services& services) {
  if (fresh.state != IkeState::established) {
    // The peer's IKE SA from a collision, kept in suspense until now.
    fresh.state = IkeState::established;
    schedule_ike_lifetime(fresh, services);
  }
  for (auto& child : old.children)
    fresh.children.push_back(std::move(child));
  old.children.clear();
  while (!old.queued.empty()) {
    auto task = std::move(old.queued.front());
    old.queued.pop_front();
    if (task->name() != kInitiatorName) fresh.queued.push_back(std::move(task));
  }
  old.state = IkeState::rekeyed;
  old.rekey_at.reset();
  old.expire_at = services.now + replaced_sa_grace(old);
  services.publish(fresh, EventKind::ike_rekeyed,
                   "IKE SA " + old.label() + " rekeyed, " + proposal::describe(*fresh.algorithms) +
                       ", " + std::to_string(fresh.children.size()) + " CHILD SA(s) moved");
}

void mark_redundant(IkeSa& sa, Services& services) {
  sa.state = IkeState::rekeyed;
  sa.rekey_at.reset();
  sa.expire_at = services.now + replaced_sa_grace(sa);
}

/// The IKE SA the peer's rekey created while ours is in flight waits for our
/// response to decide (RFC 7296 2.8.1). It waits REKEYED, so a D(IKE) from the
/// peer (it lost) ends it quietly, for as long as our request may still be
/// answered.
void hold_in_suspense(IkeSa& sa, Services& services) {
  mark_redundant(sa, services);
}

/// D(IKE) for an IKE SA a rekey replaced, or a redundant one; it stays
/// REKEYED, so its end is no ike_down (the IKE SA lives on in its successor).
class ReplacedIkeDeleteInitiator final : public Task {
 public:
  explicit ReplacedIkeDeleteInitiator(std::string why) : why_(std::move(why)) {}
  std::string_view name() const override { return "replaced IKE SA delete initiator"; }
  wire::ExchangeType exchange() const override { return wire::ExchangeType::informational; }
  TaskStatus build(IkeSa&, Services&, std::vector<wire::Payload>& out) override {
    out.push_back(wire::Payload{wire::PayloadType::delete_, false,
                                wire::DeletePayload{wire::ProtocolId::ike, 0, {}}});
    return TaskStatus::done;
  }
  TaskStatus process(IkeSa& sa, Services&, const InboundMessage&) override {
    sa.last_failure = why_;
    return TaskStatus::destroy_sa;
  }

 private:
  std::string why_;
};

std::unique_ptr<Task> delete_replaced(std::string why) {
  return std::make_unique<ReplacedIkeDeleteInitiator>(std::move(why));
}

class IkeRekeyInitiator final : public Task {
 public:
  std::string_view name() const override { return kInitiatorName; }
  wire::ExchangeType exchange() const override { return wire::ExchangeType::create_child_sa; }
  void collide(const PassiveRekey& passive) override {
    if (passive.new_ike_serial != 0) passive_ = passive;
  }

  TaskStatus build(IkeSa& sa, Services& services, std::vector<wire::Payload>& out) override {
    if (!started_) {
      if (sa.state != IkeState::established || !services.registry) {
        services.log(sa, LogLevel::debug, "IKE SA needs no rekey any more");
        return TaskStatus::failed;
      }
      started_ = true;
      proposals_ = ike_proposals(*sa.connection, proposal::DefaultsUse::offer);
      // Keep the group that works with this peer (saves an INVALID_KE round).
      if (sa.algorithms) proposal::promote_ke_group(proposals_, sa.algorithms->ke_group);
      our_spi_ = services.registry->allocate_ike_spi();
    }
    sa.state = IkeState::rekeying;
    nonce_ = make_child_nonce(services);
    auto group = proposal::preferred_ke_group(proposals_);
    if (!group)
      return not_rekeyed(sa, services, "no key exchange group in the IKE proposals", false);
    if (!exchange_ || exchange_->group() != *group) {
      auto created = crypto::KeyExchange::create(*group, services.random);
      if (!created)
        return not_rekeyed(sa, services, "key exchange: " + created.error().reason, false);
      exchange_ = std::move(*created);
    }
    sent_ = proposal::to_sa_payload(proposals_, spi_bytes(our_spi_));
    out.push_back(wire::Payload{wire::PayloadType::security_association, false, sent_});
    out.push_back(nonce_payload(nonce_));
    auto value = exchange_->public_value();
    out.push_back(wire::Payload{wire::PayloadType::key_exchange, false,
                                wire::KePayload{*group, Bytes(value.begin(), value.end())}});
    return TaskStatus::done;
  }

  TaskStatus process(IkeSa& sa, Services& services, const InboundMessage& in) override {
    const auto& payloads = in.payloads;
    if (auto group = invalid_ke_group(payloads)) {
      if (*group != exchange_->group() && proposal::promote_ke_group(proposals_, *group)) {
        services.log(sa, LogLevel::info,
                     "peer wants " + wire::to_string(*group) + " for the IKE rekey, retrying");
        return TaskStatus::need_more;
      }
      return not_rekeyed(sa, services, "peer asks for unusable group " + wire::to_string(*group),
                         false);
    }
    if (const auto* error = wire::find_error_notify(payloads)) {
      return not_rekeyed(sa, services, "peer answered " + wire::to_string(error->type),
                         error->type == wire::NotifyType::temporary_failure);
    }
    const auto* offered =
        wire::find_body<wire::SaPayload>(payloads, wire::PayloadType::security_association);
    const auto* ke = wire::find_body<wire::KePayload>(payloads, wire::PayloadType::key_exchange);
    const auto* nonce_r = peer_nonce(payloads);
    if (!offered || !ke || !nonce_r)
      return not_rekeyed(sa, services, "response lacks SA, KE or Nr", false);
    auto selected = proposal::check_response(sent_, *offered);
    if (!selected) return not_rekeyed(sa, services, selected.error().reason, false);
    if (selected->peer_spi.size() != 8 || spi_value(selected->peer_spi) == 0) {
      return not_rekeyed(sa, services, "responder's new IKE SPI is not 8 non-zero octets", false);
    }
    if (ke->group != exchange_->group() || selected->algorithms.ke_group != ke->group) {
      return not_rekeyed(sa, services, "KEr group " + wire::to_string(ke->group) + " is not ours",
                         false);
    }
    auto shared = exchange_->shared_secret(ke->data);
    if (!shared) return not_rekeyed(sa, services, "KEr: " + shared.error().reason, false);
    auto* fresh = services.registry->create_ike_sa(sa.connection, true, our_spi_);
    if (!fresh) return not_rekeyed(sa, services, "our new IKE SPI is taken", true);
    fresh->spi_r = spi_value(selected->peer_spi);
    fresh->algorithms = selected->algorithms;
    fresh->nonce_i = nonce_;
    fresh->nonce_r = *nonce_r;
    inherit(*fresh, sa, services);
    if (auto keyed = key_new_sa(sa, *fresh, services, shared->view()); !keyed) {
      fresh->state = IkeState::destroying;
      return not_rekeyed(sa, services, "key derivation: " + keyed.error().reason, false);
    }
    if (passive_) return resolve_collision(sa, services, *fresh, *nonce_r);
    hand_over(sa, *fresh, services);
    sa.queued.push_front(delete_replaced("rekeyed"));
    return TaskStatus::done;
  }

  /// The old IKE SA goes before our response came: the peer deleted it (RFC
  /// 7296 2.25.2: "forget about its own rekeying request") or stopped
  /// answering. If we answered the peer's rekey meanwhile, that new IKE SA is
  /// the successor: the CHILD SAs move there instead of going down.
  void abandon(IkeSa& sa, Services& services) override {
    if (!passive_ || !services.registry) return;
    if (auto* theirs = services.registry->find_ike_sa(passive_->new_ike_serial)) {
      hand_over(sa, *theirs, services);
    }
  }

 private:
  TaskStatus resolve_collision(IkeSa& sa, Services& services, IkeSa& fresh, const Bytes& nonce_r) {
    auto* theirs = services.registry->find_ike_sa(passive_->new_ike_serial);
    bool we_lose = theirs && lowest_nonce_in(nonce_, nonce_r, passive_->nonce_i, passive_->nonce_r);
    services.log(sa, LogLevel::info,
                 std::string("simultaneous IKE rekey: ours (") + fresh.label() + ") " +
                     (we_lose ? "lost" : "won") + " on nonces");
    if (we_lose) {
      // Ours made the redundant IKE SA: we delete it; the peer, whose new
      // IKE SA survives, deletes the old one (RFC 7296 2.8.1).
      hand_over(sa, *theirs, services);
      mark_redundant(fresh, services);
      fresh.queued.push_back(delete_replaced("redundant after a simultaneous rekey"));
      return TaskStatus::done;
    }
    hand_over(sa, fresh, services);
    sa.queued.push_front(delete_replaced("rekeyed"));
    if (theirs) mark_redundant(*theirs, services);  // the peer deletes it
    return TaskStatus::done;
  }

  /// The rekey did not happen. If the peer's own rekey did meanwhile, that
  /// one stands; otherwise try again later (RFC 7296 2.25).
  TaskStatus not_rekeyed(IkeSa& sa, Services& services, const std::string& reason, bool transient) {
    if (passive_) {
      if (auto* theirs = services.registry->find_ike_sa(passive_->new_ike_serial)) {
        hand_over(sa, *theirs, services);
        return TaskStatus::done;
      }
    }
    if (sa.state == IkeState::rekeying) sa.state = IkeState::established;
    auto delay = rekey_retry_delay(services.random);
    sa.rekey_at = services.now + delay;
    std::string message =
        "IKE rekey failed: " + reason + "; retrying in " + std::to_string(delay.count()) + " ms";
    if (transient) {
      services.log(sa, LogLevel::info, message);
    } else {
      sa.last_failure = message;
      services.publish(sa, EventKind::failed, message);
    }
    return TaskStatus::failed;
  }

  bool started_ = false;
  std::vector<proposal::CryptoProposal> proposals_;
  std::uint64_t our_spi_ = 0;
  std::unique_ptr<crypto::KeyExchange> exchange_;
  wire::SaPayload sent_;
  Bytes nonce_;
  std::optional<PassiveRekey> passive_;
};

class IkeRekeyResponder final : public Task {
 public:
  std::string_view name() const override { return "IKE rekey responder"; }
  wire::ExchangeType exchange() const override { return wire::ExchangeType::create_child_sa; }

  TaskStatus process(IkeSa& sa, Services& services, const InboundMessage& in) override {
    const auto& payloads = in.payloads;
    const auto* offered =
        wire::find_body<wire::SaPayload>(payloads, wire::PayloadType::security_association);
    const auto* ke = wire::find_body<wire::KePayload>(payloads, wire::PayloadType::key_exchange);
    const auto* nonce_i = peer_nonce(payloads);
    if (!offered || !nonce_i) return refuse(sa, services, wire::NotifyType::invalid_syntax, "");
    proposal::SelectionRequest selection;
    selection.protocol = wire::ProtocolId::ike;
    selection.spi_size = 8;
    if (ke) selection.initiator_ke_group = ke->group;
    auto choice = proposal::select_proposal(
        *offered, ike_proposals(*sa.connection, proposal::DefaultsUse::accept), selection);
    if (!choice) {
      return refuse(sa, services, wire::NotifyType::no_proposal_chosen, choice.error().reason);
    }
    // RFC 7296 1.3.2: an IKE rekey always carries KE.
    if (choice->invalid_ke_group || !ke) {
      auto group = choice->invalid_ke_group.value_or(choice->selected.algorithms.ke_group);
      refusal_data_ = group_bytes(group);
      return refuse(sa, services, wire::NotifyType::invalid_ke_payload,
                    "asking for " + wire::to_string(group));
    }
    auto peer_spi = spi_value(choice->selected.peer_spi);
    if (peer_spi == 0) return refuse(sa, services, wire::NotifyType::invalid_syntax, "SPI 0");
    nonce_ = make_child_nonce(services);
    auto exchange = crypto::KeyExchange::create(ke->group, services.random);
    if (!exchange) {
      return refuse(sa, services, wire::NotifyType::no_proposal_chosen, exchange.error().reason);
    }
    auto shared = (*exchange)->shared_secret(ke->data);
    if (!shared) {
      return refuse(sa, services, wire::NotifyType::invalid_syntax,
                    "initiator's KE value: " + shared.error().reason);
    }
    auto value = (*exchange)->public_value();
    our_public_.assign(value.begin(), value.end());
    our_spi_ = services.registry->allocate_ike_spi();
    auto* fresh = services.registry->create_ike_sa(sa.connection, false, our_spi_);
    if (!fresh) return refuse(sa, services, wire::NotifyType::temporary_failure, "SPI taken");
    fresh->spi_i = peer_spi;
    fresh->algorithms = choice->selected.algorithms;
    fresh->nonce_i = *nonce_i;
    fresh->nonce_r = nonce_;
    inherit(*fresh, sa, services);
    if (auto keyed = key_new_sa(sa, *fresh, services, shared->view()); !keyed) {
      fresh->state = IkeState::destroying;
      return refuse(sa, services, wire::NotifyType::no_proposal_chosen, keyed.error().reason);
    }
    selected_ = choice->selected;
    if (sa.state == IkeState::rekeying && sa.active) {
      // RFC 7296 2.25.2: answered as usual; our own rekey decides (2.8.1).
      hold_in_suspense(*fresh, services);
      sa.active->collide(PassiveRekey{0, 0, fresh->serial, *nonce_i, nonce_});
    } else {
      hand_over(sa, *fresh, services);  // the peer deletes the old IKE SA
    }
    return TaskStatus::done;
  }

  TaskStatus build(IkeSa&, Services&, std::vector<wire::Payload>& out) override {
    if (refusal_) {
      out.push_back(wire::make_notify(*refusal_, refusal_data_));
      return TaskStatus::failed;
    }
    out.push_back(wire::Payload{wire::PayloadType::security_association, false,
                                proposal::response_sa_payload(selected_, spi_bytes(our_spi_))});
    out.push_back(nonce_payload(nonce_));
    out.push_back(wire::Payload{wire::PayloadType::key_exchange, false,
                                wire::KePayload{selected_.algorithms.ke_group, our_public_}});
    return TaskStatus::done;
  }

 private:
  TaskStatus refuse(IkeSa& sa, Services& services, wire::NotifyType type, const std::string& why) {
    refusal_ = type;
    services.log(
        sa, LogLevel::warning,
        "refusing IKE rekey with " + wire::to_string(type) + (why.empty() ? "" : ": " + why));
    return TaskStatus::done;
  }

  std::optional<wire::NotifyType> refusal_;
  Bytes refusal_data_;
  proposal::SelectedProposal selected_;
  std::uint64_t our_spi_ = 0;
  Bytes nonce_;
  Bytes our_public_;
};

}  // namespace

std::unique_ptr<Task> make_ike_rekey_initiator() {
  return std::make_unique<IkeRekeyInitiator>();
}

std::unique_ptr<Task> make_ike_rekey_responder() {
  return std::make_unique<IkeRekeyResponder>();
}

}  // namespace ike::sa
