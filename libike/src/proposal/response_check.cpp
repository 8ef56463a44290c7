#include "ike/proposal/response_check.hpp"

#include <algorithm>
#include <array>

#include "ike/proposal/catalogue.hpp"
#include "ike/proposal/wire_conversion.hpp"

namespace ike::proposal {
namespace {

using wire::TransformType;

constexpr std::array kTypes = {TransformType::encryption, TransformType::prf,
                               TransformType::integrity, TransformType::key_exchange,
                               TransformType::esn};

Error fail(const std::string& what) {
  return make_error(Errc::no_proposal_chosen, "responder's SA: " + what);
}

std::string label(TransformType type) {
  return std::string(wire::name(type));
}

std::string transform_text(const wire::Transform& transform) {
  auto key_length = key_length_of(transform);
  return label(transform.type) + " " +
         transform_status_name(transform.type, transform.id, key_length.bits.value_or(0));
}

bool may_be_none(TransformType type) {
  return type == TransformType::integrity || type == TransformType::key_exchange;
}

bool is_none(const wire::Transform& transform) {
  return may_be_none(transform.type) && transform.id == 0 && transform.attributes.empty();
}

bool offers_type(const wire::Proposal& proposal, TransformType type) {
  return std::any_of(proposal.transforms.begin(), proposal.transforms.end(),
                     [type](const auto& t) { return t.type == type; });
}

bool offers_none(const wire::Proposal& proposal, TransformType type) {
  return std::any_of(proposal.transforms.begin(), proposal.transforms.end(),
                     [type](const auto& t) { return t.type == type && is_none(t); });
}

const wire::Proposal* find_offer(const wire::SaPayload& sent, std::uint8_t number) {
  for (const auto& proposal : sent.proposals) {
    if (proposal.number == number) return &proposal;
  }
  return nullptr;
}

// Each transform of the answer is one we offered (or a tolerated NONE), at
// most one per type; fills `chosen` indexed by type number.
Status check_transforms(const wire::Proposal& answer, const wire::Proposal& offer,
                        std::array<const wire::Transform*, 6>& chosen) {
  auto number = std::to_string(offer.number);
  for (const auto& transform : answer.transforms) {
    auto type = static_cast<unsigned>(transform.type);
    if (type < 1 || type > 5) return fail("unknown transform type " + std::to_string(type));
    if (chosen[type] != nullptr)
      return fail("two " + label(transform.type) + " transforms (" + transform_text(*chosen[type]) +
                  " and " + transform_text(transform) + "); exactly one per type is allowed");
    bool offered = std::find(offer.transforms.begin(), offer.transforms.end(), transform) !=
                   offer.transforms.end();
    bool tolerated_none = is_none(transform) && !offers_type(offer, transform.type);
    if (!offered && !tolerated_none)
      return fail("transform " + transform_text(transform) + " was not offered in proposal " +
                  number);
    chosen[type] = &transform;
  }
  for (auto type : kTypes) {
    auto index = static_cast<unsigned>(type);
    if (chosen[index] != nullptr || !offers_type(offer, type)) continue;
    if (offers_none(offer, type)) continue;
    bool aead_integrity = type == TransformType::integrity && chosen[1] != nullptr &&
                          is_aead(static_cast<wire::EncryptionAlgorithm>(chosen[1]->id));
    if (!aead_integrity)
      return fail("no " + label(type) + " transform, but proposal " + number + " offered one");
  }
  return {};
}

// The transforms are offered ones, hence supported; this catches a sent SA
// payload we could not have built ourselves and an AEAD/integrity contradiction.
Result<NegotiatedAlgorithms> to_algorithms(const wire::Proposal& answer) {
  auto received = from_wire(answer);
  if (!received.unacceptable.empty()) return fail(received.unacceptable);
  if (!received.ignored.empty()) return fail(received.ignored.front());
  const auto& model = received.supported;
  if (model.encryption.empty()) return fail("no ENCR transform");
  NegotiatedAlgorithms algorithms;
  algorithms.protocol = answer.protocol;
  algorithms.encryption = model.encryption.front();
  if (!model.integrity.empty()) algorithms.integrity = model.integrity.front();
  bool has_integrity = algorithms.integrity != wire::IntegrityAlgorithm::none;
  if (algorithms.aead() && has_integrity)
    return fail("integrity transform together with AEAD encryption");
  if (!algorithms.aead() && !has_integrity)
    return fail("classic encryption without an integrity transform");
  if (!model.prf.empty()) algorithms.prf = model.prf.front();
  if (!model.ke_groups.empty()) algorithms.ke_group = model.ke_groups.front();
  if (answer.protocol == wire::ProtocolId::ike &&
      (!algorithms.prf || algorithms.ke_group == wire::KeGroup::none))
    return fail("IKE proposal without PRF or key exchange group");
  algorithms.extended_sequence_numbers =
      !model.esn.empty() && model.esn.front() == wire::EsnMode::esn;
  return algorithms;
}

}  // namespace

Result<SelectedProposal> check_response(const wire::SaPayload& sent,
                                        const wire::SaPayload& received) {
  if (received.proposals.size() != 1)
    return fail("carries " + std::to_string(received.proposals.size()) +
                " proposals; exactly one is allowed (RFC 7296 3.3.6)");
  const auto& answer = received.proposals.front();
  const auto* offer = find_offer(sent, answer.number);
  if (offer == nullptr)
    return fail("proposal number " + std::to_string(answer.number) + " was never offered");
  if (answer.protocol != offer->protocol)
    return fail("protocol " + wire::to_string(answer.protocol) + ", but proposal " +
                std::to_string(offer->number) + " was " + wire::to_string(offer->protocol));
  if (answer.spi.size() != offer->spi.size())
    return fail("SPI size " + std::to_string(answer.spi.size()) + ", expected " +
                std::to_string(offer->spi.size()));
  std::array<const wire::Transform*, 6> chosen{};
  if (auto status = check_transforms(answer, *offer, chosen); !status)
    return std::move(status).error();
  auto algorithms = to_algorithms(answer);
  if (!algorithms) return std::move(algorithms).error();

  SelectedProposal selected;
  selected.number = answer.number;
  selected.peer_spi = answer.spi;
  selected.algorithms = *algorithms;
  selected.transforms = answer.transforms;
  return selected;
}

}  // namespace ike::proposal
