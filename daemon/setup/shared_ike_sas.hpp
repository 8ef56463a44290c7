#pragma once
/// Conn sections that differ only in their CHILD settings share one IKE SA,
/// as strongSwan's starter merges them ("added child to existing
/// configuration"): they become one sa::Connection, named after the first of
/// them, with one CHILD per section, named after the section. The engine
/// keeps one IKE SA per Connection, so `ikectl up b` after `ikectl up a`
/// negotiates b with CREATE_CHILD_SA on a's IKE SA, and a peer may bring
/// either CHILD on the IKE SA it set up for the other.
///
/// Never shared: auto=ignore sections (the engine does not load them), and
/// auto=route sections with sections that are not routed, since routing a
/// Connection traps all of its CHILDs.

#include <vector>

#include "ike/sa/connection.hpp"
#include "setup/configuration.hpp"

namespace ikev2d::setup {

/// Everything an IKE SA is negotiated and kept with is equal: addresses and
/// ports, identities, authentication, our certificates, ike=, ikelifetime,
/// retransmission, DPD, keyingtries, fragmentation and forceencaps.
bool same_ike_sa_settings(const ike::sa::Connection& a, const ike::sa::Connection& b);

/// Our certificate chains are the same certificates (by fingerprint).
bool same_local_certificates(const ike::sa::Connection& a, const ike::sa::Connection& b);

/// Points every section of a group that can share an IKE SA at one merged
/// Connection (sections in file order; a group of one is left alone).
void share_ike_sas(std::vector<ConnectionSetup>& setups);

}  // namespace ikev2d::setup
