#include "ike_keys.hpp"

#include <openssl/evp.h>

#include "ike/crypto/cipher_description.hpp"
#include "ike/wire/message.hpp"
#include "prf_cache.hpp"

namespace ike::sa {

Status install_ike_keys(IkeSa& sa, Services& services, crypto::IkeSaKeys keys) {
  const auto& algorithms = *sa.algorithms;
  auto suite = crypto::describe_suite(algorithms.encryption.id, algorithms.encryption.key_bits,
                                      algorithms.integrity);
  if (!suite) return std::move(suite).error();
  const auto& seal_e = sa.initiator ? keys.sk_ei : keys.sk_er;
  const auto& seal_a = sa.initiator ? keys.sk_ai : keys.sk_ar;
  const auto& open_e = sa.initiator ? keys.sk_er : keys.sk_ei;
  const auto& open_a = sa.initiator ? keys.sk_ar : keys.sk_ai;
  auto outbound = wire::SkProtection::create(services.ciphers, *suite, seal_e, seal_a);
  if (!outbound) return std::move(outbound).error();
  auto inbound = wire::SkProtection::create(services.ciphers, *suite, open_e, open_a);
  if (!inbound) return std::move(inbound).error();
  sa.outbound.emplace(std::move(*outbound));
  sa.inbound.emplace(std::move(*inbound));
  // SK_e/SK_a now live inside the ciphers; keep only what later steps need.
  keys.sk_ei.clear();
  keys.sk_er.clear();
  keys.sk_ai.clear();
  keys.sk_ar.clear();
  sa.keys = std::move(keys);
  return {};
}

Status establish_ike_keys(IkeSa& sa, Services& services, ByteView shared_secret) {
  const auto& algorithms = *sa.algorithms;
  if (!algorithms.prf) return make_error(Errc::no_proposal_chosen, "no PRF negotiated");
  auto prf = services.prfs->get(*algorithms.prf);
  if (!prf) return std::move(prf).error();
  auto suite = crypto::describe_suite(algorithms.encryption.id, algorithms.encryption.key_bits,
                                      algorithms.integrity);
  if (!suite) return std::move(suite).error();
  crypto::IkeKeySizes sizes;
  sizes.prf_key = prf->output_size();
  sizes.integrity_key = suite->integrity_key_size();
  sizes.encryption_key = suite->encryption_key_size();
  auto skeyseed = crypto::compute_skeyseed(*prf, sa.nonce_i, sa.nonce_r, shared_secret);
  if (!skeyseed) return std::move(skeyseed).error();
  auto keys = crypto::derive_ike_sa_keys(*prf, *skeyseed, sa.nonce_i, sa.nonce_r, sa.spi_i,
                                         sa.spi_r, sizes);
  if (!keys) return std::move(keys).error();
  sa.prf.emplace(std::move(*prf));
  return install_ike_keys(sa, services, std::move(*keys));
}

Bytes nat_detection_hash(std::uint64_t spi_i, std::uint64_t spi_r, const Endpoint& endpoint) {
  Bytes input;
  input.reserve(16 + 16 + 2);
  for (int shift = 56; shift >= 0; shift -= 8)
    input.push_back(static_cast<std::uint8_t>(spi_i >> shift));
  for (int shift = 56; shift >= 0; shift -= 8)
    input.push_back(static_cast<std::uint8_t>(spi_r >> shift));
  auto address = endpoint.address.bytes();
  input.insert(input.end(), address.begin(), address.end());
  input.push_back(static_cast<std::uint8_t>(endpoint.port >> 8));
  input.push_back(static_cast<std::uint8_t>(endpoint.port));
  Bytes digest(20);
  unsigned int length = 0;
  // SHA-1 is what RFC 7296 2.23 prescribes for NAT detection; it is a
  // fingerprint of addresses here, not a security function.
  EVP_Digest(input.data(), input.size(), digest.data(), &length, EVP_sha1(), nullptr);
  digest.resize(length);
  return digest;
}

void add_nat_detection(const IkeSa& sa, std::uint64_t spi_r, std::vector<wire::Payload>& out) {
  // The unspecified address and port 0 are never where our messages come from.
  const Endpoint faked{IpAddress::zero(sa.local.address.family()), 0};
  const Endpoint& source = sa.connection->force_encapsulation ? faked : sa.local;
  out.push_back(wire::make_notify(wire::NotifyType::nat_detection_source_ip,
                                  nat_detection_hash(sa.spi_i, spi_r, source)));
  out.push_back(wire::make_notify(wire::NotifyType::nat_detection_destination_ip,
                                  nat_detection_hash(sa.spi_i, spi_r, sa.remote)));
}

bool process_nat_detection(IkeSa& sa, const InboundMessage& message) {
  auto sources =
      wire::find_all_bodies<wire::NotifyPayload>(message.payloads, wire::PayloadType::notify);
  bool saw_source = false, saw_destination = false;
  bool source_matches = false, destination_matches = false;
  auto spi_r = message.header.spi_responder;
  auto expected_source = nat_detection_hash(sa.spi_i, spi_r, message.remote);
  auto expected_destination = nat_detection_hash(sa.spi_i, spi_r, message.local);
  for (const auto* notify : sources) {
    if (notify->type == wire::NotifyType::nat_detection_source_ip) {
      saw_source = true;
      // Several source notifies are allowed (multi-homed peers); one match is enough.
      source_matches |= constant_time_equal(notify->data, expected_source);
    } else if (notify->type == wire::NotifyType::nat_detection_destination_ip) {
      saw_destination = true;
      destination_matches |= constant_time_equal(notify->data, expected_destination);
    }
  }
  if (!saw_source || !saw_destination) return false;
  sa.nat_there = !source_matches;
  sa.nat_here = !destination_matches;
  return true;
}

}  // namespace ike::sa
