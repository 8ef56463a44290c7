#include "ike/proposal/wire_conversion.hpp"

#include <array>
#include <cassert>

#include "ike/proposal/catalogue.hpp"

namespace ike::proposal {
namespace {

using wire::ProtocolId;
using wire::TransformType;

wire::Transform make_transform(TransformType type, std::uint16_t id, std::uint16_t key_bits = 0) {
  wire::Transform transform;
  transform.type = type;
  transform.id = id;
  if (key_bits != 0) {
    wire::TransformAttribute attribute;
    attribute.type = wire::kKeyLengthAttribute;
    attribute.tv = true;
    attribute.value = key_bits;
    transform.attributes.push_back(attribute);
  }
  return transform;
}

template <class Enum>
void append(std::vector<wire::Transform>& out, TransformType type, const std::vector<Enum>& list) {
  for (auto value : list)
    out.push_back(make_transform(type, static_cast<std::uint16_t>(value)));
}

bool known_type(TransformType type) {
  auto number = static_cast<unsigned>(type);
  return number >= 1 && number <= 5;
}

// Transform types each protocol may carry (RFC 7296 3.3.3).
bool allowed_in(ProtocolId protocol, TransformType type) {
  if (protocol == ProtocolId::ike) return type != TransformType::esn;
  return type != TransformType::prf;
}

// Encryption algorithms whose key size comes from the Key Length attribute.
bool needs_key_length(std::uint16_t id) {
  using E = wire::EncryptionAlgorithm;
  switch (static_cast<E>(id)) {
    case E::aes_cbc:
    case E::aes_ctr:
    case E::aes_ccm_8:
    case E::aes_ccm_12:
    case E::aes_ccm_16:
    case E::aes_gcm_8:
    case E::aes_gcm_12:
    case E::aes_gcm_16:
    case E::null_auth_aes_gmac:
      return true;
    default:
      return false;
  }
}

std::string type_label(TransformType type) {
  return std::string(wire::name(type));
}

void add_supported(CryptoProposal& proposal, TransformType type, std::uint16_t id,
                   std::uint16_t key_bits) {
  switch (type) {
    case TransformType::encryption:
      proposal.encryption.push_back({static_cast<wire::EncryptionAlgorithm>(id), key_bits});
      break;
    case TransformType::prf:
      proposal.prf.push_back(static_cast<wire::PrfAlgorithm>(id));
      break;
    case TransformType::integrity:
      proposal.integrity.push_back(static_cast<wire::IntegrityAlgorithm>(id));
      break;
    case TransformType::key_exchange:
      proposal.ke_groups.push_back(static_cast<wire::KeGroup>(id));
      break;
    case TransformType::esn:
      proposal.esn.push_back(static_cast<wire::EsnMode>(id));
      break;
  }
}

// Why a transform of a known type is not usable, or empty when it is.
std::string transform_problem(const wire::Transform& transform, std::uint16_t& key_bits) {
  auto key_length = key_length_of(transform);
  if (!key_length.problem.empty()) return key_length.problem;
  key_bits = key_length.bits.value_or(0);
  auto id = transform.id;
  const bool takes_key_length = transform.type == TransformType::encryption && needs_key_length(id);
  // Even a Key Length of 0 is refused here: our answer would omit it, and
  // the initiator would then see transforms it never offered.
  if (key_length.bits && !takes_key_length)
    return transform_status_name(transform.type, id, 0) +
           ": Key Length attribute not allowed for this transform";
  if (find_algorithm(transform.type, id, key_bits) != nullptr) return {};
  // NONE is a valid offer for integrity (with AEAD) and for KE (optional PFS).
  bool none_allowed =
      transform.type == TransformType::integrity || transform.type == TransformType::key_exchange;
  if (id == 0 && none_allowed && key_bits == 0) return {};
  auto name = transform_status_name(transform.type, id, 0);
  if (takes_key_length && key_bits == 0) return name + ": Key Length attribute missing";
  return transform_status_name(transform.type, id, key_bits) + ": not supported";
}

}  // namespace

wire::Proposal to_wire(const CryptoProposal& proposal, std::uint8_t number, ByteView spi,
                       KeTransforms ke) {
  wire::Proposal out;
  out.number = number;
  out.protocol = proposal.protocol;
  out.spi.assign(spi.begin(), spi.end());
  for (const auto& encryption : proposal.encryption)
    out.transforms.push_back(make_transform(
        TransformType::encryption, static_cast<std::uint16_t>(encryption.id), encryption.key_bits));
  append(out.transforms, TransformType::prf, proposal.prf);
  append(out.transforms, TransformType::integrity, proposal.integrity);
  if (ke == KeTransforms::include)
    append(out.transforms, TransformType::key_exchange, proposal.ke_groups);
  if (proposal.protocol == ProtocolId::esp && proposal.esn.empty())
    out.transforms.push_back(make_transform(TransformType::esn, 0));
  append(out.transforms, TransformType::esn, proposal.esn);
  return out;
}

wire::SaPayload to_sa_payload(std::span<const CryptoProposal> proposals, ByteView spi,
                              KeTransforms ke) {
  assert(proposals.size() <= 255);
  wire::SaPayload payload;
  for (std::size_t i = 0; i < proposals.size() && i < 255; ++i)
    payload.proposals.push_back(to_wire(proposals[i], static_cast<std::uint8_t>(i + 1), spi, ke));
  return payload;
}

KeyLengthResult key_length_of(const wire::Transform& transform) {
  KeyLengthResult result;
  auto label = transform_status_name(transform.type, transform.id, 0);
  for (const auto& attribute : transform.attributes) {
    if (attribute.type != wire::kKeyLengthAttribute) {
      result.problem = label + ": unknown attribute type " + std::to_string(attribute.type);
      return result;
    }
    if (!attribute.tv) {
      result.problem = label + ": Key Length attribute in TLV form (must be TV)";
      return result;
    }
    if (result.bits) {
      result.problem = label + ": Key Length attribute repeated";
      return result;
    }
    result.bits = attribute.value;
  }
  return result;
}

ReceivedProposal from_wire(const wire::Proposal& proposal) {
  ReceivedProposal received;
  received.number = proposal.number;
  received.protocol = proposal.protocol;
  received.spi = proposal.spi;
  received.supported.protocol = proposal.protocol;
  if (proposal.protocol != ProtocolId::ike && proposal.protocol != ProtocolId::esp)
    received.unacceptable = "protocol " + wire::to_string(proposal.protocol) + " is not supported";
  for (const auto& transform : proposal.transforms) {
    if (!known_type(transform.type)) {
      if (received.unacceptable.empty())
        received.unacceptable = "unknown transform type " +
                                std::to_string(static_cast<unsigned>(transform.type)) +
                                " (RFC 7296 3.3.6)";
      continue;
    }
    received.offered_types |=
        static_cast<std::uint8_t>(1u << static_cast<unsigned>(transform.type));
    if (received.unacceptable.empty() && !allowed_in(proposal.protocol, transform.type))
      received.unacceptable = type_label(transform.type) + " transform not allowed in " +
                              wire::to_string(proposal.protocol) + " proposals (RFC 7296 3.3.3)";
    std::uint16_t key_bits = 0;
    auto problem = transform_problem(transform, key_bits);
    if (!problem.empty()) {
      received.ignored.push_back(type_label(transform.type) + " " + problem);
      continue;
    }
    add_supported(received.supported, transform.type, transform.id, key_bits);
  }
  return received;
}

std::string describe(const wire::Proposal& proposal) {
  std::string out = wire::to_string(proposal.protocol) + ":";
  bool first = true;
  auto print = [&](const wire::Transform& transform) {
    auto key_length = key_length_of(transform);
    if (!first) out += '/';
    first = false;
    out += transform_status_name(transform.type, transform.id, key_length.bits.value_or(0));
  };
  // strongSwan's order: encryption, integrity, PRF, KE, ESN, then unknown types.
  constexpr std::array<unsigned, 5> kOrder = {1, 3, 2, 4, 5};
  for (auto type : kOrder) {
    for (const auto& transform : proposal.transforms)
      if (static_cast<unsigned>(transform.type) == type) print(transform);
  }
  for (const auto& transform : proposal.transforms)
    if (!known_type(transform.type)) print(transform);
  return out;
}

std::string describe(const wire::SaPayload& payload) {
  std::string out;
  for (const auto& proposal : payload.proposals) {
    if (!out.empty()) out += ", ";
    out += describe(proposal);
  }
  return out;
}

}  // namespace ike::proposal
