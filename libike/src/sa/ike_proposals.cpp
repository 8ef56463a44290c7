#include "ike_proposals.hpp"

namespace ike::sa {

std::vector<proposal::CryptoProposal> ike_proposals(const Connection& connection,
                                                    proposal::DefaultsUse use) {
  if (!connection.ike_proposals.empty()) return connection.ike_proposals;
  return proposal::default_proposals(wire::ProtocolId::ike, use);
}

}  // namespace ike::sa
