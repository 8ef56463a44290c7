// Per-side keywords: leftX and rightX are one table entry each.
#include "config/handler_templates.hpp"
#include "config/keyword_table.hpp"

namespace ike::config::detail {
namespace {

Status set_host(EndConfig& end, std::string_view text) {
  auto host = parse_host(text);
  if (!host) return std::move(host).error();
  end.host = std::move(*host);
  return {};
}

Status set_ikeport(EndConfig& end, std::string_view text) {
  auto port = parse_unsigned(text, 65535);
  if (!port || *port == 0) return invalid_value("expected a port from 1 to 65535");
  end.ikeport = static_cast<std::uint16_t>(*port);
  return {};
}

/// The list is parsed here without leftprotoport (so that an error points at
/// this line); finish_conn() parses it again with the side's leftprotoport.
Status set_subnets(EndConfig& end, std::string_view text) {
  auto subnets = ts::parse_subnet_list(text);
  if (!subnets) return std::move(subnets).error();
  end.subnet_text = std::string(text);
  end.subnets = std::move(*subnets);
  return {};
}

Status set_protoport(EndConfig& end, std::string_view text) {
  auto protoport = ts::parse_protoport(text);
  if (!protoport) return std::move(protoport).error();
  end.protoport_text = std::string(text);
  end.protoport = *protoport;
  return {};
}

Status set_id(EndConfig& end, std::string_view text) {
  auto identity = pki::Identity::parse(text);
  if (!identity) return std::move(identity).error();
  end.id = std::string(text);
  end.identity = std::move(*identity);
  return {};
}

/// leftid2 is stored only, but a typo in it is still worth an error.
Status set_id2(EndConfig& end, std::string_view text) {
  auto identity = pki::Identity::parse(text);
  if (!identity) return std::move(identity).error();
  end.id2 = std::string(text);
  return {};
}

/// leftca=%same or a DN.
template <auto Member>
Status set_ca(EndConfig& end, std::string_view text) {
  if (text != "%same") {
    auto dn = pki::parse_dn(text);
    if (!dn) return std::move(dn).error();
  }
  end.*Member = std::string(text);
  return {};
}

Status set_auth(EndConfig& end, std::string_view text) {
  auto auth = parse_auth(text);
  if (!auth) return std::move(auth).error();
  end.auth = std::move(*auth);
  end.auth_explicit = true;
  return {};
}

Status set_auth2(EndConfig& end, std::string_view text) {
  auto auth = parse_auth(text);
  if (!auth) return std::move(auth).error();
  end.auth2 = std::move(*auth);
  return {};
}

Status set_sendcert(EndConfig& end, std::string_view text) {
  if (text == "yes") text = "always";
  if (text == "no") text = "never";
  if (auto value = parse_enum_name<SendCert>(text)) {
    end.sendcert = *value;
    return {};
  }
  return invalid_value("expected never (or no), ifasked, or always (or yes)");
}

constexpr KeywordHandler on_end(Status (*apply)(EndConfig&, std::string_view)) {
  return KeywordHandler{nullptr, nullptr, nullptr, apply};
}

constexpr auto N = SectionKind::conn;
constexpr auto live = KeywordStatus::live;

constexpr KeywordEntry kEntries[] = {
    {"", N, true, live, false, "", on_end(&set_host)},
    {"ikeport", N, true, live, false, "", on_end(&set_ikeport)},
    {"subnet", N, true, live, false, "", on_end(&set_subnets)},
    {"subnetwithin", N, true, live, false, "subnet", {}},
    {"protoport", N, true, live, false, "", on_end(&set_protoport)},
    {"sourceip", N, true, live, false, "", on_end(&set_list<&EndConfig::sourceip>)},
    {"dns", N, true, live, true, "", on_end(&set_list<&EndConfig::dns>)},
    {"firewall", N, true, live, true, "", on_end(&set_yes_no<&EndConfig::firewall>)},
    {"hostaccess", N, true, live, true, "", on_end(&set_yes_no<&EndConfig::hostaccess>)},
    {"allowany", N, true, live, true, "", on_end(&set_yes_no<&EndConfig::allowany>)},
    {"updown", N, true, live, false, "", on_end(&set_text<&EndConfig::updown>)},
    {"auth", N, true, live, false, "", on_end(&set_auth)},
    {"auth2", N, true, live, true, "", on_end(&set_auth2)},
    {"id", N, true, live, false, "", on_end(&set_id)},
    {"id2", N, true, live, true, "", on_end(&set_id2)},
    {"sigkey", N, true, live, true, "", on_end(&set_text<&EndConfig::sigkey>)},
    {"rsasigkey", N, true, live, true, "sigkey", {}},
    {"cert", N, true, live, false, "", on_end(&set_text<&EndConfig::cert>)},
    {"cert2", N, true, live, true, "", on_end(&set_text<&EndConfig::cert2>)},
    {"certpolicy", N, true, live, true, "", on_end(&set_list<&EndConfig::certpolicy>)},
    {"sendcert", N, true, live, false, "", on_end(&set_sendcert)},
    {"ca", N, true, live, false, "", on_end(&set_ca<&EndConfig::ca>)},
    {"ca2", N, true, live, true, "", on_end(&set_ca<&EndConfig::ca2>)},
    {"groups", N, true, live, true, "", on_end(&set_text<&EndConfig::groups>)},
    {"groups2", N, true, live, true, "", on_end(&set_text<&EndConfig::groups2>)},
};

}  // namespace

std::span<const KeywordEntry> end_keyword_entries() {
  return kEntries;
}

}  // namespace ike::config::detail
