// Settings the engine cannot honour. The line between an error and a warning:
// a setting is refused when running without it would accept peers or traffic
// the operator meant to exclude, or protect traffic differently than asked
// (AH instead of ESP, no second authentication round); it is accepted with a
// warning when only a convenience or an optimisation is lost.

#include "ike/ts/subnet_syntax.hpp"
#include "setup/connection_mapping.hpp"
#include "setup/messages.hpp"

namespace ikev2d::setup::detail {
namespace {

using ike::config::AuthMethod;
using ike::config::ConnConfig;
using ike::config::ConnType;
using ike::config::EndConfig;

class SettingsCheck {
 public:
  SettingsCheck(const ConnConfig& conn, const ResolvedEnds& ends,
                std::vector<std::string>& warnings)
      : conn_(conn), ends_(ends), warnings_(warnings) {}

  ike::Status run() {
    if (auto status = check_type(); !status) return status;
    if (auto status = check_auth(); !status) return status;
    if (auto status = check_protection(); !status) return status;
    if (auto status = check_ends(); !status) return status;
    if (auto status = check_transport_selectors(); !status) return status;
    warn_conn_level();
    return {};
  }

 private:
  ike::Status refuse(const std::string& keyword, const std::string& text) const {
    return conn_error(conn_, keyword, text);
  }

  void warn(const std::string& keyword, const std::string& text) {
    warnings_.push_back(conn_message(conn_, keyword, text));
  }

  void warn_if_written(const std::string& keyword, const std::string& text) {
    if (is_written(conn_, keyword)) warn(keyword, text);
  }

  ike::Status check_type() const {
    switch (conn_.type) {
      case ConnType::tunnel:
      case ConnType::transport:
        return {};
      case ConnType::transport_proxy:
        return refuse("type", "type=transport_proxy (Mobile IPv6) is not supported");
      default:
        return refuse("type", "type=" + ike::config::to_string(conn_.type) +
                                  ": bypass and drop policies are not supported yet; install "
                                  "them with `ip xfrm policy` meanwhile");
    }
  }

  ike::Status check_auth() const {
    if (conn_.authby == ike::config::AuthBy::never) {
      return refuse("authby",
                    "authby=never: such a conn can never be negotiated (it only "
                    "serves type=pass/drop, which are not supported)");
    }
    for (const auto* end : {ends_.local, ends_.remote}) {
      const auto& side = end == ends_.local ? ends_.local_side : ends_.remote_side;
      auto method = end->auth.method;
      auto keyword = end->auth_explicit ? side + "auth" : std::string("authby");
      if (method == AuthMethod::eap) {
        return refuse(keyword, side + "auth=" + end->auth.text + ": EAP is not supported");
      }
      if (method == AuthMethod::null) {
        return refuse(keyword, side +
                                   "auth=null: NULL authentication (RFC 7619) is not "
                                   "supported");
      }
      if (end->auth2) {
        return refuse(side + "auth2", side + "auth2=" + end->auth2->text +
                                          ": a second authentication round (RFC 4739) is not "
                                          "supported");
      }
    }
    return {};
  }

  ike::Status check_protection() const {
    if (!conn_.ah.empty()) {
      return refuse("ah", "ah=" + conn_.ah + ": AH is not supported, only ESP");
    }
    for (const auto* keyword : {"mark_in", "mark_out"}) {
      const auto& mark = std::string(keyword) == "mark_in" ? conn_.mark_in : conn_.mark_out;
      if (mark && mark->kind != ike::config::MarkKind::fixed) {
        auto written = is_written(conn_, keyword) ? std::string(keyword) : std::string("mark");
        return refuse(written, written + "=" + ike::config::to_string(mark->kind) +
                                   ": unique marks are not supported; give a fixed value");
      }
    }
    return {};
  }

