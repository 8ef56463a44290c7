// Whole-conn rules, applied after %default and also= are merged.
#include "config/conn_builder.hpp"
#include "config/include_guard.hpp"

namespace ike::config {

Location ConnConfig::origin_of(const std::string& keyword) const {
  auto it = origins.find(keyword);
  return it == origins.end() ? where : it->second;
}

const ConnConfig* Config::find_conn(const std::string& name) const {
  for (const auto& conn : conns) {
    if (conn.name == name) return &conn;
  }
  return nullptr;
}

namespace detail {
namespace {

/// "9m", "3h", "90s": the largest unit that divides the time exactly.
std::string format_duration(std::chrono::seconds time) {
  auto seconds = time.count();
  if (seconds != 0 && seconds % 86400 == 0) return std::to_string(seconds / 86400) + "d";
  if (seconds != 0 && seconds % 3600 == 0) return std::to_string(seconds / 3600) + "h";
  if (seconds != 0 && seconds % 60 == 0) return std::to_string(seconds / 60) + "m";
  return std::to_string(seconds) + "s";
}

/// Without leftauth=, the method follows authby= (strongSwan: pubkey by
/// default; psk/secret means PSK on both sides).
void derive_auth(EndConfig& end, const std::optional<AuthBy>& authby) {
  if (end.auth_explicit) return;
  end.auth = AuthSpec{};
  if (authby == AuthBy::psk) end.auth.method = AuthMethod::psk;
  if (authby == AuthBy::rsasig) end.auth.text = "rsa";
  if (authby == AuthBy::ecdsasig) end.auth.text = "ecdsa";
}

/// Which of two keywords to blame: the one written in the conn's chain,
/// preferring `first`.
Location blame(const ConnConfig& conn, const std::string& first, const std::string& second) {
  if (conn.origins.count(first)) return conn.origins.at(first);
  return conn.origin_of(second);
}

/// Rekeying starts margintime (plus up to rekeyfuzz % of it) before the
/// lifetime ends, so a margin that is not shorter than the lifetime means
/// rekeying at once, forever.
Status check_margin(const ConnConfig& conn, std::chrono::seconds lifetime,
                    const std::string& lifetime_keyword, std::vector<Warning>& warnings) {
  auto where = blame(conn, "margintime", lifetime_keyword);
  auto prefix = "conn " + conn.name + ": ";
  if (conn.margintime >= lifetime) {
    return error_at(where, prefix + "margintime (" + format_duration(conn.margintime) +
                               ") must be shorter than " + lifetime_keyword + " (" +
                               format_duration(lifetime) + ")");
  }
  auto fuzzed = conn.margintime.count() + conn.margintime.count() * conn.rekeyfuzz / 100;
  if (fuzzed >= lifetime.count()) {
    warnings.push_back({where, prefix + "margintime (" + format_duration(conn.margintime) +
                                   ") plus rekeyfuzz (" + std::to_string(conn.rekeyfuzz) +
                                   "%) can reach " + lifetime_keyword + " (" +
                                   format_duration(lifetime) + "): rekeying may start at once"});
  }
  return {};
}

/// leftprotoport applies to the leftsubnet items without brackets, so the
/// list is parsed again once both are known.
Status apply_protoport(const ConnConfig& conn, EndConfig& end, const std::string& side) {
  if (end.subnet_text.empty()) {
    end.subnets = ts::default_side_selectors(end.protoport);
    return {};
  }
  auto subnets = ts::parse_subnet_list(end.subnet_text, end.protoport);
  if (!subnets) {
    return error_at(conn.origin_of(side + "subnet"), "conn " + conn.name + ": " + side +
                                                         "subnet with " + side +
                                                         "protoport: " + subnets.error().reason);
  }
  end.subnets = std::move(*subnets);
  return {};
}

}  // namespace

Status finish_conn(ConnConfig& conn, std::vector<Warning>& warnings) {
  derive_auth(conn.left, conn.authby);
  derive_auth(conn.right, conn.authby);
  if (auto status = apply_protoport(conn, conn.left, "left"); !status) return status;
  if (auto status = apply_protoport(conn, conn.right, "right"); !status) return status;
  if (!conn.rekey) return {};
  if (auto status = check_margin(conn, conn.lifetime, "lifetime", warnings); !status) return status;
  return check_margin(conn, conn.ikelifetime, "ikelifetime", warnings);
}

}  // namespace detail
}  // namespace ike::config
