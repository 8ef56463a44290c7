#include "child_negotiation.hpp"

#include "esp_spi.hpp"

#include <array>

#include "child_installer.hpp"
#include "ike/crypto/key_exchange.hpp"
#include "ike/crypto/key_material.hpp"
#include "ike/proposal/defaults.hpp"
#include "ike/proposal/response_check.hpp"
#include "ike/proposal/selection.hpp"
#include "ike/proposal/wire_conversion.hpp"
#include "ike/sa/lifetime.hpp"
#include "ike/ts/narrowing.hpp"
#include "ike/wire/message.hpp"
#include "reqid_registry.hpp"

namespace ike::sa {

namespace {

wire::Payload ts_payload(wire::PayloadType type, const std::vector<ts::TrafficSelector>& list) {
  return wire::Payload{type, false, wire::TsPayload{ts::to_wire(list)}};
}

Result<std::vector<ts::TrafficSelector>> selectors_in(const std::vector<wire::Payload>& payloads,
                                                      wire::PayloadType type) {
  const auto* body = wire::find_body<wire::TsPayload>(payloads, type);
  if (!body) {
    return make_error(Errc::invalid_syntax, wire::to_string(type) + " payload missing");
  }
  return ts::from_wire(body->selectors);
}

/// The reqid known before the selectors are final: a configured one, else 0
/// until claim_reqid (reqid_registry.hpp) picks the shared one at install.
std::uint32_t configured_reqid(const ChildConfig& config) {
  return config.reqid;
}

Result<std::uint32_t> allocate_inbound_spi(IkeSa& sa, Services& services, const ChildConfig& config,
                                           std::uint32_t reqid) {
  AllocateSpiRequest request;
  request.source = sa.remote.address;
  request.destination = sa.local.address;
  request.reqid = reqid;
  request.mark = config.mark_in;
  request.story = "allocate inbound SPI for child '" + config.name + "'";
  return services.kernel.allocate_spi(request);
}

void schedule(ChildSa& child, Services& services) {
  auto lifetime = schedule_lifetime(child.config->lifetime, services.random);
  child.expire_at = services.now + lifetime.expire_after;
  if (lifetime.rekey_after) child.rekey_at = services.now + *lifetime.rekey_after;
}

/// What goes into the kernel when a CHILD SA is negotiated.
enum class InstallScope {
  everything,     ///< a new CHILD SA: SAs and policies
  sas,            ///< a rekey initiator: both SAs; the policies stay with the reqid
  inbound_first,  ///< a rekey responder: the outbound SA waits (ChildSa::DeferredOutbound)
};

Status derive_and_install(IkeSa& sa, ChildSa& child, Services& services, ByteView nonce_i,
                          ByteView nonce_r, ByteView new_shared_secret, bool we_initiated,
                          InstallScope scope = InstallScope::everything,
                          std::uint32_t replaced_serial = 0) {
  auto sizes = child_key_sizes(child.algorithms);
  if (!sizes) return std::move(sizes).error();
  auto keys = crypto::derive_child_sa_keys(*sa.prf, sa.keys.sk_d, nonce_i, nonce_r, *sizes,
                                           new_shared_secret);
  if (!keys) return std::move(keys).error();
  claim_reqid(sa, child, services);
  switch (scope) {
    case InstallScope::everything:
      return install_child(sa, child, services, *keys, we_initiated);
    case InstallScope::sas:
      if (auto installed = install_child_sas(sa, child, services, *keys, we_initiated);
          !installed) {
        return installed;
      }
      break;
    case InstallScope::inbound_first:
      if (auto installed = install_child_inbound_sa(sa, child, services, *keys, we_initiated);
          !installed) {
        return installed;
      }
      child.deferred_outbound = ChildSa::DeferredOutbound{replaced_serial, std::move(*keys)};
      break;
  }
  child.state = ChildState::installed;
  child.was_installed = true;
  child.established_at = services.now;
  return {};
}

void announce(IkeSa& sa, ChildSa& child, Services& services) {
  services.publish(sa, EventKind::child_up,
                   "CHILD SA '" + child.name() + "' installed, SPIs " +
                       to_hex(esp_spi_bytes(child.spi_in)) + "_i " +
                       to_hex(esp_spi_bytes(child.spi_out)) + "_o, " +
                       proposal::describe(child.algorithms) + ", TS " +
                       ts::to_string(child.local_ts) + " === " + ts::to_string(child.remote_ts),
                   child.serial);
}

}  // namespace

std::vector<proposal::CryptoProposal> esp_proposals(const ChildConfig& config, bool for_accepting) {
  if (!config.esp_proposals.empty()) return config.esp_proposals;
  return proposal::default_proposals(wire::ProtocolId::esp, for_accepting
                                                                ? proposal::DefaultsUse::accept
                                                                : proposal::DefaultsUse::offer);
}

namespace {
std::vector<ts::TrafficSelector> resolve_side(const std::vector<ts::SelectorTemplate>& templates,
                                              const IpAddress& address) {
  std::array<IpAddress, 1> hosts{address};
  if (templates.empty()) return ts::resolve(ts::default_side_selectors(), hosts);
  return ts::resolve(templates, hosts);
}
}  // namespace

std::vector<ts::TrafficSelector> local_selectors(const IkeSa& sa, const ChildConfig& config) {
  return resolve_side(config.local_ts, sa.local.address);
}

std::vector<ts::TrafficSelector> remote_selectors(const IkeSa& sa, const ChildConfig& config) {
  return resolve_side(config.remote_ts, sa.remote.address);
}

Status ChildInitiator::build(IkeSa& sa, Services& services, std::vector<wire::Payload>& out,
                             bool include_ke_groups) {
  const auto& config = *config_;
  if (child_.spi_in == 0) {
    child_.serial = (*services.next_child_serial)++;
    child_.config = config_;
    child_.mode = replaced_ ? replaced_->mode : config.mode;
    child_.reqid = replaced_ ? replaced_->reqid : configured_reqid(config);
    if (!replaced_) {
      // The proposed selectors; claimed again if the responder narrows them.
      child_.local_ts = local_selectors(sa, config);
      child_.remote_ts = remote_selectors(sa, config);
      claim_reqid(sa, child_, services);
    }
    auto spi = allocate_inbound_spi(sa, services, config, child_.reqid);
    if (!spi) {
      release_reqid(child_, services);
      return std::move(spi).error();
    }
    child_.spi_in = *spi;
  }
  // A rekey asks for the selectors the CHILD SA has (RFC 7296 2.8: they
  // SHOULD NOT change), so the policies that stay still fit.
  child_.local_ts = replaced_ ? replaced_->local_ts : local_selectors(sa, config);
  child_.remote_ts = replaced_ ? replaced_->remote_ts : remote_selectors(sa, config);
  sent_ = proposal::to_sa_payload(
      esp_proposals(config, false), esp_spi_bytes(child_.spi_in),
      include_ke_groups ? proposal::KeTransforms::include : proposal::KeTransforms::omit);
  out.push_back(wire::Payload{wire::PayloadType::security_association, false, sent_});
  out.push_back(ts_payload(wire::PayloadType::ts_initiator, child_.local_ts));
  out.push_back(ts_payload(wire::PayloadType::ts_responder, child_.remote_ts));
  if (child_.mode == IpsecMode::transport) {
    out.push_back(wire::make_notify(wire::NotifyType::use_transport_mode));
  }
  return {};
}

void ChildInitiator::replace(const ChildSa& old) {
  replaced_ = Replaced{old.reqid, old.mode, old.local_ts, old.remote_ts};
}

Result<std::uint32_t> ChildInitiator::complete(IkeSa& sa, Services& services,
                                               const std::vector<wire::Payload>& response,
                                               ByteView nonce_i, ByteView nonce_r,
                                               ByteView new_shared_secret) {
  if (const auto* refusal = wire::find_error_notify(response)) {
    std::string reason =
        "peer refused CHILD SA '" + config_->name + "' with " + wire::to_string(refusal->type);
    // Our offer, for comparing with the peer's configuration (the refusal
    // does not say what the peer accepts).
    if (refusal->type == wire::NotifyType::no_proposal_chosen) {
      reason += "; we offered " + proposal::describe(sent_);
    }
    return make_error(Errc::no_proposal_chosen, std::move(reason));
  }
  const auto* received =
      wire::find_body<wire::SaPayload>(response, wire::PayloadType::security_association);
  if (!received) return make_error(Errc::invalid_syntax, "response has no SA payload");
  auto selected = proposal::check_response(sent_, *received);
  if (!selected) return std::move(selected).error();
  if (selected->algorithms.ke_group != expected_ke_group_) {
    return make_error(Errc::no_proposal_chosen, "responder selected key exchange " +
                                                    wire::to_string(selected->algorithms.ke_group) +
                                                    ", our KE payload is " +
                                                    wire::to_string(expected_ke_group_));
  }
  if (selected->peer_spi.size() != 4) {
    return make_error(
        Errc::invalid_syntax,
        "ESP SPI of " + std::to_string(selected->peer_spi.size()) + " bytes (must be 4)");
  }
  auto tsi = selectors_in(response, wire::PayloadType::ts_initiator);
  if (!tsi) return std::move(tsi).error();
  auto tsr = selectors_in(response, wire::PayloadType::ts_responder);
  if (!tsr) return std::move(tsr).error();
  if (auto narrowed = ts::check_responder_narrowing(child_.local_ts, child_.remote_ts, *tsi, *tsr);
      !narrowed) {
    return std::move(narrowed).error();
  }
  bool transport = wire::find_notify(response, wire::NotifyType::use_transport_mode) != nullptr;
  if (child_.mode == IpsecMode::transport && !transport) {
    return make_error(Errc::no_proposal_chosen, "peer answered transport mode CHILD SA '" +
                                                    config_->name + "' with tunnel mode");
  }
  child_.spi_out = esp_spi_value(selected->peer_spi);
  if (auto& gone = sa.deleted_before_known; std::erase(gone, child_.spi_out) > 0) {
    // Its Delete overtook this answer (RFC 7296 1.4.1): nothing to install.
    return make_error(Errc::no_proposal_chosen,
                      "the peer deleted CHILD SA '" + config_->name + "' before its answer came");
  }
  child_.algorithms = selected->algorithms;
  child_.local_ts = std::move(*tsi);
  child_.remote_ts = std::move(*tsr);
  if (auto installed = derive_and_install(sa, child_, services, nonce_i, nonce_r, new_shared_secret,
                                          /*we_initiated=*/true,
                                          replaced_ ? InstallScope::sas : InstallScope::everything);
      !installed) {
    abandon(sa, services, "install failed");
    return installed.error();
  }
  schedule(child_, services);
  sa.children.push_back(child_);
  if (!replaced_) announce(sa, sa.children.back(), services);
  auto serial = child_.serial;
  child_ = ChildSa{};
  return serial;
}

void ChildInitiator::abandon(IkeSa& sa, Services& services, const std::string& why) {
  if (child_.spi_in != 0) uninstall_child(sa, child_, services, why);
  child_ = ChildSa{};
}

namespace {

Bytes group_bytes(wire::KeGroup group) {
  auto value = static_cast<std::uint16_t>(group);
  return Bytes{static_cast<std::uint8_t>(value >> 8), static_cast<std::uint8_t>(value)};
}

/// The CHILD config whose selectors accept the request's (RFC 7296 2.9).
struct ConfigMatch {
  const ChildConfig* config = nullptr;
  ts::NarrowingResult narrowed;
  std::string reasons;
};

ConfigMatch match_config(const IkeSa& sa, const std::vector<ts::TrafficSelector>& tsi,
                         const std::vector<ts::TrafficSelector>& tsr,
                         const ChildConfig* only_config) {
  ConfigMatch match;
  for (const auto& candidate : sa.connection->children) {
    if (only_config && &candidate != only_config) continue;
    auto result = ts::narrow_as_responder(tsi, tsr, remote_selectors(sa, candidate),
                                          local_selectors(sa, candidate));
    if (result.accepted()) {
      match.config = &candidate;
      match.narrowed = std::move(result);
      return match;
    }
    match.reasons += (match.reasons.empty() ? "" : "; ") + candidate.name + ": " + result.reason;
  }
  return match;
}

/// Answers one CHILD SA request: IKE_AUTH's (`create` == nullptr) or a
/// CREATE_CHILD_SA's.
ChildResponse respond(IkeSa& sa, Services& services, const std::vector<wire::Payload>& request,
                      ByteView nonce_i, ByteView nonce_r, const CreateChildContext* create) {
  ChildResponse response;
  auto refuse = [&](wire::NotifyType type, std::string reason, Bytes data = {}) {
    response.refusal = type;
    response.reason = std::move(reason);
    response.payloads = {wire::make_notify(type, std::move(data))};
    services.log(sa, LogLevel::warning, "refusing CHILD SA: " + response.reason);
    return response;
  };
  const auto* offered =
      wire::find_body<wire::SaPayload>(request, wire::PayloadType::security_association);
  auto tsi = selectors_in(request, wire::PayloadType::ts_initiator);
  auto tsr = selectors_in(request, wire::PayloadType::ts_responder);
  if (!offered || !tsi || !tsr) {
    return refuse(wire::NotifyType::invalid_syntax, "CHILD SA request lacks SA, TSi or TSr");
  }
  bool wants_transport =
      wire::find_notify(request, wire::NotifyType::use_transport_mode) != nullptr;
  const ChildSa* replacing = create ? create->replacing : nullptr;
  auto match = match_config(sa, *tsi, *tsr, replacing ? replacing->config : nullptr);
  const ChildConfig* config = match.config;
  if (!config) {
    return refuse(wire::NotifyType::ts_unacceptable,
                  "traffic selectors " + ts::to_string(*tsi) + " === " + ts::to_string(*tsr) +
                      " match no CHILD config (" + match.reasons + ")");
  }
  if (config->mode == IpsecMode::transport && !wants_transport) {
    return refuse(wire::NotifyType::no_proposal_chosen,
                  "CHILD config '" + config->name + "' is transport mode, peer asked for tunnel");
  }
  proposal::SelectionRequest selection;
  selection.protocol = wire::ProtocolId::esp;
  selection.spi_size = 4;
  // Only CREATE_CHILD_SA runs a key exchange of its own (RFC 7296 1.2, 1.3).
  selection.ignore_ke_transforms = create == nullptr;
  if (create && create->initiator_ke) selection.initiator_ke_group = create->initiator_ke->group;
  auto choice = proposal::select_proposal(*offered, esp_proposals(*config, true), selection);
  if (!choice) {
    return refuse(wire::NotifyType::no_proposal_chosen,
                  "ESP proposals for '" + config->name + "': " + choice.error().reason);
  }
  if (choice->invalid_ke_group) {
    return refuse(wire::NotifyType::invalid_ke_payload,
                  "CHILD SA '" + config->name + "' wants PFS with " +
                      wire::to_string(*choice->invalid_ke_group),
                  group_bytes(*choice->invalid_ke_group));
  }
  crypto::SecretBytes shared_secret;
  Bytes our_public_value;
  auto group = choice->selected.algorithms.ke_group;
  if (create && group != wire::KeGroup::none) {
    // Without invalid_ke_group, the initiator's KE is for exactly this group.
    auto exchange = crypto::KeyExchange::create(group, services.random);
    if (!exchange || !create->initiator_ke) {
      return refuse(wire::NotifyType::no_proposal_chosen,
                    "key exchange " + wire::to_string(group) + " unavailable");
    }
    auto secret = (*exchange)->shared_secret(create->initiator_ke->data);
    if (!secret) {
      return refuse(wire::NotifyType::no_proposal_chosen,
                    "initiator's KE value: " + secret.error().reason);
    }
    shared_secret = std::move(*secret);
    auto public_value = (*exchange)->public_value();
    our_public_value.assign(public_value.begin(), public_value.end());
  }
  ChildSa child;
  child.serial = (*services.next_child_serial)++;
  child.config = config;
  child.mode = config->mode;
  child.reqid = replacing ? replacing->reqid : configured_reqid(*config);
  // As responder, TSi is the peer's side.
  child.local_ts = match.narrowed.tsr;
  child.remote_ts = match.narrowed.tsi;
  if (!replacing) claim_reqid(sa, child, services);
  auto spi = allocate_inbound_spi(sa, services, *config, child.reqid);
  if (!spi) {
    release_reqid(child, services);
    return refuse(wire::NotifyType::no_proposal_chosen,
                  "kernel refused an SPI: " + spi.error().reason);
  }
  child.spi_in = *spi;
  child.spi_out = esp_spi_value(choice->selected.peer_spi);
  child.algorithms = choice->selected.algorithms;
  if (replacing &&
      (child.local_ts != replacing->local_ts || child.remote_ts != replacing->remote_ts)) {
    services.log(sa, LogLevel::warning,
                 "rekey of CHILD SA '" + config->name + "' changes its selectors to " +
                     ts::to_string(child.local_ts) + " === " + ts::to_string(child.remote_ts) +
                     "; the kernel policies keep the old ones");
  }
  // A rekey responder sends on the new SAs only once the initiator, which
  // installs them when our answer arrives, deletes the old CHILD SA.
  if (auto installed = derive_and_install(
          sa, child, services, nonce_i, nonce_r, shared_secret.view(), /*we_initiated=*/false,
          replacing ? InstallScope::inbound_first : InstallScope::everything,
          replacing ? replacing->serial : 0);
      !installed) {
    uninstall_child(sa, child, services, "install failed");
    // RFC 7296 has no notify for "my kernel failed"; strongSwan answers
    // NO_PROPOSAL_CHOSEN too, and the log names the real reason.
    return refuse(
        wire::NotifyType::no_proposal_chosen,
        "CHILD SA '" + config->name + "' could not be installed: " + installed.error().reason);
  }
  schedule(child, services);
  response.payloads.push_back(
      wire::Payload{wire::PayloadType::security_association, false,
                    proposal::response_sa_payload(choice->selected, esp_spi_bytes(child.spi_in))});
  if (!our_public_value.empty()) {
    response.payloads.push_back(wire::Payload{wire::PayloadType::key_exchange, false,
                                              wire::KePayload{group, our_public_value}});
  }
  response.payloads.push_back(ts_payload(wire::PayloadType::ts_initiator, match.narrowed.tsi));
  response.payloads.push_back(ts_payload(wire::PayloadType::ts_responder, match.narrowed.tsr));
  if (child.mode == IpsecMode::transport) {
    response.payloads.push_back(wire::make_notify(wire::NotifyType::use_transport_mode));
  }
  response.child_serial = child.serial;
  sa.children.push_back(std::move(child));
  if (!replacing) announce(sa, sa.children.back(), services);
  return response;
}

}  // namespace

ChildResponse respond_child(IkeSa& sa, Services& services,
                            const std::vector<wire::Payload>& request, ByteView nonce_i,
                            ByteView nonce_r) {
  return respond(sa, services, request, nonce_i, nonce_r, nullptr);
}

ChildResponse respond_create_child(IkeSa& sa, Services& services,
                                   const std::vector<wire::Payload>& request, ByteView nonce_i,
                                   ByteView nonce_r, const CreateChildContext& context) {
  return respond(sa, services, request, nonce_i, nonce_r, &context);
}

}  // namespace ike::sa
