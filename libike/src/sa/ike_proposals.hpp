#pragma once
/// A connection's IKE proposals: its ike= value, or our defaults without one.

#include <vector>

#include "ike/proposal/defaults.hpp"
#include "ike/sa/connection.hpp"

namespace ike::sa {

std::vector<proposal::CryptoProposal> ike_proposals(const Connection& connection,
                                                    proposal::DefaultsUse use);

}  // namespace ike::sa
