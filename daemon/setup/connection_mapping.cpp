// ConnConfig -> sa::Connection: the settings that map one to one.
//
// Proposals: ike=/esp= unset leaves the engine's list empty, which the engine
// reads as the proposal layer's defaults (proposal::default_proposals), with
// the offer/accept distinction intact (as responder the IKE defaults also
// accept modp2048). A written list becomes proposals_for(list, offer): the
// configured proposals, then (without a trailing "!") the default offer.
// DPD: dpdaction=none turns liveness checks off (dpddelay 0), as in
// strongSwan; none and clear both clear the CHILD SAs when the peer is gone.

#include "setup/connection_mapping.hpp"
#include "ike/proposal/defaults.hpp"
#include "setup/messages.hpp"

namespace ikev2d::setup::detail {
namespace {

using ike::config::ConnConfig;
using ike::config::PeerAction;

ike::sa::PeerGoneAction peer_gone(PeerAction action) {
  switch (action) {
    case PeerAction::hold:
      return ike::sa::PeerGoneAction::hold;
    case PeerAction::restart:
      return ike::sa::PeerGoneAction::restart;
    default:
      return ike::sa::PeerGoneAction::clear;
  }
}

ike::sa::Mark kernel_mark(const std::optional<ike::config::Mark>& mark) {
  if (!mark) return {};
  return ike::sa::Mark{mark->value, mark->mask};
}

std::vector<ike::proposal::CryptoProposal> proposals(
    const std::optional<ike::proposal::ProposalConfig>& config) {
  if (!config) return {};
  return ike::proposal::proposals_for(*config, ike::proposal::DefaultsUse::offer);
}

void collect_proposal_warnings(const ConnConfig& conn, const char* keyword,
                               const std::optional<ike::proposal::ProposalConfig>& config,
                               std::vector<std::string>& warnings) {
  if (!config) return;
  for (const auto& remark : config->warnings) {
    warnings.push_back(conn_message(conn, keyword, std::string(keyword) + ": " + remark));
  }
}

ike::sa::ChildConfig child_config(const ConnConfig& conn, const ResolvedEnds& ends) {
  ike::sa::ChildConfig child;
  child.name = conn.name;
  child.mode = conn.type == ike::config::ConnType::transport ? ike::sa::IpsecMode::transport
                                                             : ike::sa::IpsecMode::tunnel;
  child.local_ts = ends.local->subnets;
  child.remote_ts = ends.remote->subnets;
  child.esp_proposals = proposals(conn.esp);
  child.lifetime = ike::LifetimePolicy{conn.lifetime, conn.margintime, conn.rekeyfuzz, conn.rekey};
  child.reqid = conn.reqid;
  // mark_in/mark_out are as seen from the conn, not from left or right, so
  // they need no swap.
  child.mark_in = kernel_mark(conn.mark_in);
  child.mark_out = kernel_mark(conn.mark_out);
  child.replay_window = conn.replay_window.value_or(32);
  child.install_policy = conn.installpolicy;
  child.dpd_action = peer_gone(conn.dpdaction);
  child.close_action = peer_gone(conn.closeaction);
  return child;
}

void map_ike_settings(const ConnConfig& conn, const ResolvedEnds& ends, ike::sa::Connection& out) {
  out.name = conn.name;
  out.local_address = ends.local_address;
  out.remote_address = ends.remote_address;
  out.local_port = ends.local->ikeport;
  out.remote_port = ends.remote->ikeport;
  out.ike_proposals = proposals(conn.ike);
  out.ike_lifetime =
      ike::LifetimePolicy{conn.ikelifetime, conn.margintime, conn.rekeyfuzz, conn.rekey};
  bool dpd = conn.dpdaction != PeerAction::none;
  out.dpd_delay = dpd ? ike::Duration(conn.dpddelay) : ike::Duration(0);
  // Written, dpdtimeout bounds how long a liveness check goes unanswered
  // before the peer is dead (as in Libreswan); strongSwan's IKEv2 ignores
  // it, so its default (150 s) leaves the retransmission policy in charge.
  if (is_written(conn, "dpdtimeout")) out.dpd_timeout = ike::Duration(conn.dpdtimeout);
  out.dpd_action = peer_gone(conn.dpdaction);
  out.keying_tries = conn.keyingtries;
  out.fragmentation = conn.fragmentation != ike::config::Fragmentation::no;
  out.send_fragments = conn.fragmentation != ike::config::Fragmentation::accept;
  out.force_encapsulation = conn.forceencaps;
}

}  // namespace

ike::Result<ConnectionSetup> map_connection(const ConnConfig& conn, MappingContext& context) {
  auto ends = resolve_ends(conn, context.host);
  if (!ends) return std::move(ends).error();
  std::vector<std::string> warnings = std::move(ends->warnings);
  if (auto status = check_settings(conn, *ends, warnings); !status) {
    return std::move(status).error();
  }
  collect_proposal_warnings(conn, "ike", conn.ike, warnings);
  collect_proposal_warnings(conn, "esp", conn.esp, warnings);
  context.warnings.insert(context.warnings.end(), warnings.begin(), warnings.end());
  auto connection = std::make_shared<ike::sa::Connection>();
  map_ike_settings(conn, *ends, *connection);
  if (auto status = map_authentication(conn, *ends, context, *connection); !status) {
    return std::move(status).error();
  }
  connection->children.push_back(child_config(conn, *ends));

  ConnectionSetup setup;
  setup.name = conn.name;
  setup.connection = std::move(connection);
  setup.auto_action = conn.auto_action;
  setup.updown_script = ends->local->updown;
  setup.updown_hostaccess = ends->local->hostaccess;
  setup.swapped = ends->swapped;
  setup.source = std::make_shared<const ConnConfig>(conn);
  return setup;
}

}  // namespace ikev2d::setup::detail
