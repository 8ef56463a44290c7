#pragma once
/// Which payloads each exchange may carry, in which direction, how many, and
/// whether only inside SK (RFC 7296 section 1, 1.2-1.4, 2.6, 2.16, 3.15), as
/// constexpr data in the style of libcharon's message rules; and the order in
/// which outgoing payloads are written.
///
/// How the rules apply (check_exchange_rules):
/// - The exchange type must be one of the four of RFC 7296; anything else is
///   refused.
/// - IKE_SA_INIT travels in clear: SK/SKF is refused, and every payload listed
///   for it must be in clear.
/// - The other exchanges are protected: the chain in clear must be exactly one
///   SK or SKF payload (decode_message already made it the last), and every
///   listed payload must be inside it. OpenIKED's idea: IDi, AUTH, TS and the
///   rest are simply impossible in clear.
/// - A known payload type not listed for the exchange and direction is
///   refused. Unknown non-critical payloads (UnknownPayload) are ignored, as
///   RFC 7296 2.5 says they are skipped.
/// - Counts are over the clear and inner chains together. Maximums always
///   apply. Minimums apply to requests always; they are waived for a response
///   that carries an error notify (type < 16384) or COOKIE, because such
///   responses are a refusal and carry nothing else: IKE_SA_INIT answered with
///   N(COOKIE), N(INVALID_KE_PAYLOAD) or N(NO_PROPOSAL_CHOSEN) (RFC 7296 1.2,
///   2.6, 2.7), CREATE_CHILD_SA answered with N(NO_PROPOSAL_CHOSEN) or
///   N(TEMPORARY_FAILURE) (1.3, 2.25), IKE_AUTH with N(AUTHENTICATION_FAILED)
///   (2.21.2).
/// - IKE_AUTH has no minimums: with EAP (2.16) and multiple authentication
///   (RFC 4739) an IKE_AUTH message may carry only EAP, or only AUTH, and a
///   childless IKE_AUTH (RFC 6023) has no SA or TS. Whether the payloads a
///   round needs are there is the IKE_AUTH task's check.
/// - Called before decryption (inner == nullptr) only the clear chain is
///   checked and minimums of encrypted payloads are not; call again with the
///   decrypted (or reassembled) inner chain.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "ike/error.hpp"
#include "ike/wire/header.hpp"
#include "ike/wire/payloads.hpp"
#include "ike/wire/types.hpp"

