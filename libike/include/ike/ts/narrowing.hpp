#pragma once
/// Traffic selector narrowing (RFC 7296 2.9).
///
/// Responder: the initiator proposes TSi (its side, i.e. our remote side) and
/// TSr (our side). Each list is narrowed on its own against the configured
/// selectors of that side:
///   1. every proposed selector is intersected with every configured one
///      (protocol, ports and address range; see intersect()), in the
///      initiator's order, then the configured order; empty results vanish;
///   2. exact duplicates are dropped, and so is every selector that another
///      result contains (e.g. 10.1.0.5/32[tcp/80] next to 10.1.0.0/24);
///   3. the results that overlap the initiator's *first* selector are moved to
///      the front, keeping their order.
/// If either list ends up empty the answer is TS_UNACCEPTABLE (the caller
/// sends that notify; it is not an error of ours).
///
/// The first selector: RFC 7296 2.9 lets an initiator that starts a CHILD SA
/// because of a packet put that packet's addresses (and protocol and ports)
/// first in TSi and TSr, so that a responder with several matching policies
/// can pick the one the packet needs. We keep the traffic of that first
/// selector whenever our configuration allows it, but we do not narrow the SA
/// down to the single packet: the first selector's own intersection is usually
/// contained in a wider result and dropped in step 2, and that wider result
/// is what step 3 puts first. `covers_first_selectors` says whether the first
/// TSi and TSr are inside the result, so that the engine choosing between
/// several connections can prefer one that carries the triggering packet, as
/// strongSwan does when it selects a child config.
///
/// Initiator: the responder's TSi/TSr must lie within what we proposed
/// (RFC 7296 2.9: the responder may only narrow); otherwise the CHILD SA must
/// not be used: check_responder_narrowing() says why.
///
/// Cost is O(p x c) intersections plus O(n^2) containment tests on the n
/// results. TS payloads only arrive inside authenticated IKE_AUTH and
/// CREATE_CHILD_SA messages, but a TS payload can still hold some 4000
/// selectors, so narrow_as_responder() refuses (TS_UNACCEPTABLE, with the
/// reason) a list whose p x c exceeds kMaxIntersections.

#include <span>
#include <string>
#include <vector>

#include "ike/error.hpp"
#include "ike/ts/traffic_selector.hpp"

namespace ike::ts {

/// Upper bound on proposed x configured selectors per side (see above); real
/// configurations stay far below (50 proposed x 20 configured = 1000).
inline constexpr std::size_t kMaxIntersections = 4096;

enum class NarrowingStatus {
  accepted,         ///< both lists are non-empty: answer with them
  ts_unacceptable,  ///< nothing left on one side: send N(TS_UNACCEPTABLE)
};

struct NarrowingResult {
  NarrowingStatus status = NarrowingStatus::ts_unacceptable;
  /// The narrowed lists to return in TSi and TSr (empty when unacceptable).
  std::vector<TrafficSelector> tsi;
  std::vector<TrafficSelector> tsr;
  /// Whether the initiator's first TSi and first TSr are entirely inside tsi
  /// and tsr (false when unacceptable).
  bool covers_first_selectors = false;
  /// For the log when unacceptable, e.g. `TSi 10.3.0.0/16 does not overlap
  /// the remote selectors we allow (10.2.0.0/16)`.
  std::string reason;

  bool accepted() const noexcept { return status == NarrowingStatus::accepted; }
};

/// Steps 1-3 above for one list. Empty when nothing overlaps.
std::vector<TrafficSelector> narrow(std::span<const TrafficSelector> proposed,
                                    std::span<const TrafficSelector> configured);

/// Responder side of RFC 7296 2.9. `configured_remote` are our selectors for the
/// peer's side (rightsubnet, resolved), `configured_local` for ours.
NarrowingResult narrow_as_responder(std::span<const TrafficSelector> proposed_tsi,
                                    std::span<const TrafficSelector> proposed_tsr,
                                    std::span<const TrafficSelector> configured_remote,
                                    std::span<const TrafficSelector> configured_local);

/// Whether every packet `selector` matches is matched by at least one of
/// `selectors`. Exact for the address dimension (a range may be covered by
/// several adjacent ones); protocol and ports must each be contained in one
/// selector that takes part in the cover.
bool is_covered(const TrafficSelector& selector, std::span<const TrafficSelector> selectors);

/// Initiator side: fails (invalid_argument) when a returned list is empty or a
/// returned selector is not covered by our proposal, e.g. `TSr 10.9.0.0/16
/// from the responder is not within what we proposed (10.1.0.0/16)`. The
/// caller then refuses the CHILD SA (deletes it).
Status check_responder_narrowing(std::span<const TrafficSelector> proposed_tsi,
                                 std::span<const TrafficSelector> proposed_tsr,
                                 std::span<const TrafficSelector> returned_tsi,
                                 std::span<const TrafficSelector> returned_tsr);

}  // namespace ike::ts
