#pragma once
/// Builders for SA payload structs and parsed proposals, shared by the
/// proposal tests.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ike/proposal/parser.hpp"
#include "ike/proposal/wire_conversion.hpp"

namespace ike::proposal::test {

inline wire::Transform transform(wire::TransformType type, std::uint16_t id,
                                 std::uint16_t key_bits = 0) {
  wire::Transform out;
  out.type = type;
  out.id = id;
  if (key_bits != 0) out.attributes.push_back({wire::kKeyLengthAttribute, true, key_bits, {}});
  return out;
}

inline wire::Transform encr(wire::EncryptionAlgorithm id, std::uint16_t key_bits = 0) {
  return transform(wire::TransformType::encryption, static_cast<std::uint16_t>(id), key_bits);
}
inline wire::Transform prf(wire::PrfAlgorithm id) {
  return transform(wire::TransformType::prf, static_cast<std::uint16_t>(id));
}
inline wire::Transform integ(wire::IntegrityAlgorithm id) {
  return transform(wire::TransformType::integrity, static_cast<std::uint16_t>(id));
}
inline wire::Transform ke(wire::KeGroup id) {
  return transform(wire::TransformType::key_exchange, static_cast<std::uint16_t>(id));
}
inline wire::Transform esn(wire::EsnMode id) {
  return transform(wire::TransformType::esn, static_cast<std::uint16_t>(id));
}

inline wire::Proposal wire_proposal(std::uint8_t number, wire::ProtocolId protocol, Bytes spi,
                                    std::vector<wire::Transform> transforms) {
  wire::Proposal out;
  out.number = number;
  out.protocol = protocol;
  out.spi = std::move(spi);
  out.transforms = std::move(transforms);
  return out;
}

/// A 4-byte ESP SPI, as an initiator would put in its proposals.
inline Bytes esp_spi() {
  return {0xc1, 0x2a, 0x00, 0x07};
}

/// Parses one proposal that the test knows to be valid.
inline CryptoProposal parsed(const std::string& text,
                             wire::ProtocolId protocol = wire::ProtocolId::ike) {
  auto result = parse_proposal(text, protocol);
  EXPECT_TRUE(result.ok()) << text << ": " << (result.ok() ? "" : result.error().reason);
  return result.ok() ? result.value() : CryptoProposal{};
}

/// Parses several proposals, each valid.
inline std::vector<CryptoProposal> parsed_list(const std::vector<std::string>& texts,
                                               wire::ProtocolId protocol = wire::ProtocolId::ike) {
  std::vector<CryptoProposal> out;
  for (const auto& text : texts)
    out.push_back(parsed(text, protocol));
  return out;
}

/// An initiator's SA payload made of proposals in strongSwan syntax.
inline wire::SaPayload offer(const std::vector<std::string>& texts,
                             wire::ProtocolId protocol = wire::ProtocolId::ike, Bytes spi = {}) {
  auto proposals = parsed_list(texts, protocol);
  return to_sa_payload(proposals, spi);
}

}  // namespace ike::proposal::test
