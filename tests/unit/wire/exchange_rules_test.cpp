// The exchange tables themselves (what RFC 7296 section 1 lists per exchange),
// check_exchange_rules on accepted and refused messages, and the send order.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "ike/wire/exchange_rules.hpp"
#include "ike/wire/message.hpp"
#include "sample_payloads.hpp"

namespace ike::wire {
namespace {

using ::testing::HasSubstr;
using enum PayloadType;

// Compile-time checks of the table's shape.
static_assert(find_exchange_rules(ExchangeType::ike_sa_init, false)->exchange ==
              ExchangeType::ike_sa_init);
static_assert(find_exchange_rules(ExchangeType::informational, true)->response);
static_assert(find_exchange_rules(static_cast<ExchangeType>(43), false) == nullptr);
static_assert(!find_exchange_rules(ExchangeType::ike_sa_init, true)->encrypted);
static_assert(find_exchange_rules(ExchangeType::ike_auth, false)->encrypted);
static_assert(find_payload_rule(*find_exchange_rules(ExchangeType::ike_auth, false),
                                key_exchange) == nullptr);
static_assert(find_payload_rule(*find_exchange_rules(ExchangeType::create_child_sa, false), nonce)
                  ->min_count == 1);

std::set<PayloadType> allowed(ExchangeType exchange, bool response) {
  std::set<PayloadType> out;
  for (const auto& rule : find_exchange_rules(exchange, response)->payloads)
    out.insert(rule.type);
  return out;
}

const PayloadRule& rule_of(ExchangeType exchange, bool response, PayloadType type) {
  return *find_payload_rule(*find_exchange_rules(exchange, response), type);
}

TEST(ExchangeTable, ListsWhatRfc7296SectionOneSays) {
  using E = ExchangeType;
  // 1.2: HDR, SAi1, KEi, Ni / HDR, SAr1, KEr, Nr, [CERTREQ]
  EXPECT_EQ(allowed(E::ike_sa_init, false),
            (std::set{security_association, key_exchange, nonce, notify, vendor_id}));
  EXPECT_EQ(allowed(E::ike_sa_init, true), (std::set{security_association, key_exchange, nonce,
                                                     notify, certificate_request, vendor_id}));
  // 1.2, 2.16, 3.15: IKE_AUTH with certificates, EAP and configuration.
  EXPECT_EQ(allowed(E::ike_auth, false),
            (std::set{id_initiator, certificate, certificate_request, id_responder, authentication,
                      eap, configuration, security_association, ts_initiator, ts_responder, notify,
                      vendor_id}));
  EXPECT_EQ(allowed(E::ike_auth, true),
            (std::set{id_responder, certificate, authentication, eap, configuration,
                      security_association, ts_initiator, ts_responder, notify, vendor_id}));
  // 1.3: SA, Ni/Nr, [KE], [TSi, TSr], N.
  for (bool response : {false, true}) {
    EXPECT_EQ(allowed(E::create_child_sa, response),
              (std::set{security_association, nonce, key_exchange, ts_initiator, ts_responder,
                        notify, vendor_id}));
    // 1.4: [N,] [D,] [CP,] ...
    EXPECT_EQ(allowed(E::informational, response),
              (std::set{notify, delete_, configuration, vendor_id}));
  }
}

TEST(ExchangeTable, CountsFollowTheRfc) {
  using E = ExchangeType;
  for (bool response : {false, true}) {
    for (auto type : {security_association, key_exchange, nonce}) {
      EXPECT_EQ(rule_of(E::ike_sa_init, response, type).min_count, 1);
      EXPECT_EQ(rule_of(E::ike_sa_init, response, type).max_count, 1);
    }
    EXPECT_EQ(rule_of(E::create_child_sa, response, security_association).min_count, 1);
    EXPECT_EQ(rule_of(E::create_child_sa, response, nonce).min_count, 1);
    EXPECT_EQ(rule_of(E::create_child_sa, response, key_exchange).min_count, 0);
    EXPECT_EQ(rule_of(E::create_child_sa, response, ts_initiator).min_count, 0);  // IKE rekey
    EXPECT_EQ(rule_of(E::ike_auth, response, certificate).max_count, kAnyCount);  // chains
    EXPECT_EQ(rule_of(E::ike_auth, response, authentication).max_count, 1);
  }
  // IKE_AUTH: EAP rounds and RFC 4739 leave every payload optional.
  for (bool response : {false, true}) {
    for (const auto& rule : find_exchange_rules(E::ike_auth, response)->payloads)
      EXPECT_EQ(rule.min_count, 0) << to_string(rule.type);
  }
}

TEST(ExchangeTable, ShapeIsConsistent) {
  for (const auto& rules : kExchangeRules) {
    std::string label = to_string(rules.exchange) + (rules.response ? " response" : " request");
    std::set<PayloadType> seen;
    for (const auto& rule : rules.payloads) {
      EXPECT_TRUE(seen.insert(rule.type).second)
          << label << " lists " << to_string(rule.type) << " twice";
      EXPECT_LE(rule.min_count, rule.max_count) << label;
      // Only IKE_SA_INIT is in clear, and there everything is.
      EXPECT_EQ(rule.encrypted, rules.encrypted) << label << " " << to_string(rule.type);
      EXPECT_NE(rule.type, encrypted) << label;
      EXPECT_NE(rule.type, encrypted_fragment) << label;
      auto in_order = std::any_of(rules.order.begin(), rules.order.end(),
                                  [&](const OrderEntry& entry) { return entry.type == rule.type; });
      EXPECT_TRUE(in_order) << label << ": " << to_string(rule.type)
                            << " has no place in the order";
    }
    for (const auto& entry : rules.order)
      EXPECT_TRUE(seen.count(entry.type)) << label << " orders " << to_string(entry.type);
    EXPECT_EQ(find_exchange_rules(rules.exchange, rules.response), &rules);
  }
  EXPECT_EQ(std::size(kExchangeRules), 8u);
}

// ---- check_exchange_rules -------------------------------------------------

IkeHeader header_of(ExchangeType exchange, bool response) {
  IkeHeader header;
  header.exchange = exchange;
  header.flags = response ? IkeHeader::kFlagResponse : IkeHeader::kFlagInitiator;
  return header;
}

Payload of(PayloadType type) {
  for (auto& payload : sample::all_payloads()) {
    if (payload.type == type) return payload;
  }
  ADD_FAILURE() << "no sample for " << to_string(type);
  return {};
}

Payload sk() {
  return of(encrypted);
}

Payload notify_of(NotifyType type) {
  return make_notify(type);
}

void expect_refused(const IkeHeader& header, const std::vector<Payload>& outer,
                    const std::vector<Payload>* inner, const std::string& reason) {
  auto status = check_exchange_rules(header, outer, inner);
  ASSERT_FALSE(status) << "accepted; expected: " << reason;
  EXPECT_EQ(status.error().code, Errc::invalid_syntax);
  EXPECT_THAT(status.error().reason, HasSubstr(reason));
}

void expect_accepted(const IkeHeader& header, const std::vector<Payload>& outer,
                     const std::vector<Payload>* inner) {
  auto status = check_exchange_rules(header, outer, inner);
  EXPECT_TRUE(status) << status.error().reason;
}

TEST(CheckExchangeRules, IkeSaInit) {
  auto request = header_of(ExchangeType::ike_sa_init, false);
  auto response = header_of(ExchangeType::ike_sa_init, true);
  std::vector<Payload> full{of(security_association), of(key_exchange), of(nonce),
                            notify_of(NotifyType::nat_detection_source_ip), of(vendor_id)};
  expect_accepted(request, full, nullptr);
  std::vector<Payload> no_inner;
  expect_accepted(request, full, &no_inner);
  auto with_certreq = full;
  with_certreq.push_back(of(certificate_request));
  expect_accepted(response, with_certreq, nullptr);
  expect_refused(request, with_certreq, nullptr,
                 "IKE_SA_INIT request: CERTREQ payload not allowed");
  expect_refused(request, {of(security_association), of(nonce)}, nullptr,
                 "IKE_SA_INIT request: 0 KE payloads (at least 1)");
  expect_refused(request, {of(security_association), of(key_exchange), of(key_exchange), of(nonce)},
                 nullptr, "IKE_SA_INIT request: 2 KE payloads (at most 1)");
  expect_refused(request, {of(security_association), of(key_exchange), of(nonce), sk()}, nullptr,
                 "IKE_SA_INIT request: SK payload not allowed");
  expect_refused(request, {of(security_association), of(key_exchange), of(nonce), of(id_initiator)},
                 nullptr, "IDi payload not allowed");
  // A request always needs SA, KE and Nonce, even when it carries a cookie.
  expect_refused(request, {notify_of(NotifyType::cookie)}, nullptr, "0 SA payloads (at least 1)");
}

TEST(CheckExchangeRules, RefusalsWaiveMinimumsInResponses) {
  auto response = header_of(ExchangeType::ike_sa_init, true);
  for (auto type :
       {NotifyType::cookie, NotifyType::invalid_ke_payload, NotifyType::no_proposal_chosen}) {
    expect_accepted(response, {notify_of(type)}, nullptr);
  }
  // A status notify alone is no refusal.
  expect_refused(response, {notify_of(NotifyType::nat_detection_source_ip)}, nullptr,
                 "0 SA payloads (at least 1)");
  // Maximums still apply.
  expect_refused(response, {notify_of(NotifyType::no_proposal_chosen), of(nonce), of(nonce)},
                 nullptr, "2 N(once) payloads (at most 1)");

  auto child_response = header_of(ExchangeType::create_child_sa, true);
  std::vector<Payload> refused{notify_of(NotifyType::no_proposal_chosen)};
  expect_accepted(child_response, {sk()}, &refused);
  std::vector<Payload> empty;
  expect_refused(child_response, {sk()}, &empty,
                 "CREATE_CHILD_SA response: 0 SA payloads (at least 1)");

  auto auth_response = header_of(ExchangeType::ike_auth, true);
  std::vector<Payload> failed{notify_of(NotifyType::authentication_failed)};
  expect_accepted(auth_response, {sk()}, &failed);
}

TEST(CheckExchangeRules, IkeAuthIsOnlyEncrypted) {
  auto request = header_of(ExchangeType::ike_auth, false);
  std::vector<Payload> inner{of(id_initiator),
                             of(certificate),
                             of(certificate),
                             of(certificate_request),
                             of(id_responder),
                             of(authentication),
                             of(configuration),
                             of(security_association),
                             of(ts_initiator),
                             of(ts_responder),
                             notify_of(NotifyType::initial_contact)};
  expect_accepted(request, {sk()}, nullptr);
  expect_accepted(request, {sk()}, &inner);
  Payload fragment{encrypted_fragment, false,
                   EncryptedFragmentPayload{id_initiator, 1, 2, Bytes(20, 1)}};
  expect_accepted(request, {fragment}, nullptr);
  expect_refused(request, {of(id_initiator), sk()}, nullptr,
                 "IKE_AUTH request: IDi payload in clear (allowed only inside SK)");
  expect_refused(request, {of(authentication)}, nullptr, "AUTH payload in clear");
  expect_refused(request, {}, nullptr, "IKE_AUTH request: no SK or SKF payload");
  expect_refused(request, {sk(), sk()}, nullptr, "2 SK/SKF payloads");
  auto two_auth = inner;
  two_auth.push_back(of(authentication));
  expect_refused(request, {sk()}, &two_auth, "IKE_AUTH request: 2 AUTH payloads (at most 1)");
  std::vector<Payload> with_ke{of(key_exchange)};
  expect_refused(request, {sk()}, &with_ke, "IKE_AUTH request: KE payload not allowed inside SK");
  std::vector<Payload> nested{sk()};
  expect_refused(request, {sk()}, &nested, "SK payload not allowed inside SK");
  // EAP rounds: SK {EAP} alone, then SK {AUTH} alone.
  std::vector<Payload> eap_only{of(eap)};
  expect_accepted(request, {sk()}, &eap_only);
  std::vector<Payload> auth_only{of(authentication)};
  expect_accepted(request, {sk()}, &auth_only);
  // The responder does not send IDi or CERTREQ.
  auto response = header_of(ExchangeType::ike_auth, true);
  std::vector<Payload> with_idi{of(id_initiator)};
  expect_refused(response, {sk()}, &with_idi,
                 "IKE_AUTH response: IDi payload not allowed inside SK");
}

TEST(CheckExchangeRules, CreateChildSa) {
  auto request = header_of(ExchangeType::create_child_sa, false);
  std::vector<Payload> child{notify_of(NotifyType::rekey_sa),
                             of(security_association),
                             of(nonce),
                             of(key_exchange),
                             of(ts_initiator),
                             of(ts_responder)};
  expect_accepted(request, {sk()}, &child);
  std::vector<Payload> ike_rekey{of(security_association), of(nonce), of(key_exchange)};
  expect_accepted(request, {sk()}, &ike_rekey);
  std::vector<Payload> no_nonce{of(security_association), of(ts_initiator), of(ts_responder)};
  expect_refused(request, {sk()}, &no_nonce,
                 "CREATE_CHILD_SA request: 0 N(once) payloads (at least 1)");
  // Error notifies do not waive the minimums of a request.
  std::vector<Payload> error_only{notify_of(NotifyType::no_proposal_chosen)};
  expect_refused(request, {sk()}, &error_only, "0 SA payloads (at least 1)");
  expect_refused(request, {of(nonce), sk()}, nullptr, "N(once) payload in clear");
}

TEST(CheckExchangeRules, Informational) {
  for (bool response : {false, true}) {
    auto header = header_of(ExchangeType::informational, response);
    std::vector<Payload> empty;  // liveness check
    expect_accepted(header, {sk()}, &empty);
    std::vector<Payload> del{of(delete_), of(delete_), notify_of(NotifyType::invalid_spi)};
    expect_accepted(header, {sk()}, &del);
    std::vector<Payload> sa{of(security_association)};
    expect_refused(header, {sk()}, &sa, "INFORMATIONAL");
    expect_refused(header, {of(delete_)}, nullptr, "D payload in clear");
  }
}

TEST(CheckExchangeRules, UnknownExchangeAndUnknownPayloads) {
  expect_refused(header_of(static_cast<ExchangeType>(43), false), {}, nullptr,
                 "unknown exchange type 43");
  // Unknown non-critical payloads were skipped by decoding; the rules skip them too.
  Payload unknown{static_cast<PayloadType>(200), false, UnknownPayload{200, {}}};
  expect_accepted(header_of(ExchangeType::ike_auth, false), {unknown, sk()}, nullptr);
  std::vector<Payload> inner{unknown};
  expect_accepted(header_of(ExchangeType::informational, false), {sk()}, &inner);
  // An inner chain for an exchange without SK makes no sense.
  auto init = header_of(ExchangeType::ike_sa_init, false);
  std::vector<Payload> full{of(security_association), of(key_exchange), of(nonce)};
  expect_refused(init, full, &full, "IKE_SA_INIT request: has no SK payload, so no inner payloads");
}

// ---- sort_for_sending -----------------------------------------------------

std::vector<PayloadType> types(const std::vector<Payload>& payloads) {
  std::vector<PayloadType> out;
  for (const auto& payload : payloads)
    out.push_back(payload.type);
  return out;
}

TEST(SortForSending, IkeSaInitRequestPutsTheCookieFirst) {
  std::vector<Payload> payloads{notify_of(NotifyType::nat_detection_source_ip),
                                of(vendor_id),
                                of(nonce),
                                notify_of(NotifyType::nat_detection_destination_ip),
                                of(key_exchange),
                                notify_of(NotifyType::cookie),
                                of(security_association)};
  sort_for_sending(ExchangeType::ike_sa_init, false, payloads);
  EXPECT_EQ(types(payloads), (std::vector{notify, security_association, key_exchange, nonce, notify,
                                          notify, vendor_id}));
  EXPECT_EQ(body_as<NotifyPayload>(payloads[0])->type, NotifyType::cookie);
  // Notifies keep their relative order.
  EXPECT_EQ(body_as<NotifyPayload>(payloads[4])->type, NotifyType::nat_detection_source_ip);
  EXPECT_EQ(body_as<NotifyPayload>(payloads[5])->type, NotifyType::nat_detection_destination_ip);
}

TEST(SortForSending, IkeAuthRequestFollowsRfc7296) {
  std::vector<Payload> payloads{notify_of(NotifyType::initial_contact),
                                of(ts_responder),
                                of(security_association),
                                of(authentication),
                                of(certificate_request),
                                of(id_responder),
                                of(configuration),
                                of(certificate),
                                of(ts_initiator),
                                of(id_initiator)};
  sort_for_sending(ExchangeType::ike_auth, false, payloads);
  EXPECT_EQ(
      types(payloads),
      (std::vector{id_initiator, certificate, certificate_request, id_responder, authentication,
                   configuration, security_association, ts_initiator, ts_responder, notify}));
}

TEST(SortForSending, CreateChildSaPutsRekeySaFirstAndNonceBeforeKe) {
  std::vector<Payload> payloads{of(ts_responder),
                                notify_of(NotifyType::use_transport_mode),
                                of(key_exchange),
                                of(ts_initiator),
                                of(nonce),
                                notify_of(NotifyType::rekey_sa),
                                of(security_association)};
  sort_for_sending(ExchangeType::create_child_sa, false, payloads);
  EXPECT_EQ(types(payloads), (std::vector{notify, security_association, nonce, key_exchange,
                                          ts_initiator, ts_responder, notify}));
  EXPECT_EQ(body_as<NotifyPayload>(payloads[0])->type, NotifyType::rekey_sa);
  EXPECT_EQ(body_as<NotifyPayload>(payloads[6])->type, NotifyType::use_transport_mode);
}

TEST(SortForSending, UnlistedPayloadsGoLastAndUnknownExchangesAreLeftAlone) {
  Payload unknown{static_cast<PayloadType>(200), false, UnknownPayload{200, {}}};
  std::vector<Payload> payloads{unknown, of(delete_), notify_of(NotifyType::invalid_spi)};
  sort_for_sending(ExchangeType::informational, false, payloads);
  EXPECT_EQ(types(payloads), (std::vector{notify, delete_, static_cast<PayloadType>(200)}));
  auto before = payloads;
  sort_for_sending(static_cast<ExchangeType>(43), false, payloads);
  EXPECT_EQ(payloads, before);
}

}  // namespace
}  // namespace ike::wire
