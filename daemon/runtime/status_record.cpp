#include "runtime/status_record.hpp"

#include <cstdio>

#include "runtime/json_line.hpp"

namespace ikev2d::runtime {

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

void seconds_until(JsonLine& line, const std::optional<ike::MonoTime>& when, ike::MonoTime now) {
  if (!when) {
    line.null();
  } else if (*when <= now) {
    line.number(std::uint64_t{0});
  } else {
    line.number(static_cast<std::int64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(*when - now).count()));
  }
}

void selector_list(JsonLine& line, const std::vector<ike::ts::TrafficSelector>& selectors) {
  line.begin_array();
  for (const auto& selector : selectors)
    line.string(selector.to_string());
  line.end_array();
}

ike::sa::SaUsage usage_of(ike::sa::Kernel* kernel, bool installed, const ike::sa::SaKey& key) {
  if (kernel == nullptr || !installed) return {};
  auto usage = kernel->query_sa(key);
  return usage ? *usage : ike::sa::SaUsage{};
}

void child_record(JsonLine& line, const ike::sa::IkeSa& sa, const ike::sa::ChildSa& child,
                  ike::sa::Kernel* kernel, ike::MonoTime now) {
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
  line.begin_object();
  line.field("name").string(child.config != nullptr ? child.name() : std::string());
  line.field("serial").number(std::uint64_t{child.serial});
  line.field("state").string(ike::sa::to_string(child.state));
  line.field("mode").string(ike::sa::to_string(child.mode));
  line.field("reqid").number(std::uint64_t{child.reqid});
  line.field("spi_in").string(hex32(child.spi_in));
  line.field("spi_out").string(hex32(child.spi_out));
  line.field("algorithms")
      .string(child.state == ike::sa::ChildState::creating
                  ? std::string()
                  : ike::proposal::describe(child.algorithms));
  line.field("local_ts");
  selector_list(line, child.local_ts);
  line.field("remote_ts");
  selector_list(line, child.remote_ts);
  line.field("encapsulated").boolean(child.encapsulated);
  line.field("bytes_in").number(in.bytes);
  line.field("packets_in").number(in.packets);
  line.field("bytes_out").number(out.bytes);
  line.field("packets_out").number(out.packets);
  line.field("rekey_in_seconds");
  seconds_until(line, child.rekey_at, now);
  if (!child.last_failure.empty()) line.field("last_failure").string(child.last_failure);
  line.end_object();
}

bool was_established(ike::sa::IkeState state) {
  return state != ike::sa::IkeState::created && state != ike::sa::IkeState::connecting;
}

}  // namespace

std::string endpoint_text(const ike::sa::Endpoint& endpoint) {
  return endpoint.address.to_string() + "[" + std::to_string(endpoint.port) + "]";
}

const std::string& IdentityTexts::of(const ike::pki::Identity& identity) {
  std::string key;
  key.reserve(identity.data.size() + 1);
  key.push_back(static_cast<char>(identity.type));
  key.append(identity.data.begin(), identity.data.end());
  if (auto it = texts_.find(key); it != texts_.end()) return it->second;
  if (texts_.size() >= kMaxEntries) texts_.clear();
  return texts_.emplace(std::move(key), identity.to_string()).first->second;
}

std::string ike_sa_record(const ike::sa::IkeSa& sa, ike::sa::Kernel* kernel, ike::MonoTime now,
                          IdentityTexts& identities) {
  JsonLine line;
  line.begin_object();
  line.field("type").string("ike_sa");
  line.field("connection").string(sa.connection ? sa.connection->name : std::string());
  line.field("serial").number(std::uint64_t{sa.serial});
  line.field("state").string(ike::sa::to_string(sa.state));
  line.field("initiator").boolean(sa.initiator);
  line.field("spi_i").string(hex64(sa.spi_i));
  line.field("spi_r").string(hex64(sa.spi_r));
  line.field("local").string(endpoint_text(sa.local));
  line.field("remote").string(endpoint_text(sa.remote));
  // Each text is written before the next lookup, which may start the cache
  // over.
  line.field("local_id")
      .string(sa.connection ? std::string_view(identities.of(sa.connection->local_id))
                            : std::string_view());
  const ike::pki::Identity* remote_id = sa.peer_id      ? &*sa.peer_id
                                        : sa.connection ? &sa.connection->remote_id
                                                        : nullptr;
  line.field("remote_id")
      .string(remote_id ? std::string_view(identities.of(*remote_id)) : std::string_view());
  line.field("algorithms")
      .string(sa.algorithms ? ike::proposal::describe(*sa.algorithms) : std::string());
  std::int64_t established = 0;
  if (was_established(sa.state) && now >= sa.established_at) {
    established = std::chrono::duration_cast<std::chrono::seconds>(now - sa.established_at).count();
  }
  line.field("established_seconds").number(established);
  line.field("rekey_in_seconds");
  seconds_until(line, sa.rekey_at, now);
  line.field("nat_local").boolean(sa.nat_here);
  line.field("nat_remote").boolean(sa.nat_there);
  line.field("children").begin_array();
  for (const auto& child : sa.children)
    child_record(line, sa, child, kernel, now);
  line.end_array();
  if (!sa.last_failure.empty()) line.field("last_failure").string(sa.last_failure);
  line.end_object();
  return line.take();
}

}  // namespace ikev2d::runtime
