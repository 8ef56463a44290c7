#include "replay_fixture.hpp"

#include "ike/crypto/auth_octets.hpp"
#include "ike/crypto/pki/identity.hpp"
#include "ike/ts/traffic_selector.hpp"
#include "ike/wire/writer.hpp"

namespace ike::vectors {

void ReplayFixture::load(const char* folder) {
  auto secret = logged_shared_secret(folder);
  ASSERT_TRUE(secret.has_value()) << "the charon logs of " << folder
                                  << " lack one shared g^ir both agree on";
  shared_secret_ = *secret;
  auto replay = replay_exchange(folder, shared_secret_);
  ASSERT_TRUE(replay.ok()) << folder << ": " << replay.error().reason;
  replay_.emplace(std::move(replay).value());
}

const CapturedIke& ReplayFixture::message(wire::ExchangeType exchange, bool response) const {
  const CapturedIke* found = replay_->find(exchange, response);
  if (found == nullptr) {
    ADD_FAILURE() << "no " << wire::to_string(exchange) << (response ? " response" : " request");
    return replay_->ike.front();
  }
  return *found;
}

Bytes ReplayFixture::signed_octets_of(bool responder) const {
  const CapturedIke& init = message(wire::ExchangeType::ike_sa_init, responder);
  const auto id_type =
      responder ? wire::PayloadType::id_responder : wire::PayloadType::id_initiator;
  const auto* id =
      wire::find_body<wire::IdPayload>(inner_of(wire::ExchangeType::ike_auth, responder), id_type);
  if (id == nullptr) {
    ADD_FAILURE() << "no " << wire::to_string(id_type) << " in the IKE_AUTH message";
    return {};
  }
  const crypto::SecretBytes& sk_p = responder ? replay_->keys.sk_pr : replay_->keys.sk_pi;
  const Bytes& peer_nonce = responder ? replay_->nonce_i : replay_->nonce_r;
  auto octets = crypto::signed_octets(*replay_->prf, init.datagram, peer_nonce, sk_p,
                                      crypto::id_payload_body(id->id_type, id->data));
  if (!octets) {
    ADD_FAILURE() << octets.error().reason;
    return {};
  }
  return std::move(*octets);
}

const wire::AuthPayload* ReplayFixture::auth_of(bool responder) const {
  return wire::find_body<wire::AuthPayload>(inner_of(wire::ExchangeType::ike_auth, responder),
                                            wire::PayloadType::authentication);
}

const wire::SaPayload* sa_of(const CapturedIke* captured) {
  if (captured == nullptr) return nullptr;
  return captured->message.first_body<wire::SaPayload>(wire::PayloadType::security_association);
}

std::string sa_hex(const wire::SaPayload& sa) {
  Bytes body;
  wire::Writer out(body);
  sa.encode(out);
  return to_hex(body);
}

void expect_logged(const test::CharonLog& log, const std::string& label, ByteView value) {
  const auto& dumps = log.dumps(label);
  ASSERT_EQ(dumps.size(), 1u) << label;
  EXPECT_EQ(to_hex(value), to_hex(dumps[0])) << label;
}

void expect_identity(const wire::IdPayload* id, const std::string& fqdn) {
  ASSERT_NE(id, nullptr) << "no ID payload for " << fqdn;
  EXPECT_EQ(id->id_type, wire::IdType::fqdn);
  auto identity = pki::Identity::from_payload(id->id_type, id->data);
  ASSERT_TRUE(identity.ok()) << identity.error().reason;
  EXPECT_EQ(identity->to_string(), fqdn);
  EXPECT_EQ(*identity, pki::Identity::fqdn(fqdn));
}

void expect_selectors(const std::vector<wire::Payload>& chain, const VectorCase& vector_case) {
  const struct {
    wire::PayloadType type;
    const char* expected;
  } sides[] = {{wire::PayloadType::ts_initiator, vector_case.initiator_ts},
               {wire::PayloadType::ts_responder, vector_case.responder_ts}};
  for (const auto& side : sides) {
    SCOPED_TRACE(wire::to_string(side.type));
    const auto* payload = wire::find_body<wire::TsPayload>(chain, side.type);
    ASSERT_NE(payload, nullptr);
    auto selectors = ts::from_wire(payload->selectors);
    ASSERT_TRUE(selectors.ok()) << selectors.error().reason;
    EXPECT_EQ(ts::to_string(*selectors), side.expected);
  }
}

}  // namespace ike::vectors
