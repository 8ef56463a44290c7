#include "ike/ts/narrowing.hpp"

#include <algorithm>
#include <optional>

namespace ike::ts {
namespace {

/// Step 2: drop exact duplicates (keeping the first) and every selector that
/// another one contains.
std::vector<TrafficSelector> drop_redundant(const std::vector<TrafficSelector>& selectors) {
  // Exact duplicates: sort indexes by value, keep the first index of each run.
  std::vector<std::size_t> order(selectors.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&selectors](std::size_t a, std::size_t b) {
    return selectors[a] < selectors[b];
  });
  std::vector<bool> keep(selectors.size(), true);
  for (std::size_t i = 1; i < order.size(); ++i) {
    if (selectors[order[i]] == selectors[order[i - 1]]) keep[order[i]] = false;
  }
  std::vector<TrafficSelector> unique;
  for (std::size_t i = 0; i < selectors.size(); ++i) {
    if (keep[i]) unique.push_back(selectors[i]);
  }
  std::vector<TrafficSelector> out;
  for (std::size_t i = 0; i < unique.size(); ++i) {
    bool contained = false;
    for (std::size_t j = 0; j < unique.size() && !contained; ++j)
      contained = i != j && unique[j].contains(unique[i]);
    if (!contained) out.push_back(unique[i]);
  }
  return out;
}

/// Step 3: results overlapping the initiator's first selector go first.
void put_first_selector_traffic_first(std::vector<TrafficSelector>& narrowed,
                                      const TrafficSelector& first) {
  std::stable_partition(narrowed.begin(), narrowed.end(), [&first](const TrafficSelector& entry) {
    return intersect(entry, first).has_value();
  });
}

std::string side_unacceptable(std::string_view payload, std::span<const TrafficSelector> proposed,
                              std::string_view side, std::span<const TrafficSelector> configured) {
  std::string reason = std::string(payload) + " " + to_string(proposed);
  if (configured.empty()) {
    return reason + " cannot be accepted: we allow no " + std::string(side) + " selectors";
  }
  return reason + " does not overlap the " + std::string(side) + " selectors we allow (" +
         to_string(configured) + ")";
}

std::optional<std::string> too_many(std::string_view payload,
                                    std::span<const TrafficSelector> proposed,
                                    std::span<const TrafficSelector> configured) {
  if (proposed.size() * configured.size() <= kMaxIntersections) return std::nullopt;
  return std::string(payload) + " carries " + std::to_string(proposed.size()) +
         " selectors; against our " + std::to_string(configured.size()) + " that is more than " +
         std::to_string(kMaxIntersections) + " intersections";
}

Status check_side(std::string_view payload, std::span<const TrafficSelector> proposed,
                  std::span<const TrafficSelector> returned) {
  if (returned.empty()) {
    return make_error(Errc::invalid_argument,
                      "the responder returned no " + std::string(payload) + " selectors");
  }
  for (const auto& selector : returned) {
    if (!is_covered(selector, proposed)) {
      return make_error(Errc::invalid_argument,
                        std::string(payload) + " " + selector.to_string() +
                            " from the responder is not within what we proposed (" +
                            to_string(proposed) + ")");
    }
  }
  return {};
}

}  // namespace

std::vector<TrafficSelector> narrow(std::span<const TrafficSelector> proposed,
                                    std::span<const TrafficSelector> configured) {
  std::vector<TrafficSelector> intersections;
  for (const auto& offer : proposed) {
    for (const auto& allowed : configured) {
      if (auto common = intersect(offer, allowed)) intersections.push_back(*common);
    }
  }
  auto narrowed = drop_redundant(intersections);
  if (!proposed.empty()) put_first_selector_traffic_first(narrowed, proposed.front());
  return narrowed;
}

NarrowingResult narrow_as_responder(std::span<const TrafficSelector> proposed_tsi,
                                    std::span<const TrafficSelector> proposed_tsr,
                                    std::span<const TrafficSelector> configured_remote,
                                    std::span<const TrafficSelector> configured_local) {
  NarrowingResult result;
  if (auto reason = too_many("TSi", proposed_tsi, configured_remote)) {
    result.reason = *reason;
    return result;
  }
  if (auto reason = too_many("TSr", proposed_tsr, configured_local)) {
    result.reason = *reason;
    return result;
  }
  auto tsi = narrow(proposed_tsi, configured_remote);
  if (tsi.empty()) {
    result.reason = side_unacceptable("TSi", proposed_tsi, "remote", configured_remote);
    return result;
  }
  auto tsr = narrow(proposed_tsr, configured_local);
  if (tsr.empty()) {
    result.reason = side_unacceptable("TSr", proposed_tsr, "local", configured_local);
    return result;
  }
  result.status = NarrowingStatus::accepted;
  result.covers_first_selectors =
      is_covered(proposed_tsi.front(), tsi) && is_covered(proposed_tsr.front(), tsr);
  result.tsi = std::move(tsi);
  result.tsr = std::move(tsr);
  return result;
}

bool is_covered(const TrafficSelector& selector, std::span<const TrafficSelector> selectors) {
  // Candidates whose protocol and ports take in all of `selector`'s; then the
  // union of their address ranges must span selector's range without a gap.
  std::vector<TrafficSelector> candidates;
  for (const auto& entry : selectors) {
    if (entry.family() != selector.family()) continue;
    if (entry.protocol != 0 && entry.protocol != selector.protocol) continue;
    if (!entry.ports.contains(selector.ports)) continue;
    if (entry.contains(selector)) return true;
    candidates.push_back(entry);
  }
  std::sort(candidates.begin(), candidates.end(),
            [](const TrafficSelector& a, const TrafficSelector& b) {
              return a.start_address < b.start_address;
            });
  IpAddress cursor = selector.start_address;  // first address not yet covered
  for (const auto& entry : candidates) {
    if (cursor < entry.start_address) return false;  // a gap before this range
    if (entry.end_address < cursor) continue;
    if (!(entry.end_address < selector.end_address)) return true;
    auto next = entry.end_address.next();
    if (!next) return true;
    cursor = *next;
  }
  return false;
}

Status check_responder_narrowing(std::span<const TrafficSelector> proposed_tsi,
                                 std::span<const TrafficSelector> proposed_tsr,
                                 std::span<const TrafficSelector> returned_tsi,
                                 std::span<const TrafficSelector> returned_tsr) {
  auto status = check_side("TSi", proposed_tsi, returned_tsi);
  if (!status) return status;
  return check_side("TSr", proposed_tsr, returned_tsr);
}

}  // namespace ike::ts
