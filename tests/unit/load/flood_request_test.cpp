// The flood's IKE_SA_INIT request: it decodes with libike's decoder into
// exactly the payloads a new initiator sends, with the group's KE length,
// the nonce size and NAT-D hashes as RFC 7296 2.23 defines them; a
// responder engine accepts it (a half-open IKE SA) or, above its cookie
// threshold, answers COOKIE; and the answers are classified.

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "ike/crypto/pki/identity.hpp"
#include "ike/proposal/defaults.hpp"
#include "ike/proposal/parser.hpp"
#include "ike/proposal/wire_conversion.hpp"
#include "ike/sa/engine.hpp"
#include "ike/sa/null_kernel.hpp"
#include "ike/ts/subnet_syntax.hpp"
#include "ike/wire/message.hpp"
#include "load/flood_request.hpp"
#include "support/engine_fixtures.hpp"
#include "support/test_random.hpp"

namespace ikev2d::load {
namespace {

namespace wire = ike::wire;
using ike::IpAddress;

const ike::sa::Endpoint kResponder{IpAddress::v4(10, 99, 0, 2), 500};
const ike::sa::Endpoint kSpoofed{IpAddress::v4(10, 66, 3, 4), 500};

std::vector<ike::proposal::CryptoProposal> offer(std::string_view text = "") {
  ike::proposal::ProposalConfig config;
  if (!text.empty()) config = *ike::proposal::parse_proposals(text, wire::ProtocolId::ike);
  return ike::proposal::proposals_for(config, ike::proposal::DefaultsUse::offer);
}

/// SHA-1(SPIi | 0 | address | port), computed here without the tool's code.
ike::Bytes expected_nat_hash(std::uint64_t spi, const ike::sa::Endpoint& endpoint) {
  ike::Bytes input;
  for (int shift = 56; shift >= 0; shift -= 8)
    input.push_back(static_cast<std::uint8_t>(spi >> shift));
  input.insert(input.end(), 8, 0);
  auto address = endpoint.address.bytes();
  input.insert(input.end(), address.begin(), address.end());
  input.push_back(static_cast<std::uint8_t>(endpoint.port >> 8));
  input.push_back(static_cast<std::uint8_t>(endpoint.port));
  ike::Bytes out(20);
  unsigned size = 0;
  EXPECT_EQ(EVP_Digest(input.data(), input.size(), out.data(), &size, EVP_sha1(), nullptr), 1);
  return out;
}

TEST(FloodRequest, DecodesAsANewInitiatorsFirstMessage) {
  auto proposals = offer();
  auto request = FloodRequest::build(proposals, kResponder);
  ASSERT_TRUE(request) << request.error().reason;
  ike::test::SeededRandom random(3);
  request->renew(0x0123456789abcdefULL, kSpoofed, random);

  auto message = wire::decode_message(request->bytes());
  ASSERT_TRUE(message) << message.error().reason;
  EXPECT_EQ(message->header.spi_initiator, 0x0123456789abcdefULL);
  EXPECT_EQ(message->header.spi_responder, 0u);
  EXPECT_EQ(message->header.exchange, wire::ExchangeType::ike_sa_init);
  EXPECT_EQ(message->header.flags, wire::IkeHeader::kFlagInitiator);
  EXPECT_EQ(message->header.message_id, 0u);
  EXPECT_EQ(message->header.length, request->bytes().size());

  ASSERT_EQ(message->payloads.size(), 5u);
  EXPECT_EQ(message->payloads[0].type, wire::PayloadType::security_association);
  EXPECT_EQ(*message->first_body<wire::SaPayload>(wire::PayloadType::security_association),
            ike::proposal::to_sa_payload(proposals, {}));
  const auto* ke = message->first_body<wire::KePayload>(wire::PayloadType::key_exchange);
  ASSERT_NE(ke, nullptr);
  EXPECT_EQ(ke->group, wire::KeGroup::curve25519);  // the first group offered
  EXPECT_EQ(ke->data.size(), 32u);
  EXPECT_EQ(request->key_exchange_size(), 32u);
  const auto* nonce = message->first_body<wire::NoncePayload>(wire::PayloadType::nonce);
  ASSERT_NE(nonce, nullptr);
  EXPECT_EQ(nonce->data.size(), 32u);

  const auto* source = message->find_notify(wire::NotifyType::nat_detection_source_ip);
  const auto* destination = message->find_notify(wire::NotifyType::nat_detection_destination_ip);
  ASSERT_NE(source, nullptr);
  ASSERT_NE(destination, nullptr);
  EXPECT_EQ(source->data, expected_nat_hash(0x0123456789abcdefULL, kSpoofed));
  EXPECT_EQ(destination->data, expected_nat_hash(0x0123456789abcdefULL, kResponder));
}

TEST(FloodRequest, RenewChangesTheInitiatorFieldsOnly) {
  auto request = FloodRequest::build(offer(), kResponder);
  ASSERT_TRUE(request);
  ike::test::ScriptedRandom random;
  ike::Bytes ke_value(32, 0xa5);
  ike::Bytes nonce_value(32, 0x5a);
  random.push(ke_value);
  random.push(nonce_value);
  request->renew(7, kSpoofed, random);
  ike::Bytes first(request->bytes().begin(), request->bytes().end());
  auto message = wire::decode_message(first);
  ASSERT_TRUE(message);
  EXPECT_EQ(message->first_body<wire::KePayload>(wire::PayloadType::key_exchange)->data, ke_value);
  EXPECT_EQ(message->first_body<wire::NoncePayload>(wire::PayloadType::nonce)->data, nonce_value);

  ike::sa::Endpoint other{IpAddress::v4(10, 66, 200, 9), 500};
  request->renew(8, other, random);
  ike::Bytes second(request->bytes().begin(), request->bytes().end());
  ASSERT_EQ(first.size(), second.size());
  auto again = wire::decode_message(second);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->header.spi_initiator, 8u);
  EXPECT_NE(again->first_body<wire::KePayload>(wire::PayloadType::key_exchange)->data, ke_value);
  EXPECT_EQ(again->find_notify(wire::NotifyType::nat_detection_source_ip)->data,
            expected_nat_hash(8, other));
  // The SA payload and everything else outside the renewed fields stayed.
  EXPECT_EQ(again->payloads[0], message->payloads[0]);
}

TEST(FloodRequest, KeyExchangeValueHasTheGroupsLength) {
  struct Case {
    const char* proposal;
    wire::KeGroup group;
    std::size_t size;
  };
  for (const auto& c : {Case{"aes128gcm16-prfsha256-ecp256!", wire::KeGroup::ecp256, 64},
                        Case{"aes128-sha256-modp3072!", wire::KeGroup::modp3072, 384},
                        Case{"aes256gcm16-prfsha384-ecp384!", wire::KeGroup::ecp384, 96}}) {
    auto request = FloodRequest::build(offer(c.proposal), kResponder, 64);
    ASSERT_TRUE(request) << c.proposal;
    ike::test::SeededRandom random(1);
    request->renew(1, kSpoofed, random);
    auto message = wire::decode_message(request->bytes());
    ASSERT_TRUE(message) << c.proposal;
    const auto* ke = message->first_body<wire::KePayload>(wire::PayloadType::key_exchange);
    EXPECT_EQ(ke->group, c.group) << c.proposal;
    EXPECT_EQ(ke->data.size(), c.size) << c.proposal;
    EXPECT_EQ(message->first_body<wire::NoncePayload>(wire::PayloadType::nonce)->data.size(), 64u);
  }
}

TEST(FloodRequest, RefusesWhatCannotBeSent) {
  auto without_group = offer("aes128gcm16-prfsha256-x25519!");
  without_group[0].ke_groups.clear();
  auto no_group = FloodRequest::build(without_group, kResponder);
  ASSERT_FALSE(no_group);
  EXPECT_EQ(no_group.error().reason, "no key exchange group in the IKE proposals");
  auto short_nonce = FloodRequest::build(offer(), kResponder, 15);
  ASSERT_FALSE(short_nonce);
  EXPECT_EQ(short_nonce.error().reason, "nonce size 15 is outside 16..256");
  EXPECT_FALSE(FloodRequest::build(offer(), kResponder, 257));
}

/// A responder engine with a %any PSK connection, as ikev2d runs it.
class Responder {
 public:
  explicit Responder(std::size_t cookie_threshold) : random_(11) {
    credentials_.set_psk("flood-test-psk-0123456789");
    ike::sa::EngineSettings settings;
    settings.cookie_threshold = cookie_threshold;
    engine_ = std::make_unique<ike::sa::Engine>(settings, random_, kernel_, events_, credentials_);
    auto connection = std::make_shared<ike::sa::Connection>();
    connection->name = "rw";
    connection->local_address = kResponder.address;
    connection->local_id = *ike::pki::Identity::parse("@responder.example");
    connection->ike_proposals = ike::proposal::proposals_for(ike::proposal::ProposalConfig{},
                                                             ike::proposal::DefaultsUse::accept);
    ike::sa::ChildConfig child;
    child.name = "rw";
    child.local_ts = ike::ts::default_side_selectors();
    child.remote_ts = ike::ts::default_side_selectors();
    connection->children.push_back(child);
    engine_->add_connection(connection);
  }

