// Issue 2's acceptance test, part one: every strongSwan capture of
// tests/vectors/ replayed through libike's public API (exchange_replay.hpp):
// every IKE datagram decodes, the IKE_SA_INIT pair negotiates what charon
// negotiated, the keys derived from the logged g^ir are the ones charon
// logged, every protected message opens and passes the exchange rules, and
// the payloads inside are what charon sent. AUTH is checked in
// psk_auth_test.cpp and signature_auth_test.cpp, the ESP traffic of the full
// chain in full_chain_test.cpp.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "exchange_replay.hpp"
#include "ike/crypto/key_exchange.hpp"
#include "ike/crypto/pki/identity.hpp"
#include "ike/proposal/defaults.hpp"
#include "ike/proposal/parser.hpp"
#include "ike/proposal/response_check.hpp"
#include "ike/proposal/selection.hpp"
#include "ike/proposal/wire_conversion.hpp"
#include "ike/ts/traffic_selector.hpp"
#include "replay_fixture.hpp"
#include "support/strongswan_vectors.hpp"

namespace ike::vectors {
namespace {

using wire::ExchangeType;
using wire::PayloadType;

class VectorReplay : public ReplayFixture, public ::testing::WithParamInterface<VectorCase> {
 protected:
  void SetUp() override { load(GetParam().folder); }
};

/// "IKE_AUTH 1 response (I)": exchange, Message ID, direction, I flag.
std::string describe_header(const wire::IkeHeader& header) {
  return wire::to_string(header.exchange) + " " + std::to_string(header.message_id) +
         (header.is_response() ? " response" : " request") +
         (header.from_initiator() ? " (I)" : "");
}

/// `sa` with each proposal's transforms in type order (stable within a type).
wire::SaPayload by_transform_type(wire::SaPayload sa) {
  for (wire::Proposal& proposal : sa.proposals) {
    std::stable_sort(proposal.transforms.begin(), proposal.transforms.end(),
                     [](const wire::Transform& a, const wire::Transform& b) {
                       return static_cast<int>(a.type) < static_cast<int>(b.type);
                     });
  }
  return sa;
}

TEST_P(VectorReplay, EveryMessageCarriesWhatCharonSent) {
  const VectorCase& c = GetParam();
  ASSERT_EQ(replay().ike.size(), c.messages.size());
  for (std::size_t i = 0; i < c.messages.size(); ++i) {
    const CapturedIke& captured = replay().ike[i];
    SCOPED_TRACE("frame " + std::to_string(captured.frame) + ": " +
                 describe_header(captured.header()));
    EXPECT_EQ(summarize(captured.payloads()), c.messages[i]);
  }
  // Requests and responses alternate; the initiator of the IKE SA starts.
  std::vector<std::string> headers;
  for (const CapturedIke& captured : replay().ike)
    headers.push_back(describe_header(captured.header()));
  std::vector<std::string> expected = {"IKE_SA_INIT 0 request (I)", "IKE_SA_INIT 0 response",
                                       "IKE_AUTH 1 request (I)", "IKE_AUTH 1 response"};
  if (c.child_established) {
    // The full chain ends with the initiator deleting the IKE SA.
    expected.push_back("INFORMATIONAL 2 request (I)");
    expected.push_back("INFORMATIONAL 2 response");
  }
  EXPECT_EQ(headers, expected);
  EXPECT_EQ(replay().esp.size(), c.child_established ? 2u : 0u);
}

TEST_P(VectorReplay, NotifyContents) {
  for (const CapturedIke& captured : replay().ike) {
    SCOPED_TRACE("frame " + std::to_string(captured.frame));
    for (const auto* notify :
         wire::find_all_bodies<wire::NotifyPayload>(captured.payloads(), PayloadType::notify)) {
      SCOPED_TRACE(wire::to_string(notify->type));
      // None of them concerns a CHILD SA by SPI (RFC 7296 3.10: Protocol ID 0, no SPI).
      EXPECT_EQ(notify->protocol, wire::ProtocolId::none);
      EXPECT_TRUE(notify->spi.empty());
      switch (notify->type) {
        case wire::NotifyType::nat_detection_source_ip:
        case wire::NotifyType::nat_detection_destination_ip:
          EXPECT_EQ(notify->data.size(), 20u);  // SHA-1 (RFC 7296 2.23)
          break;
        case wire::NotifyType::signature_hash_algorithms:
          // RFC 7427 4: SHA2-256, SHA2-384, SHA2-512, Identity.
          EXPECT_EQ(to_hex(notify->data), "0002000300040005");
          break;
        default:
          EXPECT_TRUE(notify->data.empty());
      }
    }
  }
}

TEST_P(VectorReplay, OurEncoderReproducesCharonsBytes) {
  for (const CapturedIke& captured : replay().ike) {
    SCOPED_TRACE("frame " + std::to_string(captured.frame));
    if (captured.header().exchange == ExchangeType::ike_sa_init) {
      EXPECT_EQ(to_hex(wire::encode_message(captured.header(), captured.message.payloads)),
                to_hex(captured.datagram));
    } else {
      EXPECT_EQ(to_hex(wire::encode_payload_chain(captured.inner)), to_hex(captured.inner_chain));
    }
    EXPECT_TRUE(wire::check_encodable(captured.payloads()).ok());
  }
}

TEST_P(VectorReplay, IkeSaInitAgreesOnCharonsProposal) {
  const VectorCase& c = GetParam();
  const proposal::NegotiatedAlgorithms& agreed = replay().ike_proposal.algorithms;
  EXPECT_EQ(proposal::describe(agreed), c.ike_algorithms);
  EXPECT_EQ(replay().ike_proposal.number, 1);
  EXPECT_TRUE(replay().ike_proposal.peer_spi.empty());  // RFC 7296 3.3.1: no SPI in IKE_SA_INIT
  EXPECT_EQ(replay().ke_i.group, agreed.ke_group);
  EXPECT_EQ(replay().ke_r.group, agreed.ke_group);
  EXPECT_EQ(replay().ke_i.data.size(), crypto::KeyExchange::public_value_size(agreed.ke_group));
  EXPECT_EQ(replay().ke_r.data.size(), crypto::KeyExchange::public_value_size(agreed.ke_group));
  EXPECT_EQ(shared_secret().size(), crypto::KeyExchange::shared_secret_size(agreed.ke_group));
  EXPECT_EQ(replay().nonce_i.size(), 32u);
  EXPECT_EQ(replay().nonce_r.size(), 32u);
}

TEST_P(VectorReplay, OurResponderWouldAnswerAsCharonDid) {
  const VectorCase& c = GetParam();
  const auto* offered = sa_of(replay().find(ExchangeType::ike_sa_init, false));
  const auto* answered = sa_of(replay().find(ExchangeType::ike_sa_init, true));
  ASSERT_TRUE(offered && answered);
  auto configured = proposal::parse_proposals(c.ike_config, wire::ProtocolId::ike);
  ASSERT_TRUE(configured.ok()) << configured.error().reason;
  const proposal::SelectionRequest request{wire::ProtocolId::ike, 0, replay().ke_i.group};
  auto choice = proposal::select_proposal(*offered, configured->proposals, request);
  ASSERT_TRUE(choice.ok()) << choice.error().reason;
  EXPECT_FALSE(choice->invalid_ke_group.has_value());
  // The same transforms; their order may differ: charon writes ENCR, INTEG,
  // PRF, KE, we write them by type number (wire_conversion.hpp), and RFC 7296
  // 3.3 leaves the order free. So compare with the transforms sorted by type.
  const wire::SaPayload ours = proposal::response_sa_payload(choice->selected, {});
  EXPECT_EQ(sa_hex(by_transform_type(ours)), sa_hex(by_transform_type(*answered)));
  EXPECT_EQ(choice->selected.algorithms, replay().ike_proposal.algorithms);
  // charon's own check as initiator, which ours mirrors, accepts our answer.
  auto accepted = proposal::check_response(*offered, ours);
  ASSERT_TRUE(accepted.ok()) << accepted.error().reason;
  EXPECT_EQ(accepted->algorithms, replay().ike_proposal.algorithms);

  // Our defaults accept what charon offered, too.
  const auto defaults =
      proposal::default_proposals(wire::ProtocolId::ike, proposal::DefaultsUse::accept);
  auto by_default = proposal::select_proposal(*offered, defaults, request);
  ASSERT_TRUE(by_default.ok()) << by_default.error().reason;
  EXPECT_EQ(by_default->selected.algorithms, replay().ike_proposal.algorithms);
}

TEST_P(VectorReplay, KeysAgreeWithBothCharonLogs) {
  for (const char* file : {"initiator.log", "responder.log"}) {
    SCOPED_TRACE(file);
    auto log = test::CharonLog::read(test::vector_path(GetParam().folder, file));
    ASSERT_TRUE(log.has_value());
    expect_logged(*log, "SKEYSEED", replay().skeyseed);
    expect_logged(*log, "Sk_d secret", replay().keys.sk_d);
    expect_logged(*log, "Sk_ei secret", replay().keys.sk_ei);
    expect_logged(*log, "Sk_er secret", replay().keys.sk_er);
    expect_logged(*log, "Sk_pi secret", replay().keys.sk_pi);
    expect_logged(*log, "Sk_pr secret", replay().keys.sk_pr);
    if (replay().suite.integrity) {
      expect_logged(*log, "Sk_ai secret", replay().keys.sk_ai);
      expect_logged(*log, "Sk_ar secret", replay().keys.sk_ar);
    } else {
      EXPECT_TRUE(replay().keys.sk_ai.empty());
      EXPECT_TRUE(log->dumps("Sk_ai secret").empty());  // charon logs none with AEAD
    }
  }
}

TEST_P(VectorReplay, IdentitiesAndAuthMethod) {
  const VectorCase& c = GetParam();
  const auto& request = inner_of(ExchangeType::ike_auth, false);
  const auto& response = inner_of(ExchangeType::ike_auth, true);
  expect_identity(wire::find_body<wire::IdPayload>(request, PayloadType::id_initiator),
                  c.initiator_id);
  // The initiator names the responder it expects (RFC 7296 3.5, IDr in the request).
  expect_identity(wire::find_body<wire::IdPayload>(request, PayloadType::id_responder),
                  c.responder_id);
  expect_identity(wire::find_body<wire::IdPayload>(response, PayloadType::id_responder),
                  c.responder_id);
  for (const auto* chain : {&request, &response}) {
    const auto* auth = wire::find_body<wire::AuthPayload>(*chain, PayloadType::authentication);
    ASSERT_NE(auth, nullptr);
    EXPECT_EQ(auth->method, c.auth_method);
  }
}

TEST_P(VectorReplay, ChildSaOffer) {
  const VectorCase& c = GetParam();
  const auto& request = inner_of(ExchangeType::ike_auth, false);
  const auto* sa = wire::find_body<wire::SaPayload>(request, PayloadType::security_association);
  ASSERT_NE(sa, nullptr);
  ASSERT_EQ(sa->proposals.size(), 1u);
  const wire::Proposal& offer = sa->proposals[0];
  EXPECT_EQ(offer.protocol, wire::ProtocolId::esp);
  EXPECT_EQ(offer.spi.size(), 4u);
  EXPECT_EQ(proposal::describe(offer), c.esp_offer);
  // RFC 7296 1.2: no key exchange in IKE_AUTH, and charon sends no KE transform.
  for (const wire::Transform& transform : offer.transforms)
    EXPECT_NE(transform.type, wire::TransformType::key_exchange);

  // Configured like charon, our responder accepts the offer.
  auto configured = proposal::parse_proposals(c.esp_config, wire::ProtocolId::esp);
  ASSERT_TRUE(configured.ok()) << configured.error().reason;
  proposal::SelectionRequest child{wire::ProtocolId::esp, 4, std::nullopt, true};
  auto choice = proposal::select_proposal(*sa, configured->proposals, child);
  ASSERT_TRUE(choice.ok()) << choice.error().reason;
  EXPECT_EQ(choice->selected.peer_spi, offer.spi);

  expect_selectors(request, c);
  EXPECT_EQ(wire::find_notify(request, wire::NotifyType::use_transport_mode) != nullptr,
            c.transport_mode);
}

TEST_P(VectorReplay, ChildSaAnswer) {
  const VectorCase& c = GetParam();
  const auto& request = inner_of(ExchangeType::ike_auth, false);
  const auto& response = inner_of(ExchangeType::ike_auth, true);
  const auto* offered =
      wire::find_body<wire::SaPayload>(request, PayloadType::security_association);
  const auto* answered =
      wire::find_body<wire::SaPayload>(response, PayloadType::security_association);
  ASSERT_NE(offered, nullptr);
  if (!c.child_established) {
    // The IKE SA stands, the CHILD SA is refused in the same response (RFC 7296 1.2).
    const auto* refusal = wire::find_error_notify(response);
    ASSERT_NE(refusal, nullptr);
    EXPECT_EQ(refusal->type, wire::NotifyType::no_proposal_chosen);
    EXPECT_EQ(answered, nullptr);
    EXPECT_EQ(wire::find_payload(response, PayloadType::ts_initiator), nullptr);
    EXPECT_EQ(wire::find_payload(response, PayloadType::ts_responder), nullptr);
    return;
  }
  EXPECT_EQ(wire::find_error_notify(response), nullptr);
  ASSERT_NE(answered, nullptr);
  auto agreed = proposal::check_response(*offered, *answered);
  ASSERT_TRUE(agreed.ok()) << agreed.error().reason;
  EXPECT_EQ(agreed->peer_spi, answered->proposals.at(0).spi);
  EXPECT_EQ(proposal::describe(agreed->algorithms), std::string(c.esp_offer).substr(4));
  // Our responder would have sent the same SA payload with charon's SPI.
  auto configured = proposal::parse_proposals(c.esp_config, wire::ProtocolId::esp);
  ASSERT_TRUE(configured.ok());
  proposal::SelectionRequest child{wire::ProtocolId::esp, 4, std::nullopt, true};
  auto choice = proposal::select_proposal(*offered, configured->proposals, child);
  ASSERT_TRUE(choice.ok()) << choice.error().reason;
  EXPECT_EQ(
      sa_hex(by_transform_type(proposal::response_sa_payload(choice->selected, agreed->peer_spi))),
      sa_hex(by_transform_type(*answered)));
  // Not narrowed: the responder took the selectors as proposed.
  expect_selectors(response, c);
}

TEST_P(VectorReplay, AnotherSharedSecretFailsAtTheFirstProtectedMessage) {
  Bytes wrong = shared_secret();
  wrong[0] ^= 0x01;
  auto replay = replay_exchange(GetParam().folder, wrong);
  ASSERT_FALSE(replay.ok());
  EXPECT_EQ(replay.error().code, Errc::integrity_check_failed);
  EXPECT_EQ(replay.error().reason.rfind("frame 3: SK open: ", 0), 0u) << replay.error().reason;
}

INSTANTIATE_TEST_SUITE_P(StrongSwan, VectorReplay, ::testing::ValuesIn(vector_cases()),
                         [](const auto& info) { return case_name(info.param); });

}  // namespace
}  // namespace ike::vectors
