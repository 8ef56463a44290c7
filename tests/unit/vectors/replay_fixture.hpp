#pragma once
// The shared part of the replay tests: a fixture that replays one capture
// with the g^ir of its charon logs, and checks several tests make.

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "exchange_replay.hpp"
#include "support/strongswan_vectors.hpp"
#include "vector_cases.hpp"

namespace ike::vectors {

class ReplayFixture : public ::testing::Test {
 protected:
  /// Replays tests/vectors/<folder>; a fatal failure (which skips the test
  /// body when called from SetUp) names the frame and step that failed.
  void load(const char* folder);

  const Replay& replay() const { return *replay_; }
  /// g^ir as both charon logs recorded it.
  const Bytes& shared_secret() const { return shared_secret_; }
  /// The first message of `exchange` in that direction; fails the test when
  /// the capture has none (and returns the first message instead).
  const CapturedIke& message(wire::ExchangeType exchange, bool response) const;
  /// Its decrypted payloads.
  const std::vector<wire::Payload>& inner_of(wire::ExchangeType exchange, bool response) const {
    return message(exchange, response).inner;
  }

  /// InitiatorSignedOctets (responder = false) or ResponderSignedOctets
  /// (RFC 7296 2.15) from the capture: the sender's IKE_SA_INIT message as
  /// sent, the peer's nonce, SK_pi / SK_pr, and the body of the ID payload the
  /// sender put in its IKE_AUTH message. Empty (and a failure) when missing.
  Bytes signed_octets_of(bool responder) const;
  /// The AUTH payload of the IKE_AUTH request or response, or nullptr.
  const wire::AuthPayload* auth_of(bool responder) const;

 private:
  std::optional<Replay> replay_;
  Bytes shared_secret_;
};

/// The SA payload of a captured message in clear (IKE_SA_INIT), or nullptr.
const wire::SaPayload* sa_of(const CapturedIke* captured);

/// The encoded body, for readable comparisons of SA payloads.
std::string sa_hex(const wire::SaPayload& sa);

/// `value` equals the single dump `label` of `log`.
void expect_logged(const test::CharonLog& log, const std::string& label, ByteView value);

/// An FQDN identity with this name, valid for pki::Identity::from_payload.
void expect_identity(const wire::IdPayload* id, const std::string& fqdn);

/// TSi and TSr of `chain` are the single selectors of the case.
void expect_selectors(const std::vector<wire::Payload>& chain, const VectorCase& vector_case);

}  // namespace ike::vectors