  /// The answers to one request from `source`.
  std::vector<ike::sa::Datagram> answer(ike::ByteView request, const ike::sa::Endpoint& source) {
    engine_->handle_datagram({kResponder, source, ike::Bytes(request.begin(), request.end())},
                             ike::MonoTime{} + ike::seconds(1));
    std::vector<ike::sa::Datagram> out;
    while (auto datagram = engine_->poll_transmit())
      out.push_back(std::move(*datagram));
    return out;
  }
  const ike::sa::Engine& engine() const { return *engine_; }

 private:
  ike::test::SeededRandom random_;
  ike::sa::NullKernel kernel_{0xd0000000};
  ike::test::EventRecorder events_;
  ike::test::MemoryCredentials credentials_;
  std::unique_ptr<ike::sa::Engine> engine_;
};

TEST(FloodRequest, ResponderAcceptsItAsAHalfOpenIkeSa) {
  Responder responder(1000);
  auto request = FloodRequest::build(offer(), kResponder);
  ASSERT_TRUE(request);
  ike::test::SeededRandom random(5);
  for (std::uint64_t spi = 1; spi <= 3; ++spi) {
    request->renew(spi, kSpoofed, random);
    auto answers = responder.answer(request->bytes(), kSpoofed);
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_EQ(answers[0].remote, kSpoofed);
    EXPECT_EQ(classify_init_answer(answers[0].bytes), InitAnswer::accepted);
  }
  EXPECT_EQ(responder.engine().half_open_count(), 3u);
}

TEST(FloodRequest, ResponderAboveItsThresholdAnswersCookie) {
  Responder responder(2);
  auto request = FloodRequest::build(offer(), kResponder);
  ASSERT_TRUE(request);
  ike::test::SeededRandom random(5);
  std::vector<InitAnswer> kinds;
  for (std::uint64_t spi = 1; spi <= 4; ++spi) {
    request->renew(spi, kSpoofed, random);
    auto answers = responder.answer(request->bytes(), kSpoofed);
    ASSERT_EQ(answers.size(), 1u);
    kinds.push_back(classify_init_answer(answers[0].bytes));
  }
  EXPECT_EQ(kinds, (std::vector<InitAnswer>{InitAnswer::accepted, InitAnswer::accepted,
                                            InitAnswer::cookie, InitAnswer::cookie}));
  // The cookie answers cost the responder no state.
  EXPECT_EQ(responder.engine().half_open_count(), 2u);
}

ike::Bytes answer_with(std::vector<wire::Payload> payloads, std::uint8_t flags,
                       wire::ExchangeType exchange = wire::ExchangeType::ike_sa_init) {
  wire::IkeHeader header;
  header.spi_initiator = 1;
  header.exchange = exchange;
  header.flags = flags;
  return wire::encode_message(header, payloads);
}

TEST(ClassifyInitAnswer, TellsTheKindsApart) {
  const auto response = wire::IkeHeader::kFlagResponse;
  EXPECT_EQ(classify_init_answer(answer_with(
                {wire::make_notify(wire::NotifyType::cookie, ike::Bytes(20, 1))}, response)),
            InitAnswer::cookie);
  EXPECT_EQ(
      classify_init_answer(answer_with(
          {wire::make_notify(wire::NotifyType::invalid_ke_payload, ike::Bytes{0, 19})}, response)),
      InitAnswer::invalid_ke);
  EXPECT_EQ(classify_init_answer(
                answer_with({wire::make_notify(wire::NotifyType::no_proposal_chosen)}, response)),
            InitAnswer::refused);
  // A request, another exchange, and garbage are not answers to IKE_SA_INIT.
  EXPECT_EQ(classify_init_answer(
                answer_with({wire::make_notify(wire::NotifyType::cookie, ike::Bytes(20, 1))},
                            wire::IkeHeader::kFlagInitiator)),
            InitAnswer::other);
  EXPECT_EQ(classify_init_answer(
                answer_with({wire::make_notify(wire::NotifyType::cookie, ike::Bytes(20, 1))},
                            response, wire::ExchangeType::informational)),
            InitAnswer::other);
  EXPECT_EQ(classify_init_answer(ike::Bytes(10, 0)), InitAnswer::other);
  EXPECT_STREQ(to_string(InitAnswer::accepted), "accepted");
}

}  // namespace
}  // namespace ikev2d::load
