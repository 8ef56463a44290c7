#include "runtime/config_records.hpp"

#include <cstdio>
#include <ctime>

#include "ike/proposal/parser.hpp"
#include "ike/ts/subnet_syntax.hpp"

namespace ikev2d::runtime {

using nlohmann::json;

namespace {

std::string address_text(const ike::IpAddress& address, std::uint16_t port) {
  std::string text = address.is_zero() ? std::string("%any") : address.to_string();
  return text + "[" + std::to_string(port) + "]";
}

json proposal_list(const std::vector<ike::proposal::CryptoProposal>& proposals) {
  json list = json::array();
  for (const auto& proposal : proposals)
    list.push_back(ike::proposal::to_string(proposal));
  if (list.empty()) list.push_back("default");
  return list;
}

json template_list(const std::vector<ike::ts::SelectorTemplate>& templates) {
  json list = json::array();
  for (const auto& item : templates)
    list.push_back(item.to_string());
  if (list.empty()) list.push_back("%dynamic");
  return list;
}

std::string hex(ike::ByteView bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  text.reserve(bytes.size() * 2);
  for (auto byte : bytes) {
    text += kDigits[byte >> 4];
    text += kDigits[byte & 15];
  }
  return text;
}

}  // namespace

std::string iso_time(ike::WallTime time) {
  std::time_t whole = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&whole, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
  return text;
}

json connection_record(const setup::ConnectionSetup& setup) {
  const auto& connection = *setup.connection;
  json record = json::object();
  record["type"] = "connection";
  record["name"] = setup.name;
  record["auto"] = std::string(ike::config::name(setup.auto_action));
  record["local"] = address_text(connection.local_address, connection.local_port);
  record["remote"] = address_text(connection.remote_address, connection.remote_port);
  record["local_id"] = connection.local_id.to_string();
  record["remote_id"] = connection.remote_id.to_string();
  record["local_auth"] = std::string(ike::sa::to_string(connection.local_auth));
  record["remote_auth"] = std::string(ike::sa::to_string(connection.remote_auth));
  record["ike_proposals"] = proposal_list(connection.ike_proposals);
  json children = json::array();
  json shared = json::array();
  for (const auto& child : connection.children) {
    if (child.name != setup.name) {
      shared.push_back(child.name);
      continue;
    }
    json entry = json::object();
    entry["name"] = child.name;
    entry["mode"] = std::string(ike::sa::to_string(child.mode));
    entry["local_ts"] = template_list(child.local_ts);
    entry["remote_ts"] = template_list(child.remote_ts);
    entry["esp_proposals"] = proposal_list(child.esp_proposals);
    children.push_back(std::move(entry));
  }
  record["children"] = std::move(children);
  // Sections whose CHILDs come on the same IKE SA (setup/shared_ike_sas.hpp).
  if (!shared.empty()) record["shares_ike_sa_with"] = std::move(shared);
  if (!setup.updown_script.empty()) record["updown"] = setup.updown_script;
  if (setup.source) record["where"] = setup.source->where.to_string();
  return record;
}

json certificate_record(const ike::pki::Certificate& certificate, bool has_private_key) {
  json record = json::object();
  record["type"] = "certificate";
  record["subject"] = certificate.subject();
  record["issuer"] = certificate.issuer();
  record["serial"] = certificate.serial_hex();
  record["not_before"] = iso_time(certificate.not_before());
  record["not_after"] = iso_time(certificate.not_after());
  const auto& fingerprint = certificate.fingerprint_sha256();
  record["fingerprint_sha256"] = hex(ike::ByteView(fingerprint.data(), fingerprint.size()));
  record["has_private_key"] = has_private_key;
  record["is_ca"] = certificate.is_ca();
  return record;
}

}  // namespace ikev2d::runtime