  ike::Status check_ends() {
    const auto& local = *ends_.local;
    const auto& remote = *ends_.remote;
    const auto& l = ends_.local_side;
    const auto& r = ends_.remote_side;
    for (const auto* end : {&local, &remote}) {
      const auto& side = end == &local ? l : r;
      if (!end->sigkey.empty() && end->sigkey != "%cert") {
        return refuse(side + "sigkey",
                      side + "sigkey: raw public keys are not supported; use certificates");
      }
    }
    if (!remote.groups.empty()) {
      return refuse(r + "groups", r + "groups=" + remote.groups +
                                      ": group membership constraints are not supported");
    }
    if (!remote.certpolicy.empty()) {
      return refuse(r + "certpolicy",
                    r + "certpolicy: certificate policy constraints are not enforced, so the "
                        "setting is refused rather than ignored");
    }
    for (const auto* end : {&local, &remote}) {
      const auto& side = end == &local ? l : r;
      if (!end->sourceip.empty()) {
        warn(side + "sourceip", side +
                                    "sourceip: virtual IPs (configuration payloads) are not "
                                    "supported yet; ignored");
      }
      if (!end->dns.empty()) warn(side + "dns", side + "dns: not supported yet; ignored");
      if (end->allowany) warn(side + "allowany", side + "allowany: not supported; ignored");
      if (!end->id2.empty() || !end->cert2.empty() || !end->ca2.empty()) {
        warn(side + "id2", side + "id2/" + side + "cert2/" + side +
                               "ca2 are only used by a second authentication round, which is "
                               "not supported; ignored");
      }
    }
    if (local.firewall && local.updown.empty()) {
      warn(l + "firewall", l + "firewall=yes: there is no default _updown script; set " + l +
                               "updown to a script that opens the firewall");
    }
    if (!local.certpolicy.empty()) warn(l + "certpolicy", l + "certpolicy: ignored");
    if (!local.groups.empty()) warn(l + "groups", l + "groups: ignored");
    if (!remote.updown.empty()) {
      warn(r + "updown", r + "updown: only the local side's script runs (" + l + "updown)");
    }
    return {};
  }

  /// Transport mode carries traffic between the two hosts only (RFC 4301
  /// 4.1), so a configured subnet there is a mistake, not a narrowing.
  ike::Status check_transport_selectors() const {
    if (conn_.type != ConnType::transport) return {};
    for (const auto* end : {ends_.local, ends_.remote}) {
      const auto& side = end == ends_.local ? ends_.local_side : ends_.remote_side;
      for (const auto& item : end->subnets) {
        if (item.dynamic || item.selector.is_host()) continue;
        return refuse(side + "subnet",
                      "type=transport protects only traffic between the two "
                      "hosts; " +
                          side + "subnet item " + item.to_string() + " is not a single address");
      }
    }
    return {};
  }

  void warn_conn_level() {
    if (conn_.compress) warn("compress", "compress=yes: IPComp is not supported; SAs go without");
    if (conn_.mobike)
      warn_if_written("mobike",
                      "mobike=yes: MOBIKE (RFC 4555) is not supported "
                      "yet; it stays off");
    if (conn_.reauth) {
      warn_if_written("reauth",
                      "reauth=yes: IKE SAs are rekeyed (RFC 7296 2.18), not "
                      "reauthenticated");
    }
    for (const char* keyword : {"lifebytes", "marginbytes", "lifepackets", "marginpackets"}) {
      warn_if_written(keyword, std::string(keyword) +
                                   ": volume-based lifetimes are not supported yet; CHILD SAs "
                                   "are rekeyed by time only");
    }
    warn_if_written("inactivity", "inactivity: idle CHILD SAs are not closed (not supported yet)");
    warn_if_written("ikedscp", "ikedscp: IKE packets are sent without DSCP marking");
    warn_if_written("tfc", "tfc: traffic flow confidentiality padding is not supported; ignored");
    if (conn_.sha256_96) {
      warn("sha256_96",
           "sha256_96=yes: the non-standard 96-bit HMAC-SHA-256 truncation is not "
           "supported; SAs use the RFC 4868 128-bit ICV");
    }
    warn_if_written("eap_identity", "eap_identity: EAP is not supported; ignored");
    warn_if_written("aaa_identity", "aaa_identity: EAP is not supported; ignored");
    for (const char* keyword : {"mediation", "mediated_by", "me_peerid"}) {
      warn_if_written(keyword, std::string(keyword) +
                                   ": the mediation extension is not "
                                   "supported; ignored");
    }
  }

  const ConnConfig& conn_;
  const ResolvedEnds& ends_;
  std::vector<std::string>& warnings_;
};

}  // namespace

ike::Status check_settings(const ConnConfig& conn, const ResolvedEnds& ends,
                           std::vector<std::string>& warnings) {
  return SettingsCheck(conn, ends, warnings).run();
}

}  // namespace ikev2d::setup::detail
