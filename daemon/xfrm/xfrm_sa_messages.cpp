#include "xfrm/xfrm_sa_messages.hpp"

#include <arpa/inet.h>
#include <netinet/udp.h>

#include <cstring>
#include <string>
#include <vector>

#include "ike/bytes.hpp"
#include "xfrm/xfrm_algorithms.hpp"

namespace ikev2d::xfrm {

namespace {

using ike::sa::AddSaRequest;
using ike::sa::SaKey;

/// Zero means unlimited in SaLimits; for XFRM byte and packet limits 0 would
/// expire at once, so unlimited is XFRM_INF there. Seconds use 0 for "none".
std::uint64_t count_limit(std::uint64_t limit) {
  return limit == 0 ? XFRM_INF : limit;
}

xfrm_lifetime_cfg lifetime_of(const ike::sa::SaLimits& limits) {
  xfrm_lifetime_cfg lifetime;
  std::memset(&lifetime, 0, sizeof(lifetime));
  lifetime.soft_byte_limit = count_limit(limits.soft_bytes);
  lifetime.hard_byte_limit = count_limit(limits.hard_bytes);
  lifetime.soft_packet_limit = count_limit(limits.soft_packets);
  lifetime.hard_packet_limit = count_limit(limits.hard_packets);
  lifetime.soft_add_expires_seconds = limits.soft_seconds;
  lifetime.hard_add_expires_seconds = limits.hard_seconds;
  return lifetime;
}

xfrm_lifetime_cfg unlimited_lifetime() {
  return lifetime_of(ike::sa::SaLimits{});
}

ike::Error invalid(const std::string& reason) {
  return ike::make_error(ike::Errc::invalid_argument, reason);
}

/// An algorithm attribute: the fixed struct then the key, built in a wiped
/// buffer (the key must not linger on the heap).
template <class Algorithm>
ike::Status put_algorithm(NetlinkMessage& message, std::uint16_t type, Algorithm algorithm,
                          const ike::Bytes& key) {
  ike::Bytes attribute(sizeof(Algorithm) + key.size());
  std::memcpy(attribute.data(), &algorithm, sizeof(Algorithm));
  if (!key.empty()) std::memcpy(attribute.data() + sizeof(Algorithm), key.data(), key.size());
  auto put = message.put_attribute(type, attribute.data(), attribute.size());
  ike::secure_wipe(attribute);
  return put;
}

template <class Algorithm>
Algorithm named_algorithm(std::string_view name, std::size_t key_bytes) {
  Algorithm algorithm;
  std::memset(&algorithm, 0, sizeof(algorithm));
  std::memcpy(algorithm.alg_name, name.data(),
              std::min(name.size(), sizeof(algorithm.alg_name) - 1));
  algorithm.alg_key_len = static_cast<unsigned>(key_bytes * 8);
  return algorithm;
}

ike::Status put_algorithms(NetlinkMessage& message, const AddSaRequest& request) {
  auto cipher =
      kernel_cipher(request.encryption, request.encryption_key_bits, request.encryption_key.size());
  if (!cipher) return std::move(cipher).error();
  bool has_integrity = request.integrity != ike::wire::IntegrityAlgorithm::none;
  if (cipher->aead) {
    if (has_integrity) {
      return invalid("AEAD " + ike::wire::to_string(request.encryption) + " takes no " +
                     ike::wire::to_string(request.integrity));
    }
    auto aead = named_algorithm<xfrm_algo_aead>(cipher->name, request.encryption_key.size());
    aead.alg_icv_len = cipher->icv_bits;
    return put_algorithm(message, XFRMA_ALG_AEAD, aead, request.encryption_key);
  }
  if (!has_integrity) {
    // RFC 8221 5: ESP without integrity is not to be used.
    return invalid(ike::wire::to_string(request.encryption) +
                   " without an integrity algorithm is unprotected ESP");
  }
  auto integrity = kernel_integrity(request.integrity, request.integrity_key.size());
  if (!integrity) return std::move(integrity).error();
  auto crypt = named_algorithm<xfrm_algo>(cipher->name, request.encryption_key.size());
  if (auto put = put_algorithm(message, XFRMA_ALG_CRYPT, crypt, request.encryption_key); !put) {
    return put;
  }
  auto auth = named_algorithm<xfrm_algo_auth>(integrity->name, request.integrity_key.size());
  auth.alg_trunc_len = integrity->truncation_bits;
  return put_algorithm(message, XFRMA_ALG_AUTH_TRUNC, auth, request.integrity_key);
}

/// RFC 4303 2.2.1 / 3.4.3: ESN, and windows wider than the 32 bits of the
/// legacy xfrm_replay_state, need the ESN replay state with a bitmap.
ike::Status put_replay_state(NetlinkMessage& message, const AddSaRequest& request) {
  std::size_t words = (request.replay_window + 31u) / 32u;
  std::vector<std::uint8_t> attribute(sizeof(xfrm_replay_state_esn) + words * 4, 0);
  xfrm_replay_state_esn state;
  std::memset(&state, 0, sizeof(state));
  state.bmp_len = static_cast<unsigned>(words);
  state.replay_window = request.replay_window;
  std::memcpy(attribute.data(), &state, sizeof(state));
  return message.put_attribute(XFRMA_REPLAY_ESN_VAL, attribute.data(), attribute.size());
}

xfrm_selector sa_selector(const AddSaRequest& request) {
  xfrm_selector selector;
  std::memset(&selector, 0, sizeof(selector));
  if (request.mode == ike::sa::IpsecMode::transport) {
    selector.family = kernel_family(request.source);
    selector.saddr = to_xfrm_address(request.source);
    selector.daddr = to_xfrm_address(request.destination);
    selector.prefixlen_s = selector.prefixlen_d =
        static_cast<std::uint8_t>(ike::address_bits(request.source.family()));
  }
  return selector;
}

ike::Status check_endpoints(const ike::IpAddress& source, const ike::IpAddress& destination) {
  if (source.family() != destination.family()) {
    return invalid("SA endpoints " + source.to_string() + " and " + destination.to_string() +
                   " are of different address families");
  }
  return {};
}

xfrm_usersa_id sa_id(const SaKey& key, std::uint8_t protocol) {
  xfrm_usersa_id id;
  std::memset(&id, 0, sizeof(id));
  id.daddr = to_xfrm_address(key.destination);
  id.spi = htonl(key.spi);
  id.family = kernel_family(key.destination);
  id.proto = protocol;
  return id;
}

ike::Result<NetlinkMessage> sa_id_message(std::uint16_t type, const SaKey& key) {
  auto protocol = kernel_protocol(key.protocol);
  if (!protocol) return std::move(protocol).error();
  NetlinkMessage message(type, 0);
  message.put_struct<xfrm_usersa_id>() = sa_id(key, *protocol);
  if (!key.mark.empty()) {
    if (auto put = message.put_attribute(XFRMA_MARK, to_xfrm_mark(key.mark)); !put) {
      return std::move(put).error();
    }
  }
  return message;
}

}  // namespace

xfrm_encap_tmpl encapsulation_template(const ike::sa::UdpEncapsulation& encapsulation) {
  xfrm_encap_tmpl encap;
  std::memset(&encap, 0, sizeof(encap));
  encap.encap_type = UDP_ENCAP_ESPINUDP;
  encap.encap_sport = htons(encapsulation.source_port);
  encap.encap_dport = htons(encapsulation.destination_port);
  return encap;
}

ike::Result<NetlinkMessage> build_allocate_spi(const ike::sa::AllocateSpiRequest& request) {
  if (auto checked = check_endpoints(request.source, request.destination); !checked) {
    return std::move(checked).error();
  }
  auto protocol = kernel_protocol(request.protocol);
  if (!protocol) return std::move(protocol).error();
  NetlinkMessage message(XFRM_MSG_ALLOCSPI, 0);
  auto& spi = message.put_struct<xfrm_userspi_info>();
  spi.info.saddr = to_xfrm_address(request.source);
  spi.info.id.daddr = to_xfrm_address(request.destination);
  spi.info.id.proto = *protocol;
  spi.info.family = kernel_family(request.source);
  spi.info.reqid = request.reqid;
  spi.info.lft = unlimited_lifetime();
  spi.min = allocated_spi_min;
  spi.max = allocated_spi_max;
  if (!request.mark.empty()) {
    if (auto put = message.put_attribute(XFRMA_MARK, to_xfrm_mark(request.mark)); !put) {
      return std::move(put).error();
    }
  }
  return message;
}

ike::Result<NetlinkMessage> build_add_sa(const AddSaRequest& request) {
  if (auto checked = check_endpoints(request.source, request.destination); !checked) {
    return std::move(checked).error();
  }
  auto protocol = kernel_protocol(request.protocol);
  if (!protocol) return std::move(protocol).error();
  if (request.spi == 0) return invalid("SPI 0 is reserved (RFC 4303 2.1)");
  if (request.replay_window > XFRMA_REPLAY_ESN_MAX) {
    return invalid("replay window " + std::to_string(request.replay_window) +
                   " is above the kernel's maximum of " + std::to_string(XFRMA_REPLAY_ESN_MAX));
  }
  bool esn_replay_state = request.extended_sequence_numbers || request.replay_window > 32;
  NetlinkMessage message(request.update_allocated ? XFRM_MSG_UPDSA : XFRM_MSG_NEWSA, 0);
  auto& info = message.put_struct<xfrm_usersa_info>();
  info.sel = sa_selector(request);
  info.id.daddr = to_xfrm_address(request.destination);
  info.id.spi = htonl(request.spi);
  info.id.proto = *protocol;
  info.saddr = to_xfrm_address(request.source);
  info.lft = lifetime_of(request.limits);
  info.reqid = request.reqid;
  info.family = kernel_family(request.source);
  info.mode = kernel_mode(request.mode);
  // With XFRMA_REPLAY_ESN_VAL the kernel wants the legacy field at 0.
  info.replay_window = esn_replay_state ? 0 : static_cast<std::uint8_t>(request.replay_window);
  if (request.mode == ike::sa::IpsecMode::tunnel) info.flags |= XFRM_STATE_AF_UNSPEC;
  if (request.extended_sequence_numbers) info.flags |= XFRM_STATE_ESN;

  if (auto put = put_algorithms(message, request); !put) return std::move(put).error();
  if (request.encapsulation) {
    auto encap = encapsulation_template(*request.encapsulation);
    if (auto put = message.put_attribute(XFRMA_ENCAP, encap); !put) return std::move(put).error();
  }
  if (esn_replay_state) {
    if (auto put = put_replay_state(message, request); !put) return std::move(put).error();
  }
  if (!request.mark.empty()) {
    if (auto put = message.put_attribute(XFRMA_MARK, to_xfrm_mark(request.mark)); !put) {
      return std::move(put).error();
    }
  }
  return message;
}

ike::Result<NetlinkMessage> build_delete_sa(const SaKey& key) {
  return sa_id_message(XFRM_MSG_DELSA, key);
}

ike::Result<NetlinkMessage> build_get_sa(const SaKey& key) {
  return sa_id_message(XFRM_MSG_GETSA, key);
}

ike::Result<SaDescription> parse_sa(const nlmsghdr& message) {
  auto info = read_struct<xfrm_usersa_info>(message_payload(message));
  if (!info) {
    return ike::make_error(ike::Errc::invalid_syntax,
                           "XFRM_MSG_NEWSA: " + std::to_string(message_payload(message).size()) +
                               " bytes, xfrm_usersa_info needs " +
                               std::to_string(sizeof(xfrm_usersa_info)));
  }
  auto attributes = parse_xfrm_attributes(message, sizeof(xfrm_usersa_info), "XFRM_MSG_NEWSA");
  if (!attributes) return std::move(attributes).error();
  auto destination = from_xfrm_address(info->id.daddr, info->family);
  if (!destination) return std::move(destination).error();
  auto source = from_xfrm_address(info->saddr, info->family);
  if (!source) return std::move(source).error();
  auto protocol = protocol_from_kernel(info->id.proto);
  if (!protocol) return std::move(protocol).error();
  SaDescription sa;
  sa.key.destination = *destination;
  sa.key.spi = ntohl(info->id.spi);
  sa.key.protocol = *protocol;
  sa.source = *source;
  sa.reqid = info->reqid;
  sa.mode = info->mode;
  sa.usage = ike::sa::SaUsage{info->curlft.bytes, info->curlft.packets};
  sa.added_at = info->curlft.add_time;
  auto mark = attribute_struct<xfrm_mark>(*attributes, XFRMA_MARK, "XFRM_MSG_NEWSA");
  if (!mark) return std::move(mark).error();
  if (*mark) sa.key.mark = ike::sa::Mark{(*mark)->v, (*mark)->m};
  auto encap = attribute_struct<xfrm_encap_tmpl>(*attributes, XFRMA_ENCAP, "XFRM_MSG_NEWSA");
  if (!encap) return std::move(encap).error();
  if (*encap) {
    sa.encapsulation =
        ike::sa::UdpEncapsulation{ntohs((*encap)->encap_sport), ntohs((*encap)->encap_dport)};
  }
  return sa;
}

}  // namespace ikev2d::xfrm
