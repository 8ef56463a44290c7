#include "ike/proposal/crypto_proposal.hpp"

#include <algorithm>

#include "ike/proposal/catalogue.hpp"

namespace ike::proposal {
namespace {

using wire::TransformType;

void append_name(std::string& out, bool& first, TransformType type, std::uint16_t id,
                 std::uint16_t key_bits) {
  if (!first) out += '/';
  first = false;
  out += transform_status_name(type, id, key_bits);
}

template <class Enum>
void append_names(std::string& out, bool& first, TransformType type,
                  const std::vector<Enum>& values) {
  for (auto value : values)
    append_name(out, first, type, static_cast<std::uint16_t>(value), 0);
}

}  // namespace

bool is_aead(wire::EncryptionAlgorithm id) noexcept {
  using E = wire::EncryptionAlgorithm;
  switch (id) {
    case E::aes_ccm_8:
    case E::aes_ccm_12:
    case E::aes_ccm_16:
    case E::aes_gcm_8:
    case E::aes_gcm_12:
    case E::aes_gcm_16:
    case E::null_auth_aes_gmac:
    case E::chacha20_poly1305:
      return true;
    default:
      return false;
  }
}

bool CryptoProposal::aead() const noexcept {
  return !encryption.empty() && std::all_of(encryption.begin(), encryption.end(),
                                            [](const auto& e) { return is_aead(e.id); });
}

std::string describe(const CryptoProposal& proposal) {
  std::string out = std::string(wire::name(proposal.protocol)) + ":";
  bool first = true;
  for (const auto& encryption : proposal.encryption)
    append_name(out, first, TransformType::encryption, static_cast<std::uint16_t>(encryption.id),
                encryption.key_bits);
  append_names(out, first, TransformType::integrity, proposal.integrity);
  append_names(out, first, TransformType::prf, proposal.prf);
  append_names(out, first, TransformType::key_exchange, proposal.ke_groups);
  append_names(out, first, TransformType::esn, proposal.esn);
  return out;
}

std::string describe(std::span<const CryptoProposal> proposals) {
  std::string out;
  for (const auto& proposal : proposals) {
    if (!out.empty()) out += ", ";
    out += describe(proposal);
  }
  return out;
}

std::optional<wire::KeGroup> preferred_ke_group(std::span<const CryptoProposal> proposals) {
  for (const auto& proposal : proposals) {
    for (auto group : proposal.ke_groups) {
      if (group != wire::KeGroup::none) return group;
    }
  }
  return std::nullopt;
}

bool promote_ke_group(std::vector<CryptoProposal>& proposals, wire::KeGroup group) {
  auto contains = [group](const CryptoProposal& p) {
    return std::find(p.ke_groups.begin(), p.ke_groups.end(), group) != p.ke_groups.end();
  };
  if (std::none_of(proposals.begin(), proposals.end(), contains)) return false;
  for (auto& proposal : proposals) {
    auto& groups = proposal.ke_groups;
    auto it = std::find(groups.begin(), groups.end(), group);
    if (it != groups.end()) std::rotate(groups.begin(), it, it + 1);
  }
  std::stable_partition(proposals.begin(), proposals.end(), contains);
  return true;
}

std::string describe(const NegotiatedAlgorithms& algorithms) {
  std::string out;
  bool first = true;
  append_name(out, first, TransformType::encryption,
              static_cast<std::uint16_t>(algorithms.encryption.id), algorithms.encryption.key_bits);
  if (algorithms.integrity != wire::IntegrityAlgorithm::none)
    append_name(out, first, TransformType::integrity,
                static_cast<std::uint16_t>(algorithms.integrity), 0);
  if (algorithms.prf)
    append_name(out, first, TransformType::prf, static_cast<std::uint16_t>(*algorithms.prf), 0);
  if (algorithms.ke_group != wire::KeGroup::none)
    append_name(out, first, TransformType::key_exchange,
                static_cast<std::uint16_t>(algorithms.ke_group), 0);
  if (algorithms.protocol == wire::ProtocolId::esp) {
    auto esn = algorithms.extended_sequence_numbers ? wire::EsnMode::esn : wire::EsnMode::no_esn;
    append_name(out, first, TransformType::esn, static_cast<std::uint16_t>(esn), 0);
  }
  return out;
}

wire::SaPayload response_sa_payload(const SelectedProposal& selected, ByteView our_spi) {
  wire::Proposal proposal;
  proposal.number = selected.number;
  proposal.protocol = selected.algorithms.protocol;
  proposal.spi.assign(our_spi.begin(), our_spi.end());
  proposal.transforms = selected.transforms;
  wire::SaPayload payload;
  payload.proposals.push_back(std::move(proposal));
  return payload;
}

}  // namespace ike::proposal
