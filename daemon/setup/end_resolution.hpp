#pragma once
/// Which of left/right is this host, and the addresses the engine uses.
///
/// The rule is strongSwan's (charon's stroke_config, which decides what
/// starter leaves open):
///   1. left is local when left is %any (any family), %defaultroute, or one
///      of its addresses (a hostname: one of its resolved addresses) is an
///      address of this host;
///   2. else right is local (the ends swap) when right is %defaultroute or
///      one of its addresses is ours;
///   3. else left is taken as local, as strongSwan does, with a warning: the
///      initiator will try to send from an address the host does not have.
/// One difference: strongSwan reads %defaultroute as %any, so right=%defaultroute
/// never swaps there; here %defaultroute always means "this host", so it does.
///
/// Addresses: %defaultroute becomes HostAddresses::default_route_source (of
/// the other end's family, IPv4 when unknown); %any the zero address (of the
/// other end's family); a list its first address that is ours (local) or its
/// first address (remote); a hostname is resolved through HostAddresses.
/// What the engine cannot express is accepted with a warning: a remote range
/// or subnet (peers are then accepted from any address), several remote
/// addresses (only the first is used), "%address" (initiate to it, but
/// only accept from it too).

#include <string>
#include <vector>

#include "ike/config/conn_config.hpp"
#include "ike/error.hpp"
#include "ike/ts/ip_address.hpp"
#include "setup/configuration.hpp"

namespace ikev2d::setup::detail {

struct ResolvedEnds {
  const ike::config::EndConfig* local = nullptr;
  const ike::config::EndConfig* remote = nullptr;
  /// "left" or "right": the keyword prefix of each end, for messages.
  std::string local_side = "left";
  std::string remote_side = "right";
  bool swapped = false;
  /// Zero: any address (of the family).
  ike::IpAddress local_address;
  ike::IpAddress remote_address;
  /// The remote end named one address (or host name) the peer must use; its
  /// ID then defaults to that address, as strongSwan's rightid does.
  bool remote_is_single_host = false;
  std::vector<std::string> warnings;
};

/// Errors (file:line of left=/right=): a host name that does not resolve,
/// left and right of different address families.
ike::Result<ResolvedEnds> resolve_ends(const ike::config::ConnConfig& conn,
                                       const HostAddresses& host);

}  // namespace ikev2d::setup::detail
