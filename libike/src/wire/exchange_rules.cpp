// Checking messages against the exchange tables, and sorting outgoing
// payloads into wire order (tables in ike/wire/exchange_rules.hpp).

#include "ike/wire/exchange_rules.hpp"

#include <algorithm>
#include <string>

#include "ike/wire/message.hpp"

namespace ike::wire {
namespace {

/// "IKE_AUTH request", for reasons.
std::string exchange_label(const IkeHeader& header) {
  return to_string(header.exchange) + (header.is_response() ? " response" : " request");
}

Error rule_error(const IkeHeader& header, const std::string& detail) {
  return make_error(Errc::invalid_syntax, exchange_label(header) + ": " + detail);
}

bool is_encrypted_type(PayloadType type) noexcept {
  return type == PayloadType::encrypted || type == PayloadType::encrypted_fragment;
}

bool is_unknown(const Payload& payload) noexcept {
  return body_as<UnknownPayload>(payload) != nullptr;
}

/// The chain in clear of a protected exchange: exactly one SK or SKF, apart
/// from ignored unknown payloads; nothing listed may be in clear.
Status check_clear_chain(const IkeHeader& header, const ExchangeRules& rules,
                         const std::vector<Payload>& outer) {
  std::size_t encrypted = 0;
  for (const auto& payload : outer) {
    if (is_unknown(payload)) continue;
    if (is_encrypted_type(payload.type)) {
      if (!rules.encrypted) {
        return rule_error(
            header, to_string(payload.type) + " payload not allowed (the exchange is in clear)");
      }
      ++encrypted;
      continue;
    }
    const PayloadRule* rule = find_payload_rule(rules, payload.type);
    if (rule == nullptr) {
      return rule_error(header, to_string(payload.type) + " payload not allowed");
    }
    if (rule->encrypted) {
      return rule_error(header,
                        to_string(payload.type) + " payload in clear (allowed only inside SK)");
    }
  }
  if (rules.encrypted && encrypted != 1) {
    return rule_error(header, encrypted == 0 ? std::string("no SK or SKF payload")
                                             : std::to_string(encrypted) + " SK/SKF payloads");
  }
  return {};
}

/// RFC 7296 1.2/1.3/2.6/2.21: a refusal carries an error notify or COOKIE
/// and nothing else, so it cannot meet the minimums.
bool waives_minimums(const IkeHeader& header, const std::vector<Payload>& outer,
                     const std::vector<Payload>* inner) {
  if (!header.is_response()) return false;
  for (const auto* chain : {&outer, inner}) {
    if (chain == nullptr) continue;
    if (find_error_notify(*chain) || find_notify(*chain, NotifyType::cookie)) return true;
  }
  return false;
}

Status check_counts(const IkeHeader& header, const ExchangeRules& rules,
                    const std::vector<Payload>& outer, const std::vector<Payload>* inner) {
  bool minimums = !waives_minimums(header, outer, inner);
  for (const auto& rule : rules.payloads) {
    std::size_t count = count_payloads(outer, rule.type);
    if (inner) count += count_payloads(*inner, rule.type);
    std::string name = to_string(rule.type);
    if (count > rule.max_count) {
      return rule_error(header, std::to_string(count) + " " + name + " payloads (at most " +
                                    std::to_string(rule.max_count) + ")");
    }
    // Before decryption the encrypted payloads cannot be counted yet.
    bool countable = !rule.encrypted || inner != nullptr;
    if (minimums && countable && count < rule.min_count) {
      return rule_error(header, std::to_string(count) + " " + name + " payloads (at least " +
                                    std::to_string(rule.min_count) + ")");
    }
  }
  return {};
}

Status check_inner_chain(const IkeHeader& header, const ExchangeRules& rules,
                         const std::vector<Payload>& inner) {
  for (const auto& payload : inner) {
    if (is_unknown(payload)) continue;
    const PayloadRule* rule = find_payload_rule(rules, payload.type);
    if (rule == nullptr || is_encrypted_type(payload.type)) {
      return rule_error(header, to_string(payload.type) + " payload not allowed inside SK");
    }
    if (!rule->encrypted) {
      // Only IKE_SA_INIT has clear-only payloads, and it has no SK at all.
      return rule_error(header,
                        to_string(payload.type) + " payload inside SK (allowed only in clear)");
    }
  }
  return {};
}

/// Rank of `payload` in `order`: the first entry it matches, or order.size().
std::size_t order_rank(std::span<const OrderEntry> order, const Payload& payload) {
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (order[i].type != payload.type) continue;
    if (!order[i].notify) return i;
    const auto* notify = body_as<NotifyPayload>(payload);
    if (notify && notify->type == *order[i].notify) return i;
  }
  return order.size();
}

}  // namespace

Status check_exchange_rules(const IkeHeader& header, const std::vector<Payload>& outer,
                            const std::vector<Payload>* inner_or_null) {
  const ExchangeRules* rules = find_exchange_rules(header.exchange, header.is_response());
  if (rules == nullptr) {
    return make_error(
        Errc::invalid_syntax,
        "unknown exchange type " + std::to_string(static_cast<unsigned>(header.exchange)));
  }
  if (auto ok = check_clear_chain(header, *rules, outer); !ok) return ok;
  if (inner_or_null != nullptr) {
    if (!rules->encrypted && !inner_or_null->empty()) {
      return rule_error(header, "has no SK payload, so no inner payloads");
    }
    if (auto ok = check_inner_chain(header, *rules, *inner_or_null); !ok) return ok;
  }
  return check_counts(header, *rules, outer, inner_or_null);
}

void sort_for_sending(ExchangeType exchange, bool response, std::vector<Payload>& payloads) {
  const ExchangeRules* rules = find_exchange_rules(exchange, response);
  if (rules == nullptr) return;
  std::stable_sort(payloads.begin(), payloads.end(), [rules](const Payload& a, const Payload& b) {
    return order_rank(rules->order, a) < order_rank(rules->order, b);
  });
}

}  // namespace ike::wire
