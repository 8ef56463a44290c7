#pragma once
/// Which connection a responder uses for a peer: by addresses at
/// IKE_SA_INIT, then again by identities at IKE_AUTH, where the peer's IDi
/// (and IDr, if it sent one) may point to another connection between the
/// same addresses (road warriors told apart by their IDs, RFC 7296 2.15).

#include <map>
#include <optional>
#include <string>

#include "ike/crypto/pki/identity.hpp"
#include "ike/proposal/crypto_proposal.hpp"
#include "ike/sa/connection.hpp"
#include "ike/sa/endpoint.hpp"

namespace ike::sa {

using ConnectionTable = std::map<std::string, ConnectionPtr, std::less<>>;

/// How well `connection`'s addresses admit a peer at `remote` reaching us at
/// `local`: 0 not at all; higher for exact addresses than for %any.
int address_match(const Connection& connection, const Endpoint& local, const Endpoint& remote);

/// The connection with the best address match (ties: the first by name).
const Connection* best_connection_by_address(const ConnectionTable& connections,
                                             const Endpoint& local, const Endpoint& remote);

/// Whether `proposals` (empty: our defaults) accept `agreed` IKE algorithms.
bool accepts_ike_algorithms(const Connection& connection,
                            const proposal::NegotiatedAlgorithms& agreed);

/// At IKE_AUTH: the connection that suits `peer_id` (and `our_id`, the IDr
/// the peer asked for) best among those admitting the SA's addresses and
/// accepting its IKE algorithms; `current` unless another one matches the
/// identities better. nullptr only when `current` is null.
ConnectionPtr best_connection_by_identity(
    const ConnectionTable& connections, const ConnectionPtr& current, const Endpoint& local,
    const Endpoint& remote, const std::optional<proposal::NegotiatedAlgorithms>& agreed,
    const pki::Identity& peer_id, const std::optional<pki::Identity>& our_id);

}  // namespace ike::sa
