#pragma once
// Replays one strongSwan capture of tests/vectors/ through libike's public
// API, the way a peer would see it: decode every IKE datagram, negotiate from
// the decoded IKE_SA_INIT pair, derive the IKE SA keys from the logged g^ir,
// open every protected message and decode its inner chain, checking the
// exchange rules at each step. The tests then look at what came out.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ike/bytes.hpp"
#include "ike/crypto/cipher_description.hpp"
#include "ike/crypto/key_material.hpp"
#include "ike/crypto/prf.hpp"
#include "ike/error.hpp"
#include "ike/proposal/crypto_proposal.hpp"
#include "ike/wire/message.hpp"

namespace ike::vectors {

/// One IKE message of the capture.
struct CapturedIke {
  /// 1-based frame number in the capture, as tshark and vectors.txt count
  /// (every frame of these captures is a UDP datagram).
  std::size_t frame = 0;
  /// The message as sent, non-ESP marker removed.
  Bytes datagram;
  /// decode_message(datagram).
  wire::Message message;
  /// The decrypted SK content (padding removed) and its decoded chain; empty
  /// for IKE_SA_INIT.
  Bytes inner_chain;
  std::vector<wire::Payload> inner;

  const wire::IkeHeader& header() const noexcept { return message.header; }
  /// What the message carries: the clear chain of IKE_SA_INIT, else the inner one.
  const std::vector<wire::Payload>& payloads() const noexcept {
    return header().exchange == wire::ExchangeType::ike_sa_init ? message.payloads : inner;
  }
};

/// An ESP-in-UDP packet of the capture (RFC 3948: no non-ESP marker, SPI first).
struct CapturedEsp {
  std::size_t frame = 0;
  std::uint16_t source_port = 0;
  Bytes packet;
};

/// Everything the replay found and derived.
struct Replay {
  std::vector<CapturedIke> ike;
  std::vector<CapturedEsp> esp;

  /// From the decoded IKE_SA_INIT pair.
  std::uint64_t spi_i = 0;
  std::uint64_t spi_r = 0;
  Bytes nonce_i;
  Bytes nonce_r;
  wire::KePayload ke_i;
  wire::KePayload ke_r;
  /// proposal::check_response(request's SA, response's SA).
  proposal::SelectedProposal ike_proposal;
  /// crypto::describe_suite of the negotiated encryption and integrity.
  crypto::SuiteDescription suite;
  std::optional<crypto::Prf> prf;
  crypto::SecretBytes skeyseed;
  crypto::IkeSaKeys keys;

  /// The first message of `exchange` in that direction, or nullptr.
  const CapturedIke* find(wire::ExchangeType exchange, bool response) const noexcept;
};

/// Runs the chain on tests/vectors/<folder>/exchange.pcap with `shared_secret`
/// as g^ir. The error names the frame and the step that failed
/// ("frame 3: SK open: ..."), so a test's log says where libike disagreed.
Result<Replay> replay_exchange(std::string_view folder, ByteView shared_secret);

/// The shared secret both charon logs of `folder` recorded ("shared Diffie
/// Hellman secret"); nullopt when a log is missing or the two differ.
std::optional<Bytes> logged_shared_secret(std::string_view folder);

/// The payload list of a chain in charon's log style, for readable
/// assertions: "IDi N(INITIAL_CONTACT) IDr AUTH SA TSi TSr", unknown notify
/// types by number ("N(16420)").
std::string summarize(const std::vector<wire::Payload>& payloads);

/// SPI bytes as the 64-bit number of the IKE header, or a 4-byte ESP SPI.
std::uint64_t spi_value(ByteView spi);

}  // namespace ike::vectors
