#include "ike/proposal/defaults.hpp"

#include <algorithm>

namespace ike::proposal {
namespace {

using E = wire::EncryptionAlgorithm;
using G = wire::KeGroup;
using I = wire::IntegrityAlgorithm;
using P = wire::PrfAlgorithm;

const std::vector<EncryptionTransform> kAeadCiphers = {
    {E::aes_gcm_16, 256}, {E::aes_gcm_16, 128}, {E::chacha20_poly1305, 0}};
const std::vector<EncryptionTransform> kClassicCiphers = {{E::aes_cbc, 256}, {E::aes_cbc, 128}};
const std::vector<I> kIntegrity = {I::hmac_sha2_256_128, I::hmac_sha2_384_192,
                                   I::hmac_sha2_512_256};
const std::vector<P> kPrfs = {P::hmac_sha2_256, P::hmac_sha2_384, P::hmac_sha2_512};
// Curve25519 first: RFC 8247 SHOULD, fast, no point validation pitfalls.
const std::vector<G> kGroups = {G::curve25519, G::ecp256,   G::ecp384,  G::ecp521,
                                G::curve448,   G::modp3072, G::modp4096};

std::vector<CryptoProposal> ike_defaults(DefaultsUse use) {
  auto groups = kGroups;
  if (use == DefaultsUse::accept) groups.push_back(G::modp2048);
  CryptoProposal aead{wire::ProtocolId::ike, kAeadCiphers, kPrfs, {}, groups, {}};
  CryptoProposal classic{wire::ProtocolId::ike, kClassicCiphers, kPrfs, kIntegrity, groups, {}};
  return {aead, classic};
}

std::vector<CryptoProposal> esp_defaults() {
  std::vector<wire::EsnMode> esn = {wire::EsnMode::no_esn};
  CryptoProposal aead{wire::ProtocolId::esp, kAeadCiphers, {}, {}, {}, esn};
  CryptoProposal classic{wire::ProtocolId::esp, kClassicCiphers, {}, kIntegrity, {}, esn};
  return {aead, classic};
}

}  // namespace

std::vector<CryptoProposal> default_proposals(wire::ProtocolId protocol, DefaultsUse use) {
  if (protocol == wire::ProtocolId::esp) return esp_defaults();
  if (protocol == wire::ProtocolId::ike) return ike_defaults(use);
  return {};
}

std::vector<CryptoProposal> proposals_for(const ProposalConfig& config, DefaultsUse use) {
  auto proposals = config.proposals;
  if (config.strict && !proposals.empty()) return proposals;
  for (auto& fallback : default_proposals(config.protocol, use)) {
    if (std::find(proposals.begin(), proposals.end(), fallback) == proposals.end())
      proposals.push_back(std::move(fallback));
  }
  return proposals;
}

}  // namespace ike::proposal