namespace ike::wire {

/// A maximum meaning "any number".
inline constexpr std::uint16_t kAnyCount = 0xffff;

/// How often one payload type may appear in a message, and where.
struct PayloadRule {
  PayloadType type;
  std::uint16_t min_count;
  std::uint16_t max_count;
  /// Only inside SK/SKF; for an exchange in clear (IKE_SA_INIT) always false.
  bool encrypted;
};

/// One step of an order table: a payload type, optionally only Notifies of one
/// type (so COOKIE or REKEY_SA can be placed before the other payloads).
struct OrderEntry {
  PayloadType type;
  std::optional<NotifyType> notify = std::nullopt;
};

/// The rules of one exchange in one direction.
struct ExchangeRules {
  ExchangeType exchange;
  bool response;
  /// Protected exchange: the clear chain is exactly one SK or SKF payload.
  bool encrypted;
  std::span<const PayloadRule> payloads;
  /// Wire order for sort_for_sending; payloads matching no entry go last.
  std::span<const OrderEntry> order;
};

namespace exchange_tables {

using enum PayloadType;
inline constexpr std::uint16_t kAny = kAnyCount;

// RFC 7296 1.2: HDR, SAi1, KEi, Ni  (N(COOKIE) first when retried, 2.6;
// NAT detection and capability notifies; vendor IDs).
inline constexpr PayloadRule kIkeSaInitRequest[] = {
    {security_association, 1, 1, false},
    {key_exchange, 1, 1, false},
    {nonce, 1, 1, false},
    {notify, 0, kAny, false},
    {vendor_id, 0, kAny, false},
};
// RFC 7296 1.2: HDR, SAr1, KEr, Nr, [CERTREQ]; or only N(error) / N(COOKIE).
inline constexpr PayloadRule kIkeSaInitResponse[] = {
    {security_association, 1, 1, false},
    {key_exchange, 1, 1, false},
    {nonce, 1, 1, false},
    {notify, 0, kAny, false},
    {certificate_request, 0, kAny, false},
    {vendor_id, 0, kAny, false},
};
// RFC 7296 1.2, 2.16, 3.15: SK {IDi, [CERT+], [CERTREQ+], [IDr], AUTH,
// [CP(CFG_REQUEST)], SAi2, TSi, TSr} or EAP rounds, N and V anywhere.
inline constexpr PayloadRule kIkeAuthRequest[] = {
    {id_initiator, 0, 1, true},
    {certificate, 0, kAny, true},
    {certificate_request, 0, kAny, true},
    {id_responder, 0, 1, true},
    {authentication, 0, 1, true},
    {eap, 0, 1, true},
    {configuration, 0, 1, true},
    {security_association, 0, 1, true},
    {ts_initiator, 0, 1, true},
    {ts_responder, 0, 1, true},
    {notify, 0, kAny, true},
    {vendor_id, 0, kAny, true},
};
// RFC 7296 1.2, 2.16, 3.15: SK {IDr, [CERT+], AUTH, [EAP], [CP(CFG_REPLY)],
// SAr2, TSi, TSr}, or SK {N(AUTHENTICATION_FAILED)}.
inline constexpr PayloadRule kIkeAuthResponse[] = {
    {id_responder, 0, 1, true}, {certificate, 0, kAny, true}, {authentication, 0, 1, true},
    {eap, 0, 1, true},          {configuration, 0, 1, true},  {security_association, 0, 1, true},
    {ts_initiator, 0, 1, true}, {ts_responder, 0, 1, true},   {notify, 0, kAny, true},
    {vendor_id, 0, kAny, true},
};
// RFC 7296 1.3.1-1.3.3: SK {[N(REKEY_SA)], SA, Ni, [KEi], [TSi, TSr]}
// (no TS when rekeying the IKE SA).
inline constexpr PayloadRule kCreateChildSaRequest[] = {
    {security_association, 1, 1, true}, {nonce, 1, 1, true},        {key_exchange, 0, 1, true},
    {ts_initiator, 0, 1, true},         {ts_responder, 0, 1, true}, {notify, 0, kAny, true},
    {vendor_id, 0, kAny, true},
};
// RFC 7296 1.3.1-1.3.3: SK {SA, Nr, [KEr], [TSi, TSr]} or SK {N(error)}.
inline constexpr PayloadRule kCreateChildSaResponse[] = {
    {security_association, 1, 1, true}, {nonce, 1, 1, true},        {key_exchange, 0, 1, true},
    {ts_initiator, 0, 1, true},         {ts_responder, 0, 1, true}, {notify, 0, kAny, true},
    {vendor_id, 0, kAny, true},
};
// RFC 7296 1.4: SK {[N,] [D,] [CP,] ...}; empty for liveness checks (1.4).
inline constexpr PayloadRule kInformational[] = {
    {notify, 0, kAny, true},
    {delete_, 0, kAny, true},
    {configuration, 0, 1, true},
    {vendor_id, 0, kAny, true},
};

// Wire orders, after the RFC 7296 examples cited above.
inline constexpr OrderEntry kIkeSaInitRequestOrder[] = {
    {notify, NotifyType::cookie},
    {security_association},
    {key_exchange},
    {nonce},
    {notify},
    {vendor_id},
};
inline constexpr OrderEntry kIkeSaInitResponseOrder[] = {
    {security_association}, {key_exchange}, {nonce}, {notify}, {certificate_request}, {vendor_id},
};
inline constexpr OrderEntry kIkeAuthRequestOrder[] = {
    {id_initiator}, {certificate},   {certificate_request},  {id_responder}, {authentication},
    {eap},          {configuration}, {security_association}, {ts_initiator}, {ts_responder},
    {notify},       {vendor_id},
};
inline constexpr OrderEntry kIkeAuthResponseOrder[] = {
    {id_responder},         {certificate},  {authentication}, {eap},    {configuration},
    {security_association}, {ts_initiator}, {ts_responder},   {notify}, {vendor_id},
};
inline constexpr OrderEntry kCreateChildSaRequestOrder[] = {
    {notify, NotifyType::rekey_sa},
    {security_association},
    {nonce},
    {key_exchange},
    {ts_initiator},
    {ts_responder},
    {notify},
    {vendor_id},
};
inline constexpr OrderEntry kCreateChildSaResponseOrder[] = {
    {security_association}, {nonce},  {key_exchange}, {ts_initiator},
    {ts_responder},         {notify}, {vendor_id},
};
inline constexpr OrderEntry kInformationalOrder[] = {
    {notify},
    {delete_},
    {configuration},
    {vendor_id},
};

}  // namespace exchange_tables

/// Every exchange and direction libike speaks.
inline constexpr ExchangeRules kExchangeRules[] = {
    {ExchangeType::ike_sa_init, false, false, exchange_tables::kIkeSaInitRequest,
     exchange_tables::kIkeSaInitRequestOrder},
    {ExchangeType::ike_sa_init, true, false, exchange_tables::kIkeSaInitResponse,
     exchange_tables::kIkeSaInitResponseOrder},
    {ExchangeType::ike_auth, false, true, exchange_tables::kIkeAuthRequest,
     exchange_tables::kIkeAuthRequestOrder},
    {ExchangeType::ike_auth, true, true, exchange_tables::kIkeAuthResponse,
     exchange_tables::kIkeAuthResponseOrder},
    {ExchangeType::create_child_sa, false, true, exchange_tables::kCreateChildSaRequest,
     exchange_tables::kCreateChildSaRequestOrder},
    {ExchangeType::create_child_sa, true, true, exchange_tables::kCreateChildSaResponse,
     exchange_tables::kCreateChildSaResponseOrder},
    {ExchangeType::informational, false, true, exchange_tables::kInformational,
     exchange_tables::kInformationalOrder},
    {ExchangeType::informational, true, true, exchange_tables::kInformational,
     exchange_tables::kInformationalOrder},
};

/// The rules of `exchange` in one direction, or nullptr for an exchange type
/// libike does not speak.
constexpr const ExchangeRules* find_exchange_rules(ExchangeType exchange, bool response) noexcept {
  for (const auto& rules : kExchangeRules) {
    if (rules.exchange == exchange && rules.response == response) return &rules;
  }
  return nullptr;
}

/// The rule for `type` in `rules`, or nullptr when the type is not allowed.
constexpr const PayloadRule* find_payload_rule(const ExchangeRules& rules,
                                               PayloadType type) noexcept {
  for (const auto& rule : rules.payloads) {
    if (rule.type == type) return &rule;
  }
  return nullptr;
}

/// Checks a message against the table of its exchange type and direction
/// (header.exchange, header.is_response()); see the top of this file for how.
/// `outer` is the chain in clear (Message::payloads), `inner_or_null` the
/// decrypted SK content or nullptr before decryption. Fails with
/// invalid_syntax and a reason such as "IKE_AUTH request: IDi payload in clear
/// (allowed only inside SK)".
Status check_exchange_rules(const IkeHeader& header, const std::vector<Payload>& outer,
                            const std::vector<Payload>* inner_or_null);

/// Reorders `payloads` (the inner chain of a protected exchange, the whole
/// chain of IKE_SA_INIT) into the exchange's wire order, so tasks may add
/// payloads in any order. Stable: payloads of the same rank keep their
/// relative order (several N, CERT chains). Payloads the order table does not
/// name go last; an unknown exchange leaves the list unchanged.
void sort_for_sending(ExchangeType exchange, bool response, std::vector<Payload>& payloads);

}  // namespace ike::wire
