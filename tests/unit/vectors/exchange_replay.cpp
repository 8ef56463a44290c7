#include "exchange_replay.hpp"

#include <utility>

#include "ike/crypto/cipher_algorithms.hpp"
#include "ike/proposal/response_check.hpp"
#include "ike/wire/exchange_rules.hpp"
#include "ike/wire/protection/sk_protection.hpp"
#include "support/pcap.hpp"
#include "support/strongswan_vectors.hpp"

namespace ike::vectors {

namespace {

constexpr std::uint16_t kNatTraversalPort = 4500;

Error at_frame(std::size_t frame, std::string_view step, const Error& error) {
  return make_error(error.code, "frame " + std::to_string(frame) + ": " + std::string(step) + ": " +
                                    error.reason);
}

Error fail(std::string reason) {
  return make_error(Errc::invalid_argument, std::move(reason));
}

/// RFC 3948 2.2: on port 4500 an IKE message follows a 4-octet zero non-ESP
/// marker, an ESP packet starts with its (non-zero) SPI, and a single 0xff
/// octet is a NAT-keepalive.
bool is_esp(const test::UdpDatagram& datagram) {
  const bool nat_t =
      datagram.source_port == kNatTraversalPort || datagram.destination_port == kNatTraversalPort;
  const Bytes& payload = datagram.payload;
  if (!nat_t || payload.size() < 4) return false;
  return payload[0] != 0 || payload[1] != 0 || payload[2] != 0 || payload[3] != 0;
}

bool is_keepalive(const test::UdpDatagram& datagram) {
  return datagram.payload.size() == 1 && datagram.payload[0] == 0xff;
}

/// Every datagram decoded (structure and clear-chain exchange rules), ESP set aside.
Status decode_capture(std::string_view folder, Replay& replay) {
  const auto datagrams = test::read_pcap_udp(test::vector_path(folder, "exchange.pcap"));
  if (datagrams.empty()) return fail("no UDP datagram in " + std::string(folder));
  for (std::size_t index = 0; index < datagrams.size(); ++index) {
    const test::UdpDatagram& datagram = datagrams[index];
    const std::size_t frame = index + 1;
    if (is_keepalive(datagram)) continue;
    if (is_esp(datagram)) {
      replay.esp.push_back({frame, datagram.source_port, datagram.payload});
      continue;
    }
    CapturedIke captured;
    captured.frame = frame;
    captured.datagram = test::strip_non_esp_marker(datagram);
    auto message = wire::decode_message(captured.datagram);
    if (!message) return at_frame(frame, "decode_message", message.error());
    captured.message = std::move(*message);
    auto rules = wire::check_exchange_rules(captured.header(), captured.message.payloads, nullptr);
    if (!rules) return at_frame(frame, "exchange rules (clear chain)", rules.error());
    replay.ike.push_back(std::move(captured));
  }
  return {};
}

/// SPIs, nonces, KE payloads and the agreed proposal from IKE_SA_INIT.
Status take_ike_sa_init(Replay& replay) {
  const CapturedIke* request = replay.find(wire::ExchangeType::ike_sa_init, false);
  const CapturedIke* response = replay.find(wire::ExchangeType::ike_sa_init, true);
  if (!request || !response) return fail("the capture lacks the IKE_SA_INIT request or response");
  const wire::Message& sent = request->message;
  const wire::Message& answer = response->message;
  auto* sa_i = sent.first_body<wire::SaPayload>(wire::PayloadType::security_association);
  auto* sa_r = answer.first_body<wire::SaPayload>(wire::PayloadType::security_association);
  auto* ke_i = sent.first_body<wire::KePayload>(wire::PayloadType::key_exchange);
  auto* ke_r = answer.first_body<wire::KePayload>(wire::PayloadType::key_exchange);
  auto* ni = sent.first_body<wire::NoncePayload>(wire::PayloadType::nonce);
  auto* nr = answer.first_body<wire::NoncePayload>(wire::PayloadType::nonce);
  if (!sa_i || !sa_r || !ke_i || !ke_r || !ni || !nr)
    return fail("IKE_SA_INIT lacks SA, KE or Nonce in one direction");
  if (sent.header.spi_responder != 0 || answer.header.spi_initiator != sent.header.spi_initiator)
    return fail("IKE_SA_INIT SPIs do not pair up");
  replay.spi_i = sent.header.spi_initiator;
  replay.spi_r = answer.header.spi_responder;
  replay.nonce_i = ni->data;
  replay.nonce_r = nr->data;
  replay.ke_i = *ke_i;
  replay.ke_r = *ke_r;
  auto selected = proposal::check_response(*sa_i, *sa_r);
  if (!selected) return at_frame(response->frame, "check_response", selected.error());
  replay.ike_proposal = std::move(*selected);
  return {};
}

/// SKEYSEED and SK_* (RFC 7296 2.14) with the negotiated PRF and suite.
Status derive_keys(Replay& replay, ByteView shared_secret) {
  const proposal::NegotiatedAlgorithms& algorithms = replay.ike_proposal.algorithms;
  if (!algorithms.prf) return fail("the negotiated IKE proposal has no PRF");
  auto suite = crypto::describe_suite(algorithms.encryption.id, algorithms.encryption.key_bits,
                                      algorithms.integrity);
  if (!suite) return suite.error();
  replay.suite = *suite;
  auto prf = crypto::Prf::create(*algorithms.prf);
  if (!prf) return prf.error();
  replay.prf.emplace(*prf);
  auto skeyseed =
      crypto::compute_skeyseed(*replay.prf, replay.nonce_i, replay.nonce_r, shared_secret);
  if (!skeyseed) return skeyseed.error();
  replay.skeyseed = std::move(*skeyseed);
  const crypto::IkeKeySizes sizes{replay.prf->preferred_key_size(),
                                  replay.suite.integrity_key_size(),
                                  replay.suite.encryption_key_size()};
  auto keys = crypto::derive_ike_sa_keys(*replay.prf, replay.skeyseed, replay.nonce_i,
                                         replay.nonce_r, replay.spi_i, replay.spi_r, sizes);
  if (!keys) return keys.error();
  replay.keys = std::move(*keys);
  return {};
}

/// One protected message: SPIs, SK open, inner chain decode, full exchange rules.
Status open_message(CapturedIke& captured, const Replay& replay, wire::SkProtection& protection) {
  const wire::IkeHeader& header = captured.header();
  if (header.spi_initiator != replay.spi_i || header.spi_responder != replay.spi_r)
    return at_frame(captured.frame, "header", fail("SPIs differ from IKE_SA_INIT's"));
  const wire::EncryptedPayload* sk = captured.message.encrypted();
  if (!sk) return at_frame(captured.frame, "decode_message", fail("no SK payload"));
  auto opened = protection.open(captured.datagram);
  if (!opened) return at_frame(captured.frame, "SK open", opened.error());
  if (opened->first_inner != sk->first_inner || !(opened->header == header))
    return at_frame(captured.frame, "SK open", fail("header or first inner type differs"));
  auto inner = wire::decode_payload_chain(opened->first_inner, opened->inner_chain);
  if (!inner) return at_frame(captured.frame, "decode_payload_chain", inner.error());
  captured.inner = std::move(*inner);
  captured.inner_chain = std::move(opened->inner_chain);
  auto rules = wire::check_exchange_rules(header, captured.message.payloads, &captured.inner);
  if (!rules) return at_frame(captured.frame, "exchange rules (inner chain)", rules.error());
  return {};
}

/// Every message after IKE_SA_INIT, with the keys of its sender's direction.
Status open_protected(Replay& replay) {
  crypto::CipherAlgorithms algorithms;
  auto from_initiator =
      wire::SkProtection::create(algorithms, replay.suite, replay.keys.sk_ei, replay.keys.sk_ai);
  if (!from_initiator) return from_initiator.error();
  auto from_responder =
      wire::SkProtection::create(algorithms, replay.suite, replay.keys.sk_er, replay.keys.sk_ar);
  if (!from_responder) return from_responder.error();
  for (CapturedIke& captured : replay.ike) {
    if (captured.header().exchange == wire::ExchangeType::ike_sa_init) continue;
    // The I flag names the original initiator of the IKE SA (RFC 7296 3.1),
    // whichever side sends the request.
    wire::SkProtection& keys =
        captured.header().from_initiator() ? *from_initiator : *from_responder;
    if (auto opened = open_message(captured, replay, keys); !opened) return opened;
  }
  return {};
}

}  // namespace

const CapturedIke* Replay::find(wire::ExchangeType exchange, bool response) const noexcept {
  for (const CapturedIke& captured : ike) {
    if (captured.header().exchange == exchange && captured.header().is_response() == response)
      return &captured;
  }
  return nullptr;
}

Result<Replay> replay_exchange(std::string_view folder, ByteView shared_secret) {
  Replay replay;
  if (auto status = decode_capture(folder, replay); !status) return status.error();
  if (auto status = take_ike_sa_init(replay); !status) return status.error();
  if (auto status = derive_keys(replay, shared_secret); !status) return status.error();
  if (auto status = open_protected(replay); !status) return status.error();
  return replay;
}

std::optional<Bytes> logged_shared_secret(std::string_view folder) {
  std::optional<Bytes> secret;
  for (const char* file : {"initiator.log", "responder.log"}) {
    auto log = test::CharonLog::read(test::vector_path(folder, file));
    if (!log) return std::nullopt;
    const auto& dumps = log->dumps("shared Diffie Hellman secret");
    if (dumps.size() != 1 || (secret && *secret != dumps[0])) return std::nullopt;
    secret = dumps[0];
  }
  return secret;
}

std::string summarize(const std::vector<wire::Payload>& payloads) {
  std::string out;
  for (const wire::Payload& payload : payloads) {
    if (!out.empty()) out += ' ';
    if (const auto* notify = wire::body_as<wire::NotifyPayload>(payload)) {
      const std::string_view known = wire::name(notify->type);
      out += "N(" +
             (known.empty() ? std::to_string(static_cast<unsigned>(notify->type))
                            : std::string(known)) +
             ")";
    } else if (payload.type == wire::PayloadType::nonce) {
      out += "No";  // charon's abbreviation; the registry name is "N(once)"
    } else {
      const std::string_view known = wire::name(payload.type);
      out +=
          known.empty() ? std::to_string(static_cast<unsigned>(payload.type)) : std::string(known);
    }
  }
  return out;
}

std::uint64_t spi_value(ByteView spi) {
  std::uint64_t value = 0;
  for (std::uint8_t octet : spi)
    value = value << 8 | octet;
  return value;
}

}  // namespace ike::vectors
