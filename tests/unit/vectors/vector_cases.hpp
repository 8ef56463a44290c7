#pragma once
// What each strongSwan capture of tests/vectors/ holds, as seen in the
// capture, the charon logs, initiator-swanctl.conf and vectors.txt (see
// tests/vectors/README.md). The replay tests check libike against these.

#include <string>
#include <vector>

#include "ike/wire/types.hpp"

namespace ike::vectors {

struct VectorCase {
  const char* folder;
  /// initiator-swanctl.conf's proposals = / esp_proposals = (vectors.txt's
  /// header line for the full chain), in strongSwan syntax.
  const char* ike_config;
  const char* esp_config;
  /// proposal::describe() of the agreed IKE algorithms.
  const char* ike_algorithms;
  /// The ESP proposal of the first CHILD SA, as describe(wire::Proposal) prints it.
  const char* esp_offer;
  /// FQDN identities.
  const char* initiator_id;
  const char* responder_id;
  wire::AuthMethod auth_method;
  /// The pre-shared key; nullptr for certificates.
  const char* psk;
  /// TSi and TSr of the CHILD SA as ts::TrafficSelector::to_string prints them.
  const char* initiator_ts;
  const char* responder_ts;
  /// The initiator asked for transport mode (USE_TRANSPORT_MODE, RFC 7296 1.3.1).
  bool transport_mode;
  /// The responder installed the CHILD SA; else it answered NO_PROPOSAL_CHOSEN
  /// (a kernel without ESP, see the README).
  bool child_established;
  /// summarize() of every IKE message, in capture order.
  std::vector<std::string> messages;
};

/// The four captures.
const std::vector<VectorCase>& vector_cases();

/// The cases that authenticate with a pre-shared key.
std::vector<VectorCase> psk_cases();

/// A gtest-friendly name for a case ("psk_aes128_sha256_ecp256").
std::string case_name(const VectorCase& vector_case);

}  // namespace ike::vectors
