#include "ike/proposal/selection.hpp"

#include <algorithm>
#include <variant>

#include "ike/proposal/catalogue.hpp"
#include "ike/proposal/wire_conversion.hpp"

namespace ike::proposal {
namespace {

using wire::KeGroup;
using wire::ProtocolId;
using wire::TransformType;

// How many of the initiator's proposals a failure reason describes.
constexpr std::size_t kExplainedProposals = 4;
// How many ignored transforms it lists per proposal.
constexpr std::size_t kExplainedIgnored = 3;

struct PairMatch {
  NegotiatedAlgorithms algorithms;
  std::vector<wire::Transform> transforms;
};

// Why a pair of proposals does not agree, and on how many types it did
// before that, to report the closest of our proposals.
struct Mismatch {
  int agreed_types = 0;
  std::string reason;
};

using PairResult = std::variant<PairMatch, Mismatch>;

template <class T>
bool contains(const std::vector<T>& list, const T& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// The first value of the preferred side's list that the other side has too;
// `hint` wins if both have it.
template <class T>
std::optional<T> choose(const std::vector<T>& ours, const std::vector<T>& theirs,
                        Preference preference, std::optional<T> hint = std::nullopt) {
  if (hint && contains(ours, *hint) && contains(theirs, *hint)) return hint;
  const auto& first = preference == Preference::ours ? ours : theirs;
  const auto& second = preference == Preference::ours ? theirs : ours;
  for (const auto& value : first) {
    if (contains(second, value)) return value;
  }
  return std::nullopt;
}

// The list without NONE (id 0), which is never a real integrity algorithm or IKE group.
template <class T>
std::vector<T> real(const std::vector<T>& list) {
  std::vector<T> out;
  for (auto value : list) {
    if (static_cast<std::uint16_t>(value) != 0) out.push_back(value);
  }
  return out;
}

std::string names(const std::vector<EncryptionTransform>& list) {
  std::string out;
  for (const auto& e : list) {
    if (!out.empty()) out += '/';
    out += transform_status_name(TransformType::encryption, static_cast<std::uint16_t>(e.id),
                                 e.key_bits);
  }
  return out;
}

template <class T>
std::string names(TransformType type, const std::vector<T>& list) {
  std::string out;
  for (auto value : list) {
    if (!out.empty()) out += '/';
    out += transform_status_name(type, static_cast<std::uint16_t>(value), 0);
  }
  return out;
}

std::string offered_text(const ReceivedProposal& theirs, TransformType type,
                         const std::string& supported_names) {
  auto label = std::string(wire::name(type));
  if (!theirs.offers(type)) return "the peer offered no " + label + " transform";
  if (supported_names.empty()) return "the peer offered only unsupported " + label + " transforms";
  return "offered " + supported_names;
}

Mismatch differ(int agreed, const std::string& what, const std::string& offered,
                const std::string& accepted) {
  return {agreed, "no common " + what + " (" + offered + "; we accept " +
                      (accepted.empty() ? std::string("none") : accepted) + ")"};
}

// Chooses the key exchange transform of a pair into `chosen` (see
// selection.hpp for the rules), or says why there is none.
std::optional<Mismatch> choose_ke(const CryptoProposal& ours, const ReceivedProposal& theirs,
                                  const SelectionRequest& request, int agreed,
                                  CryptoProposal& chosen) {
  const auto& offer = theirs.supported;
  auto preference = request.preference;
  auto hint = request.initiator_ke_group;
  if (ours.protocol == ProtocolId::ike) {
    auto group = choose(real(ours.ke_groups), real(offer.ke_groups), preference, hint);
    if (!group)
      return differ(agreed, "key exchange group",
                    offered_text(theirs, TransformType::key_exchange,
                                 names(TransformType::key_exchange, real(offer.ke_groups))),
                    names(TransformType::key_exchange, ours.ke_groups));
    chosen.ke_groups = {*group};
    return std::nullopt;
  }
  // ESP: no groups on our side means "without PFS", i.e. only NONE.
  auto our_groups = ours.ke_groups.empty() ? std::vector<KeGroup>{KeGroup::none} : ours.ke_groups;
  if (!theirs.offers(TransformType::key_exchange)) {
    if (contains(our_groups, KeGroup::none)) return std::nullopt;
    return Mismatch{agreed, "we require PFS (" + names(TransformType::key_exchange, our_groups) +
                                ") but the peer offered no KE transform"};
  }
  auto group = choose(our_groups, offer.ke_groups, preference, hint);
  if (!group) {
    auto offered = offered_text(theirs, TransformType::key_exchange,
                                names(TransformType::key_exchange, offer.ke_groups));
    if (ours.ke_groups.empty())
      return Mismatch{agreed,
                      "the peer requires PFS (" + offered + ") but our proposal has no PFS group"};
    return differ(agreed, "PFS group", offered, names(TransformType::key_exchange, our_groups));
  }
  chosen.ke_groups = {*group};  // NONE is echoed as a transform, as offered
  return std::nullopt;
}

PairResult match_pair(const CryptoProposal& ours, const ReceivedProposal& theirs,
                      const SelectionRequest& request) {
  const auto& offer = theirs.supported;
  auto preference = request.preference;
  bool ike = ours.protocol == ProtocolId::ike;
  CryptoProposal chosen;
  chosen.protocol = ours.protocol;
  int agreed = 0;

  auto encryption = choose(ours.encryption, offer.encryption, preference);
  if (!encryption)
    return differ(agreed, "encryption algorithm",
                  offered_text(theirs, TransformType::encryption, names(offer.encryption)),
                  names(ours.encryption));
  chosen.encryption = {*encryption};
  ++agreed;

  if (is_aead(encryption->id)) {
    // RFC 7296 3.3: AEAD offers no integrity or just NONE; echo NONE if offered.
    if (contains(offer.integrity, wire::IntegrityAlgorithm::none))
      chosen.integrity = {wire::IntegrityAlgorithm::none};
  } else {
    auto integrity = choose(real(ours.integrity), real(offer.integrity), preference);
    if (!integrity)
      return differ(agreed, "integrity algorithm",
                    offered_text(theirs, TransformType::integrity,
                                 names(TransformType::integrity, real(offer.integrity))),
                    names(TransformType::integrity, real(ours.integrity)));
    chosen.integrity = {*integrity};
  }
  ++agreed;

  if (ike) {
    auto prf = choose(ours.prf, offer.prf, preference);
    if (!prf)
      return differ(agreed, "PRF",
                    offered_text(theirs, TransformType::prf, names(TransformType::prf, offer.prf)),
                    names(TransformType::prf, ours.prf));
    chosen.prf = {*prf};
    ++agreed;
  }

  if (!request.ignore_ke_transforms) {
    if (auto mismatch = choose_ke(ours, theirs, request, agreed, chosen)) return *mismatch;
    ++agreed;
  }

  if (!ike) {
    if (!theirs.offers(TransformType::esn))
      return Mismatch{agreed,
                      "the peer offered no ESN transform (mandatory for ESP, RFC 7296 3.3.3)"};
    auto our_esn = ours.esn.empty() ? std::vector<wire::EsnMode>{wire::EsnMode::no_esn} : ours.esn;
    auto esn = choose(our_esn, offer.esn, preference);
    if (!esn)
      return differ(agreed, "ESN mode",
                    offered_text(theirs, TransformType::esn, names(TransformType::esn, offer.esn)),
                    names(TransformType::esn, our_esn));
    chosen.esn = {*esn};
  }

  PairMatch match;
  auto& algorithms = match.algorithms;
  algorithms.protocol = ours.protocol;
  algorithms.encryption = *encryption;
  if (!chosen.integrity.empty()) algorithms.integrity = chosen.integrity.front();
  if (!chosen.prf.empty()) algorithms.prf = chosen.prf.front();
  if (!chosen.ke_groups.empty()) algorithms.ke_group = chosen.ke_groups.front();
  algorithms.extended_sequence_numbers = contains(chosen.esn, wire::EsnMode::esn);
  match.transforms = to_wire(chosen, 0, {}).transforms;
  return match;
}

struct Found {
  const ReceivedProposal* theirs = nullptr;
  PairMatch match;
};

// Refuses proposals that do not fit the exchange before any matching.
void check_context(ReceivedProposal& received, const SelectionRequest& request) {
  if (!received.unacceptable.empty()) return;
  if (received.protocol != request.protocol) {
    received.unacceptable = "protocol " + wire::to_string(received.protocol) + ", expected " +
                            wire::to_string(request.protocol);
  } else if (received.spi.size() != request.spi_size) {
    received.unacceptable = "SPI size " + std::to_string(received.spi.size()) + ", expected " +
                            std::to_string(request.spi_size) + " (RFC 7296 3.3.1)";
  }
}

// For one proposal on the preferred side, the best partner on the other:
// the first that agrees, or rather the first that agrees on the initiator's
// KE group.
template <class Partners, class Match>
std::optional<Found> best_partner(const Partners& partners, const SelectionRequest& request,
                                  Match match) {
  std::optional<Found> first;
  for (const auto& partner : partners) {
    auto found = match(partner);
    if (!found) continue;
    const auto& group = found->match.algorithms.ke_group;
    if (request.initiator_ke_group && group == *request.initiator_ke_group) return found;
    if (!first) first = std::move(found);
  }
  return first;
}

std::optional<Found> find_match(const std::vector<const CryptoProposal*>& ours,
                                const std::vector<ReceivedProposal>& received,
                                const SelectionRequest& request) {
  auto pair = [&](const CryptoProposal& mine,
                  const ReceivedProposal& theirs) -> std::optional<Found> {
    if (!theirs.unacceptable.empty()) return std::nullopt;
    auto result = match_pair(mine, theirs, request);
    if (auto* match = std::get_if<PairMatch>(&result)) return Found{&theirs, std::move(*match)};
    return std::nullopt;
  };
  if (request.preference == Preference::ours) {
    for (const auto* mine : ours) {
      auto found = best_partner(received, request, [&](const auto& t) { return pair(*mine, t); });
      if (found) return found;
    }
  } else {
    for (const auto& theirs : received) {
      auto found = best_partner(ours, request, [&](const auto* m) { return pair(*m, theirs); });
      if (found) return found;
    }
  }
  return std::nullopt;
}

std::string explain_one(const ReceivedProposal& theirs,
                        const std::vector<const CryptoProposal*>& ours,
                        const SelectionRequest& request) {
  if (!theirs.unacceptable.empty()) return theirs.unacceptable;
  Mismatch closest{-1, {}};
  for (const auto* mine : ours) {
    auto result = match_pair(*mine, theirs, request);
    if (auto* mismatch = std::get_if<Mismatch>(&result);
        mismatch && mismatch->agreed_types > closest.agreed_types)
      closest = *mismatch;
  }
  std::string out = closest.reason;
  if (!theirs.ignored.empty()) {
    out += " [ignored:";
    for (std::size_t i = 0; i < theirs.ignored.size() && i < kExplainedIgnored; ++i)
      out += " " + theirs.ignored[i] + ";";
    if (theirs.ignored.size() > kExplainedIgnored)
      out += " " + std::to_string(theirs.ignored.size() - kExplainedIgnored) + " more;";
    out.back() = ']';
  }
  return out;
}

std::string explain(const wire::SaPayload& offered, const std::vector<ReceivedProposal>& received,
                    const std::vector<const CryptoProposal*>& ours,
                    const SelectionRequest& request) {
  std::string out = "no acceptable proposal";
  for (std::size_t i = 0; i < received.size() && i < kExplainedProposals; ++i) {
    out += i == 0 ? ": " : "; ";
    out += "#" + std::to_string(received[i].number) + " " + describe(offered.proposals[i]) + ": " +
           explain_one(received[i], ours, request);
  }
  if (received.size() > kExplainedProposals)
    out += "; and " + std::to_string(received.size() - kExplainedProposals) + " more";
  return out;
}

}  // namespace

Result<ResponderChoice> select_proposal(const wire::SaPayload& offered,
                                        std::span<const CryptoProposal> acceptable,
                                        const SelectionRequest& request) {
  if (offered.proposals.empty())
    return make_error(Errc::no_proposal_chosen, "the SA payload carries no proposal");
  std::vector<const CryptoProposal*> ours;
  for (const auto& proposal : acceptable) {
    if (proposal.protocol == request.protocol) ours.push_back(&proposal);
  }
  if (ours.empty())
    return make_error(Errc::no_proposal_chosen,
                      "no " + wire::to_string(request.protocol) + " proposals configured");
  std::vector<ReceivedProposal> received;
  received.reserve(offered.proposals.size());
  for (const auto& proposal : offered.proposals) {
    received.push_back(from_wire(proposal));
    check_context(received.back(), request);
  }

  auto found = find_match(ours, received, request);
  if (!found)
    return make_error(Errc::no_proposal_chosen, explain(offered, received, ours, request));

  ResponderChoice choice;
  choice.selected.number = found->theirs->number;
  choice.selected.peer_spi = found->theirs->spi;
  choice.selected.algorithms = found->match.algorithms;
  choice.selected.transforms = std::move(found->match.transforms);
  auto group = choice.selected.algorithms.ke_group;
  if (!request.ignore_ke_transforms && group != KeGroup::none &&
      request.initiator_ke_group != group)
    choice.invalid_ke_group = group;
  return choice;
}

}  // namespace ike::proposal
