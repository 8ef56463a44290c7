/// The peer's endpoint moves when a NAT in front of it changes its mapping.
/// RFC 7296 2.23: with a NAT detected at the other end, an authenticated
/// (never a retransmitted or unprotected) IKE message from a new address or
/// port moves the IKE SA there, and the CHILD SAs' UDP encapsulation with it.
/// RFC 3948 / XFRM: the kernel reports authenticated ESP-in-UDP from a new
/// address or port as a MAPPING event; strongSwan then moves the IKE SA (only
/// when a NAT was detected), and so do we.

#include "child_installer.hpp"
#include "engine_impl.hpp"

namespace ike::sa {

namespace {

bool behind_nat(const IkeSa& sa) {
  return sa.nat_here || sa.nat_there || sa.connection->force_encapsulation;
}

SaKey inbound_key(const IkeSa& sa, const ChildSa& child) {
  return SaKey{sa.local.address, child.spi_in, wire::ProtocolId::esp, child.config->mark_in};
}

}  // namespace

void Engine::Impl::follow_peer(IkeSa& sa, const Datagram& datagram, std::uint32_t message_id) {
  // An IKE SA that is being replaced keeps its endpoints for the successor.
  if (sa.state != IkeState::established && sa.state != IkeState::rekeying &&
      sa.state != IkeState::connecting) {
    return;
  }
  // The first protected exchange (IKE_AUTH, message ID 1) is where the
  // initiator moves to port 4500 once a NAT is detected (RFC 7296 2.23): the
  // responder takes both endpoints from it, as strongSwan does.
  bool first_protected = message_id == 1;
  // A zero local address means the daemon could not tell where it arrived.
  if (first_protected && datagram.local != sa.local && !datagram.local.address.is_zero()) {
    services.log(
        sa, LogLevel::debug,
        "our endpoint is " + datagram.local.to_string() + " (was " + sa.local.to_string() + ")");
    sa.local = datagram.local;
  }
  if (datagram.remote == sa.remote || !(sa.nat_there || first_protected)) return;
  move_peer(sa, datagram.remote, "authenticated IKE message from a new address (RFC 7296 2.23)");
}

void Engine::Impl::handle_kernel_mapping(const KernelMapping& mapping) {
  auto owner = owner_of_kernel_sa(mapping.sa.destination, mapping.sa.spi);
  if (!owner || !owner->inbound) return;
  auto& sa = *owner->sa;
  Endpoint remote{mapping.new_address, mapping.new_port};
  if (!behind_nat(sa)) {
    services.log(sa, LogLevel::warning,
                 "kernel reports ESP from " + remote.to_string() +
                     " but no NAT was detected; the peer's address stays " + sa.remote.to_string());
    return;
  }
  if (remote != sa.remote) move_peer(sa, remote, "NAT mapping changed (kernel MAPPING event)");
}

void Engine::Impl::move_peer(IkeSa& sa, const Endpoint& remote, const std::string& why) {
  touch(sa);
  auto old_remote = sa.remote;
  bool address_changed = old_remote.address != remote.address;
  services.log(
      sa, LogLevel::info,
      "peer moved from " + old_remote.to_string() + " to " + remote.to_string() + ": " + why);
  // Policies name the tunnel endpoints: they follow a new address (and are
  // computed from sa.remote, so they go before it changes).
  std::vector<ChildSa*> with_policies;
  if (address_changed) {
    for (auto& child : sa.children) {
      if (!child.policies_installed) continue;
      uninstall_child_policies(sa, child, services, "the peer moved to " + remote.to_string());
      with_policies.push_back(&child);
    }
  }
  if (!sa.initiator) {
    // The responder table is keyed by where IKE_SA_INIT came from.
    by_initiator_spi.erase({sa.spi_i, endpoint_key(old_remote)});
    by_initiator_spi[{sa.spi_i, endpoint_key(remote)}] = sa.spi_r;
  }
  sa.remote = remote;
  for (auto& child : sa.children) {
    std::optional<UdpEncapsulation> inbound_encapsulation, outbound_encapsulation;
    if (child.encapsulated) {
      inbound_encapsulation = esp_in_udp_ports(sa.local.port, remote.port, /*inbound=*/true);
      outbound_encapsulation = esp_in_udp_ports(sa.local.port, remote.port, /*inbound=*/false);
    }
    if (child.inbound_installed) {
      auto moved = services.kernel.update_sa_addresses(UpdateSaAddressesRequest{
          inbound_key(sa, child), remote.address, sa.local.address, inbound_encapsulation,
          "move inbound ESP SA of child '" + child.name() + "' to " + remote.to_string()});
      if (!moved) services.log(sa, LogLevel::error, moved.error().reason);
    }
    if (child.outbound_installed) {
      SaKey key{old_remote.address, child.spi_out, wire::ProtocolId::esp, child.config->mark_out};
      auto moved = services.kernel.update_sa_addresses(UpdateSaAddressesRequest{
          key, sa.local.address, remote.address, outbound_encapsulation,
          "move outbound ESP SA of child '" + child.name() + "' to " + remote.to_string()});
      if (!moved) services.log(sa, LogLevel::error, moved.error().reason);
    }
  }
  for (auto* child : with_policies) {
    if (auto installed = install_child_policies(sa, *child, services); !installed) {
      services.log(sa, LogLevel::error,
                   "policies of child '" + child->name() +
                       "' after the peer moved: " + installed.error().reason);
    }
  }
}

}  // namespace ike::sa
