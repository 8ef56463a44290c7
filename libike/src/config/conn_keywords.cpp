// Keywords of conn sections that are not per side.
#include <limits>

#include "config/handler_templates.hpp"
#include "config/keyword_table.hpp"

namespace ike::config::detail {
namespace {

Status set_keyexchange(ConnConfig&, std::string_view text) {
  if (text == "ikev2" || text == "ike") return {};
  if (text == "ikev1") return invalid_value("IKEv1 is not supported (ikev2d speaks IKEv2 only)");
  return invalid_value("expected ikev2 or ike");
}

Status set_type(ConnConfig& conn, std::string_view text) {
  if (text == "pass") text = "passthrough";
  return set_enum<&ConnConfig::type>(conn, text);
}

Status set_authby(ConnConfig& conn, std::string_view text) {
  if (text == "secret") text = "psk";
  if (text == "xauthpsk" || text == "xauthrsasig") {
    return invalid_value("XAuth is IKEv1-only (ikev2d speaks IKEv2 only)");
  }
  auto authby = parse_enum_name<AuthBy>(text);
  if (!authby) return invalid_value("expected pubkey, rsasig, ecdsasig, psk (or secret) or never");
  conn.authby = *authby;
  return {};
}

Status set_keyingtries(ConnConfig& conn, std::string_view text) {
  if (text == "%forever") {
    conn.keyingtries = 0;
    return {};
  }
  auto value = parse_unsigned(text, std::numeric_limits<std::uint32_t>::max());
  if (!value) return invalid_value("expected a number or %forever");
  conn.keyingtries = static_cast<unsigned>(*value);
  return {};
}

Status set_rekeyfuzz(ConnConfig& conn, std::string_view text) {
  auto value = parse_percent(text);
  if (!value) return std::move(value).error();
  conn.rekeyfuzz = *value;
  return {};
}

/// ike=/esp=: through the proposal parser, which also reads the trailing "!".
template <auto Member, wire::ProtocolId Protocol>
Status set_proposals(ConnConfig& conn, std::string_view text) {
  auto proposals = proposal::parse_proposals(text, Protocol);
  if (!proposals) return std::move(proposals).error();
  conn.*Member = std::move(*proposals);
  return {};
}

/// ah=: kept as written (stored only), but its list structure is checked.
Status set_ah(ConnConfig& conn, std::string_view text) {
  if (!text.empty() && text.back() == '!') text.remove_suffix(1);
  auto items = split_list(text);
  if (!items) return std::move(items).error();
  conn.ah = std::string(text);
  return {};
}

Status set_ikedscp(ConnConfig& conn, std::string_view text) {
  if (text.size() != 6 || text.find_first_not_of("01") != std::string_view::npos) {
    return invalid_value("expected six binary digits such as 101110");
  }
  std::uint8_t dscp = 0;
  for (char bit : text)
    dscp = static_cast<std::uint8_t>(dscp << 1 | (bit == '1'));
  conn.ikedscp = dscp;
  return {};
}

Status set_replay_window(ConnConfig& conn, std::string_view text) {
  auto value = parse_unsigned(text, std::numeric_limits<std::uint32_t>::max());
  if (!value) return std::move(value).error();
  conn.replay_window = static_cast<std::uint32_t>(*value);
  return {};
}

Status set_mark(ConnConfig& conn, std::string_view text) {
  auto mark = parse_mark(text);
  if (!mark) return std::move(mark).error();
  conn.mark_in = *mark;
  conn.mark_out = *mark;
  return {};
}

template <auto Member>
Status set_one_mark(ConnConfig& conn, std::string_view text) {
  auto mark = parse_mark(text);
  if (!mark) return std::move(mark).error();
  conn.*Member = *mark;
  return {};
}

Status set_tfc(ConnConfig& conn, std::string_view text) {
  auto tfc = parse_tfc(text);
  if (!tfc) return std::move(tfc).error();
  conn.tfc = *tfc;
  return {};
}

constexpr KeywordHandler on_conn(Status (*apply)(ConnConfig&, std::string_view)) {
  return KeywordHandler{nullptr, nullptr, apply, nullptr};
}

constexpr auto N = SectionKind::conn;
constexpr auto live = KeywordStatus::live;
constexpr auto v1 = KeywordStatus::ikev1_only;
constexpr std::uint64_t kMax64 = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint64_t kMax32 = std::numeric_limits<std::uint32_t>::max();

// Applied in this order, so mark= comes before mark_in=/mark_out= (which win).
constexpr KeywordEntry kEntries[] = {
    {"also", N, false, live, false, "", {}},
    {"auto", N, false, live, false, "", on_conn(&set_enum<&ConnConfig::auto_action>)},
    {"keyexchange", N, false, live, false, "", on_conn(&set_keyexchange)},
    {"type", N, false, live, false, "", on_conn(&set_type)},
    {"compress", N, false, live, true, "", on_conn(&set_yes_no<&ConnConfig::compress>)},
    {"installpolicy", N, false, live, false, "", on_conn(&set_yes_no<&ConnConfig::installpolicy>)},
    {"aggressive", N, false, v1, false, "", {}},
    {"authby", N, false, live, false, "", on_conn(&set_authby)},
    {"eap_identity", N, false, live, false, "", on_conn(&set_text<&ConnConfig::eap_identity>)},
    {"aaa_identity", N, false, live, true, "", on_conn(&set_text<&ConnConfig::aaa_identity>)},
    {"mobike", N, false, live, true, "", on_conn(&set_yes_no<&ConnConfig::mobike>)},
    {"forceencaps", N, false, live, false, "", on_conn(&set_yes_no<&ConnConfig::forceencaps>)},
    {"fragmentation", N, false, live, false, "", on_conn(&set_enum<&ConnConfig::fragmentation>)},
    {"ikedscp", N, false, live, true, "", on_conn(&set_ikedscp)},
    {"ikelifetime", N, false, live, false, "", on_conn(&set_duration<&ConnConfig::ikelifetime>)},
    {"lifetime", N, false, live, false, "", on_conn(&set_duration<&ConnConfig::lifetime>)},
    {"keylife", N, false, live, false, "lifetime", {}},
    {"margintime", N, false, live, false, "", on_conn(&set_duration<&ConnConfig::margintime>)},
    {"rekeymargin", N, false, live, false, "margintime", {}},
    {"lifebytes", N, false, live, false, "", on_conn(&set_number<&ConnConfig::lifebytes, kMax64>)},
    {"marginbytes", N, false, live, false, "",
     on_conn(&set_number<&ConnConfig::marginbytes, kMax64>)},
    {"lifepackets", N, false, live, false, "",
     on_conn(&set_number<&ConnConfig::lifepackets, kMax64>)},
    {"marginpackets", N, false, live, false, "",
     on_conn(&set_number<&ConnConfig::marginpackets, kMax64>)},
    {"keyingtries", N, false, live, false, "", on_conn(&set_keyingtries)},
    {"rekeyfuzz", N, false, live, false, "", on_conn(&set_rekeyfuzz)},
    {"rekey", N, false, live, false, "", on_conn(&set_yes_no<&ConnConfig::rekey>)},
    {"reauth", N, false, live, false, "", on_conn(&set_yes_no<&ConnConfig::reauth>)},
    {"ike", N, false, live, false, "",
     on_conn(&set_proposals<&ConnConfig::ike, wire::ProtocolId::ike>)},
    {"esp", N, false, live, false, "",
     on_conn(&set_proposals<&ConnConfig::esp, wire::ProtocolId::esp>)},
    {"ah", N, false, live, true, "", on_conn(&set_ah)},
    {"dpddelay", N, false, live, false, "", on_conn(&set_duration<&ConnConfig::dpddelay>)},
    {"dpdtimeout", N, false, live, false, "", on_conn(&set_duration<&ConnConfig::dpdtimeout>)},
    {"dpdaction", N, false, live, false, "", on_conn(&set_enum<&ConnConfig::dpdaction>)},
    {"closeaction", N, false, live, false, "", on_conn(&set_enum<&ConnConfig::closeaction>)},
    {"sha256_96", N, false, live, true, "", on_conn(&set_yes_no<&ConnConfig::sha256_96>)},
    {"inactivity", N, false, live, false, "", on_conn(&set_duration<&ConnConfig::inactivity>)},
    {"modeconfig", N, false, v1, false, "", {}},
    {"xauth", N, false, v1, false, "", {}},
    {"xauth_identity", N, false, v1, false, "", {}},
    {"mediation", N, false, live, true, "", on_conn(&set_yes_no<&ConnConfig::mediation>)},
    {"mediated_by", N, false, live, true, "", on_conn(&set_text<&ConnConfig::mediated_by>)},
    {"me_peerid", N, false, live, true, "", on_conn(&set_text<&ConnConfig::me_peerid>)},
    {"reqid", N, false, live, false, "", on_conn(&set_number<&ConnConfig::reqid, kMax32>)},
    {"replay_window", N, false, live, false, "", on_conn(&set_replay_window)},
    {"mark", N, false, live, false, "", on_conn(&set_mark)},
    {"mark_in", N, false, live, false, "", on_conn(&set_one_mark<&ConnConfig::mark_in>)},
    {"mark_out", N, false, live, false, "", on_conn(&set_one_mark<&ConnConfig::mark_out>)},
    {"tfc", N, false, live, true, "", on_conn(&set_tfc)},
};

}  // namespace

std::span<const KeywordEntry> conn_keyword_entries() {
  return kEntries;
}

}  // namespace ike::config::detail
