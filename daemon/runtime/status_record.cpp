#include "runtime/status_record.hpp"

#include <cstdio>

namespace ikev2d::runtime {

using nlohmann::json;

namespace {

std::string hex64(std::uint64_t value) {
  char text[20];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

std::string hex32(std::uint32_t value) {
  char text[12];
  std::snprintf(text, sizeof text, "%08x", value);
  return text;
}

json seconds_until(const std::optional<ike::MonoTime>& when, ike::MonoTime now) {
  if (!when) return nullptr;
  if (*when <= now) return 0;
  return std::chrono::duration_cast<std::chrono::seconds>(*when - now).count();
}

json selector_list(const std::vector<ike::ts::TrafficSelector>& selectors) {
  json list = json::array();
  for (const auto& selector : selectors)
    list.push_back(selector.to_string());
  return list;
}

ike::sa::SaUsage usage_of(ike::sa::Kernel* kernel, bool installed, const ike::sa::SaKey& key) {
  if (kernel == nullptr || !installed) return {};
  auto usage = kernel->query_sa(key);
  return usage ? *usage : ike::sa::SaUsage{};
}

json child_record(const ike::sa::IkeSa& sa, const ike::sa::ChildSa& child, ike::sa::Kernel* kernel,
                  ike::MonoTime now) {
  ike::sa::Mark mark_in, mark_out;
  if (child.config != nullptr) {
    mark_in = child.config->mark_in;
    mark_out = child.config->mark_out;
  }
  auto in =
      usage_of(kernel, child.inbound_installed,
               ike::sa::SaKey{sa.local.address, child.spi_in, ike::wire::ProtocolId::esp, mark_in});
  auto out = usage_of(
      kernel, child.outbound_installed,
      ike::sa::SaKey{sa.remote.address, child.spi_out, ike::wire::ProtocolId::esp, mark_out});
  json record = json::object();
  record["name"] = child.config != nullptr ? child.name() : std::string();
  record["serial"] = child.serial;
  record["state"] = ike::sa::to_string(child.state);
  record["mode"] = ike::sa::to_string(child.mode);
  record["reqid"] = child.reqid;
  record["spi_in"] = hex32(child.spi_in);
  record["spi_out"] = hex32(child.spi_out);
  record["algorithms"] = child.state == ike::sa::ChildState::creating
                             ? std::string()
                             : ike::proposal::describe(child.algorithms);
  record["local_ts"] = selector_list(child.local_ts);
  record["remote_ts"] = selector_list(child.remote_ts);
  record["encapsulated"] = child.encapsulated;
  record["bytes_in"] = in.bytes;
  record["packets_in"] = in.packets;
  record["bytes_out"] = out.bytes;
  record["packets_out"] = out.packets;
  record["rekey_in_seconds"] = seconds_until(child.rekey_at, now);
  if (!child.last_failure.empty()) record["last_failure"] = child.last_failure;
  return record;
}

bool was_established(ike::sa::IkeState state) {
  return state != ike::sa::IkeState::created && state != ike::sa::IkeState::connecting;
}

}  // namespace

std::string endpoint_text(const ike::sa::Endpoint& endpoint) {
  return endpoint.address.to_string() + "[" + std::to_string(endpoint.port) + "]";
}

json ike_sa_record(const ike::sa::IkeSa& sa, ike::sa::Kernel* kernel, ike::MonoTime now) {
  json record = json::object();
  record["type"] = "ike_sa";
  record["connection"] = sa.connection ? sa.connection->name : std::string();
  record["serial"] = sa.serial;
  record["state"] = ike::sa::to_string(sa.state);
  record["initiator"] = sa.initiator;
  record["spi_i"] = hex64(sa.spi_i);
  record["spi_r"] = hex64(sa.spi_r);
  record["local"] = endpoint_text(sa.local);
  record["remote"] = endpoint_text(sa.remote);
  record["local_id"] = sa.connection ? sa.connection->local_id.to_string() : std::string();
  record["remote_id"] = sa.peer_id      ? sa.peer_id->to_string()
                        : sa.connection ? sa.connection->remote_id.to_string()
                                        : std::string();
  record["algorithms"] = sa.algorithms ? ike::proposal::describe(*sa.algorithms) : std::string();
  record["established_seconds"] =
      was_established(sa.state) && now >= sa.established_at
          ? std::chrono::duration_cast<std::chrono::seconds>(now - sa.established_at).count()
          : 0;
  record["rekey_in_seconds"] = seconds_until(sa.rekey_at, now);
  record["nat_local"] = sa.nat_here;
  record["nat_remote"] = sa.nat_there;
  json children = json::array();
  for (const auto& child : sa.children)
    children.push_back(child_record(sa, child, kernel, now));
  record["children"] = std::move(children);
  if (!sa.last_failure.empty()) record["last_failure"] = sa.last_failure;
  return record;
}

}  // namespace ikev2d::runtime
