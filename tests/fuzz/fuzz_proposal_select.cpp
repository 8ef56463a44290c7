// Fuzzes proposal negotiation from both ends, on every input:
//   1. The input as an SA payload body (wire::SaPayload::decode). What decodes
//      must encode back to the same value; proposal::select_proposal against
//      our default proposals (IKE and ESP, both preferences) must either
//      refuse with no_proposal_chosen or pick an offered proposal whose
//      answer (response_sa_payload) our own initiator check accepts with the
//      same algorithms; proposal::check_response against fixed SA payloads
//      we could have sent must either refuse or agree on transforms we
//      offered.
//   2. The input as an ike=/esp= value (proposal::parse_proposals). What
//      parses must print (to_string) to text that parses to an equal value,
//      survive the trip through the wire structs, and be selectable by a
//      responder configured with the same proposals.
// Violations abort, so libFuzzer reports them with the input.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "ike/proposal/catalogue.hpp"
#include "ike/proposal/defaults.hpp"
#include "ike/proposal/parser.hpp"
#include "ike/proposal/response_check.hpp"
#include "ike/proposal/selection.hpp"
#include "ike/proposal/wire_conversion.hpp"
#include "ike/wire/payloads.hpp"
#include "ike/wire/writer.hpp"

namespace {

using ike::proposal::CryptoProposal;
using ike::proposal::DefaultsUse;
using ike::proposal::NegotiatedAlgorithms;
using ike::wire::ProtocolId;
using ike::wire::SaPayload;
using ike::wire::TransformType;

void check(bool condition) {
  if (!condition) std::abort();
}

const ike::Bytes kEspSpi = {0xc0, 0xff, 0xee, 0x01};
const ike::Bytes kIkeRekeySpi = {1, 2, 3, 4, 5, 6, 7, 8};

template <class T>
bool contains(const std::vector<T>& list, const T& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

SaPayload encode_decode(const SaPayload& sa) {
  ike::Bytes body;
  ike::wire::Writer out(body);
  sa.encode(out);
  auto again = SaPayload::decode(body);
  check(again.ok());
  return std::move(again).value();
}

bool numbers_unique(const SaPayload& sa) {
  for (std::size_t i = 1; i < sa.proposals.size(); ++i)
    if (sa.proposals[i].number == sa.proposals[i - 1].number) return false;
  return true;
}

const ike::wire::Proposal* offered_with(const SaPayload& sa, std::uint8_t number) {
  for (const auto& proposal : sa.proposals)
    if (proposal.number == number) return &proposal;
  return nullptr;
}

bool offers_type(const ike::wire::Proposal& proposal, TransformType type) {
  return std::any_of(proposal.transforms.begin(), proposal.transforms.end(),
                     [type](const auto& transform) { return transform.type == type; });
}

/// The agreed algorithms are well formed and each is one the proposal offered.
void check_agreed(const NegotiatedAlgorithms& agreed, const ike::wire::Proposal& offer) {
  const CryptoProposal supported = ike::proposal::from_wire(offer).supported;
  check(agreed.protocol == offer.protocol);
  check(contains(supported.encryption, agreed.encryption));
  check(ike::proposal::find_algorithm(TransformType::encryption,
                                      static_cast<std::uint16_t>(agreed.encryption.id),
                                      agreed.encryption.key_bits) != nullptr);
  if (agreed.aead()) {
    check(agreed.integrity == ike::wire::IntegrityAlgorithm::none);
  } else {
    check(contains(supported.integrity, agreed.integrity));
    check(agreed.integrity != ike::wire::IntegrityAlgorithm::none);
  }
  if (agreed.protocol == ProtocolId::ike) {
    check(agreed.prf && contains(supported.prf, *agreed.prf));
    check(agreed.ke_group != ike::wire::KeGroup::none);
    check(contains(supported.ke_groups, agreed.ke_group));
  } else {
    check(!agreed.prf);
    check(agreed.ke_group == ike::wire::KeGroup::none ||
          contains(supported.ke_groups, agreed.ke_group));
  }
  (void)ike::proposal::describe(agreed);
}

/// The group of the KE payload an initiator would send with `sa`: the first
/// KE transform of its first proposal.
std::optional<ike::wire::KeGroup> ke_payload_group(const SaPayload& sa) {
  for (const auto& transform : sa.proposals.front().transforms)
    if (transform.type == TransformType::key_exchange)
      return static_cast<ike::wire::KeGroup>(transform.id);
  return std::nullopt;
}

void select_and_answer(const SaPayload& offered, std::span<const CryptoProposal> ours,
                       const ike::proposal::SelectionRequest& request, ike::ByteView our_spi) {
  auto choice = ike::proposal::select_proposal(offered, ours, request);
  if (!choice) {
    check(choice.error().code == ike::Errc::no_proposal_chosen);
    check(!choice.error().reason.empty());
    return;
  }
  const auto& selected = choice->selected;
  const auto* offer = offered_with(offered, selected.number);
  check(offer != nullptr);
  if (!numbers_unique(offered)) return;  // bundles share a number; the checks below assume not
  check(selected.peer_spi == offer->spi && offer->protocol == request.protocol);
  check_agreed(selected.algorithms, *offer);
  if (choice->invalid_ke_group) {
    check(*choice->invalid_ke_group != ike::wire::KeGroup::none);
    check(choice->invalid_ke_group != request.initiator_ke_group);
    return;  // answered with INVALID_KE_PAYLOAD, not with this SA
  }
  // In IKE_AUTH the KE transforms are dropped from the answer, which only an
  // offer without them expects (our initiator omits them there).
  if (request.ignore_ke_transforms && offers_type(*offer, TransformType::key_exchange)) return;
  const SaPayload answer = ike::proposal::response_sa_payload(selected, our_spi);
  check(encode_decode(answer) == answer);
  auto accepted = ike::proposal::check_response(offered, answer);
  check(accepted.ok());
  check(accepted->algorithms == selected.algorithms);
  check(accepted->number == selected.number);
}

void check_responder(const SaPayload& offered) {
  if (offered.proposals.empty()) return;
  const auto ike_defaults = ike::proposal::default_proposals(ProtocolId::ike, DefaultsUse::accept);
  const auto esp_defaults = ike::proposal::default_proposals(ProtocolId::esp, DefaultsUse::accept);
  const auto hint = ke_payload_group(offered);
  for (auto preference : {ike::proposal::Preference::ours, ike::proposal::Preference::peer}) {
    select_and_answer(offered, ike_defaults, {ProtocolId::ike, 0, hint, false, preference}, {});
    select_and_answer(offered, ike_defaults, {ProtocolId::ike, 8, hint, false, preference},
                      kIkeRekeySpi);
    select_and_answer(offered, esp_defaults, {ProtocolId::esp, 4, hint, false, preference},
                      kEspSpi);
    select_and_answer(offered, esp_defaults, {ProtocolId::esp, 4, std::nullopt, true, preference},
                      kEspSpi);
  }
}

void check_initiator(const SaPayload& received) {
  const SaPayload sent[] = {
      ike::proposal::to_sa_payload(
          ike::proposal::default_proposals(ProtocolId::ike, DefaultsUse::offer), {}),
      ike::proposal::to_sa_payload(
          ike::proposal::default_proposals(ProtocolId::esp, DefaultsUse::offer), kEspSpi),
  };
  for (const SaPayload& ours : sent) {
    auto agreed = ike::proposal::check_response(ours, received);
    if (!agreed) {
      check(agreed.error().code == ike::Errc::no_proposal_chosen);
      check(!agreed.error().reason.empty());
      continue;
    }
    check(received.proposals.size() == 1);
    check(agreed->peer_spi == received.proposals[0].spi);
    const auto* offer = offered_with(ours, agreed->number);
    check(offer != nullptr);
    check(agreed->peer_spi.size() == offer->spi.size());
    check_agreed(agreed->algorithms, *offer);
  }
}

void check_sa_payload(ike::ByteView body) {
  auto decoded = SaPayload::decode(body);
  if (!decoded) {
    check(decoded.error().code == ike::Errc::invalid_syntax);
    check(!decoded.error().reason.empty());
    return;
  }
  check(encode_decode(*decoded) == *decoded);
  (void)ike::proposal::describe(*decoded);
  check_responder(*decoded);
  check_initiator(*decoded);
}

void check_proposal_text(std::string_view text, ProtocolId protocol) {
  auto parsed = ike::proposal::parse_proposals(text, protocol);
  if (!parsed) {
    check(parsed.error().code == ike::Errc::proposal_syntax);
    check(!parsed.error().reason.empty());
    return;
  }
  auto again = ike::proposal::parse_proposals(ike::proposal::to_string(*parsed), protocol);
  check(again.ok());
  check(again->proposals == parsed->proposals && again->strict == parsed->strict);
  for (const auto& proposal : parsed->proposals) {
    auto one = ike::proposal::parse_proposal(ike::proposal::to_string(proposal), protocol);
    check(one.ok() && *one == proposal);
  }
  if (parsed->proposals.empty()) return;

  // Through the wire structs and back.
  const ike::ByteView spi = protocol == ProtocolId::esp ? ike::ByteView(kEspSpi) : ike::ByteView();
  const SaPayload offer = ike::proposal::to_sa_payload(parsed->proposals, spi);
  check(encode_decode(offer) == offer);
  for (std::size_t i = 0; i < offer.proposals.size(); ++i) {
    const auto received = ike::proposal::from_wire(offer.proposals[i]);
    check(received.unacceptable.empty() && received.ignored.empty());
    check(received.supported == parsed->proposals[i]);
  }
  // A responder configured alike accepts it, with the KE group we would send.
  const auto group = ike::proposal::preferred_ke_group(parsed->proposals);
  const ike::proposal::SelectionRequest request{protocol, spi.size(), group};
  auto choice = ike::proposal::select_proposal(offer, parsed->proposals, request);
  check(choice.ok());
  check(!choice->invalid_ke_group);
  auto accepted = ike::proposal::check_response(
      offer, ike::proposal::response_sa_payload(choice->selected, spi));
  check(accepted.ok() && accepted->algorithms == choice->selected.algorithms);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check_sa_payload(ike::ByteView(data, size));
  std::string_view text(reinterpret_cast<const char*>(data), size);
  check_proposal_text(text, ProtocolId::ike);
  check_proposal_text(text, ProtocolId::esp);
  return 0;
}
