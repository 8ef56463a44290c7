#include "child_installer.hpp"

#include "ike/crypto/cipher_description.hpp"
#include "reqid_registry.hpp"

namespace ike::sa {

unsigned selector_specificity(const ts::TrafficSelector& local, const ts::TrafficSelector& remote) {
  unsigned specificity = 0;
  for (const auto* selector : {&local, &remote}) {
    auto prefix = selector->as_prefix();
    specificity += prefix ? prefix->length : 0;
    if (selector->protocol != 0) specificity += 1;
    if (!selector->ports.is_any()) specificity += 1;
  }
  return specificity;
}

UdpEncapsulation esp_in_udp_ports(std::uint16_t our_port, std::uint16_t peer_port, bool inbound) {
  if (inbound) return UdpEncapsulation{peer_port, our_port};
  return UdpEncapsulation{our_port, peer_port};
}

namespace {

std::optional<UdpEncapsulation> encapsulation_for(const IkeSa& sa, bool inbound) {
  bool encapsulate = sa.nat_here || sa.nat_there || sa.connection->force_encapsulation;
  if (!encapsulate) return std::nullopt;
  return esp_in_udp_ports(sa.local.port, sa.remote.port, inbound);
}

/// More specific selectors win: XFRM picks the lowest priority value.
std::uint32_t policy_priority(const ts::TrafficSelector& local, const ts::TrafficSelector& remote) {
  return 200000 - selector_specificity(local, remote);
}

std::vector<PolicyRequest> policies_of(const IkeSa& sa, const ChildSa& child) {
  std::vector<PolicyRequest> policies;
  const auto& config = *child.config;
  for (const auto& local : child.local_ts) {
    for (const auto& remote : child.remote_ts) {
      if (local.family() != remote.family()) continue;
      PolicyRequest out;
      out.source = local;
      out.destination = remote;
      out.direction = PolicyDirection::out;
      out.mark = config.mark_out;
      out.priority = policy_priority(local, remote);
      out.tunnel_source = sa.local.address;
      out.tunnel_destination = sa.remote.address;
      out.mode = child.mode;
      out.reqid = child.reqid;
      out.story = "outbound policy " + local.to_string() + " === " + remote.to_string() +
                  " for child '" + child.name() + "'";
      PolicyRequest in = out;
      in.source = remote;
      in.destination = local;
      in.direction = PolicyDirection::in;
      in.mark = config.mark_in;
      in.tunnel_source = sa.remote.address;
      in.tunnel_destination = sa.local.address;
      in.story = "inbound policy " + remote.to_string() + " === " + local.to_string() +
                 " for child '" + child.name() + "'";
      policies.push_back(out);
      policies.push_back(in);
      if (child.mode == IpsecMode::tunnel) {
        PolicyRequest fwd = in;
        fwd.direction = PolicyDirection::fwd;
        fwd.story = "forward policy " + remote.to_string() + " === " + local.to_string() +
                    " for child '" + child.name() + "'";
        policies.push_back(fwd);
      }
    }
  }
  return policies;
}

SaKey inbound_key(const IkeSa& sa, const ChildSa& child) {
  return SaKey{sa.local.address, child.spi_in, wire::ProtocolId::esp, child.config->mark_in};
}

SaKey outbound_key(const IkeSa& sa, const ChildSa& child) {
  return SaKey{sa.remote.address, child.spi_out, wire::ProtocolId::esp, child.config->mark_out};
}

}  // namespace

Result<crypto::ChildKeySizes> child_key_sizes(const proposal::NegotiatedAlgorithms& algorithms) {
  auto cipher = crypto::describe_cipher(algorithms.encryption.id, algorithms.encryption.key_bits);
  if (!cipher) return std::move(cipher).error();
  crypto::ChildKeySizes sizes;
  sizes.encryption_key = cipher->keying_material_size();
  if (algorithms.integrity != wire::IntegrityAlgorithm::none) {
    auto integrity = crypto::describe_integrity(algorithms.integrity);
    if (!integrity) return std::move(integrity).error();
    sizes.integrity_key = integrity->key_size;
  }
  return sizes;
}

namespace {

/// The request for one direction of a CHILD SA; keys from initiator to
/// responder come first (RFC 7296 2.17).
AddSaRequest sa_request(const IkeSa& sa, ChildSa& child, const crypto::ChildSaKeys& keys,
                        bool we_initiated, bool inbound) {
  const auto& config = *child.config;
  auto encapsulation = encapsulation_for(sa, inbound);
  child.encapsulated = encapsulation.has_value();
  AddSaRequest request;
  request.source = inbound ? sa.remote.address : sa.local.address;
  request.destination = inbound ? sa.local.address : sa.remote.address;
  request.spi = inbound ? child.spi_in : child.spi_out;
  request.mode = child.mode;
  request.reqid = child.reqid;
  request.mark = inbound ? config.mark_in : config.mark_out;
  request.update_allocated = inbound;
  request.inbound = inbound;
  request.encryption = child.algorithms.encryption.id;
  request.encryption_key_bits = child.algorithms.encryption.key_bits;
  request.integrity = child.algorithms.integrity;
  request.extended_sequence_numbers = child.algorithms.extended_sequence_numbers;
  request.replay_window = config.replay_window;
  request.encapsulation = encapsulation;
  if (!child.local_ts.empty()) request.local_ts = child.local_ts.front();
  if (!child.remote_ts.empty()) request.remote_ts = child.remote_ts.front();
  bool initiator_to_responder = inbound != we_initiated;
  const auto& encryption = initiator_to_responder ? keys.encryption_i : keys.encryption_r;
  const auto& integrity = initiator_to_responder ? keys.integrity_i : keys.integrity_r;
  request.encryption_key.assign(encryption.view().begin(), encryption.view().end());
  request.integrity_key.assign(integrity.view().begin(), integrity.view().end());
  request.story = std::string("install ") + (inbound ? "inbound" : "outbound") +
                  " ESP SA for child '" + child.name() + "'";
  return request;
}

Status add_and_wipe(Services& services, AddSaRequest& request) {
  auto added = services.kernel.add_sa(request);
  secure_wipe(request.encryption_key);
  secure_wipe(request.integrity_key);
  if (!added) return make_error(added.error().code, request.story + ": " + added.error().reason);
  return {};
}

}  // namespace

Status install_child_inbound_sa(IkeSa& sa, ChildSa& child, Services& services,
                                const crypto::ChildSaKeys& keys, bool we_initiated) {
  auto request = sa_request(sa, child, keys, we_initiated, /*inbound=*/true);
  if (auto added = add_and_wipe(services, request); !added) return added;
  child.inbound_installed = true;
  return {};
}

Status install_child_outbound_sa(IkeSa& sa, ChildSa& child, Services& services,
                                 const crypto::ChildSaKeys& keys, bool we_initiated) {
  auto request = sa_request(sa, child, keys, we_initiated, /*inbound=*/false);
  if (auto added = add_and_wipe(services, request); !added) return added;
  child.outbound_installed = true;
  return {};
}

Status install_child_sas(IkeSa& sa, ChildSa& child, Services& services,
                         const crypto::ChildSaKeys& keys, bool we_initiated) {
  if (auto in = install_child_inbound_sa(sa, child, services, keys, we_initiated); !in) return in;
  if (auto out = install_child_outbound_sa(sa, child, services, keys, we_initiated); !out) {
    uninstall_child_sas(sa, child, services, "outbound SA failed");
    return out;
  }
  return {};
}

Status install_child_policies(IkeSa& sa, ChildSa& child, Services& services) {
  if (!child.config->install_policy) return {};
  auto policies = policies_of(sa, child);
  for (std::size_t i = 0; i < policies.size(); ++i) {
    auto added = services.kernel.add_policy(policies[i]);
    if (!added) {
      for (std::size_t j = 0; j < i; ++j) {
        (void)services.kernel.delete_policy(policies[j]);
      }
      return make_error(added.error().code, policies[i].story + ": " + added.error().reason);
    }
  }
  child.policies_installed = true;
  return {};
}

Status install_child(IkeSa& sa, ChildSa& child, Services& services, const crypto::ChildSaKeys& keys,
                     bool we_initiated) {
  if (auto sas = install_child_sas(sa, child, services, keys, we_initiated); !sas) return sas;
  if (auto policies = install_child_policies(sa, child, services); !policies) {
    uninstall_child_sas(sa, child, services, "policy install failed");
    return policies;
  }
  child.state = ChildState::installed;
  child.was_installed = true;
  child.established_at = services.now;
  return {};
}

void uninstall_child_sas(IkeSa& sa, ChildSa& child, Services& services, const std::string& why) {
  if (child.inbound_installed || (child.spi_in != 0 && child.state == ChildState::creating)) {
    // An allocated but never completed inbound SPI is a larval state: remove it too.
    (void)services.kernel.delete_sa(DeleteSaRequest{
        inbound_key(sa, child), "remove inbound ESP SA of child '" + child.name() + "': " + why});
    child.inbound_installed = false;
  }
  if (child.outbound_installed) {
    (void)services.kernel.delete_sa(DeleteSaRequest{
        outbound_key(sa, child), "remove outbound ESP SA of child '" + child.name() + "': " + why});
    child.outbound_installed = false;
  }
  release_reqid(child, services);
}

void uninstall_child_policies(IkeSa& sa, ChildSa& child, Services& services,
                              const std::string& why) {
  if (!child.policies_installed) return;
  for (auto& policy : policies_of(sa, child)) {
    policy.story = "remove " + policy.story + ": " + why;
    (void)services.kernel.delete_policy(policy);
  }
  child.policies_installed = false;
}

void uninstall_child(IkeSa& sa, ChildSa& child, Services& services, const std::string& why) {
  bool was_installed = child.was_installed;
  uninstall_child_policies(sa, child, services, why);
  uninstall_child_sas(sa, child, services, why);
  if (was_installed) {
    services.publish(sa, EventKind::child_down,
                     "CHILD SA '" + child.name() + "' removed (" + why + ")", child.serial);
  }
}

}  // namespace ike::sa
