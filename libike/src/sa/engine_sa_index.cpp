/// The engine's lookup indexes of IKE SAs (sa_index.hpp): by connection name
/// (commands, ike_sas_of), by peer and by identities (INITIAL_CONTACT,
/// engine_initial_contact.cpp) and by their CHILD SAs' SPIs (kernel expires
/// and mappings), so none of those visits every IKE SA.
///
/// The connection index changes where IKE SAs are created, swept and switch
/// connections. The others follow fields that tasks change (remote address,
/// peer identity, CHILD SAs and their SPIs): every IKE SA an input may
/// change is touched (the timer queue relies on that too), and the end of
/// the input files the touched ones again. sa_index_mismatches() checks all
/// of them against a full scan (the property test does after every input).

#include <algorithm>
#include <set>

#include "engine_impl.hpp"

namespace ike::sa {

std::size_t hash_identity(const pki::Identity& identity) noexcept {
  std::string_view data(reinterpret_cast<const char*>(identity.data.data()), identity.data.size());
  return std::hash<std::string_view>{}(data)*31 + static_cast<std::size_t>(identity.type);
}

namespace {

/// Whether `filed` is what `sa` should be filed under (without copying).
bool filed_as_is(const FiledKeys& filed, const IkeSa& sa) {
  if (sa.state == IkeState::destroying) {
    return !filed.peer && !filed.identities && filed.inbound_spis.empty() &&
           filed.outbound_spis.empty();
  }
  const auto& local_id = sa.connection->local_id;
  if (filed.peer != peer_key(sa.remote.address, local_id)) return false;
  if (filed.identities.has_value() != sa.peer_id.has_value()) return false;
  if (filed.identities && *filed.identities != identity_pair_key(*sa.peer_id, local_id))
    return false;
  std::size_t in = 0;
  std::size_t out = 0;
  for (const auto& child : sa.children) {
    if (child.spi_in != 0) {
      if (in == filed.inbound_spis.size() || filed.inbound_spis[in] != child.spi_in) return false;
      ++in;
    }
    if (child.spi_out != 0) {
      if (out == filed.outbound_spis.size() || filed.outbound_spis[out] != child.spi_out)
        return false;
      ++out;
    }
  }
  return in == filed.inbound_spis.size() && out == filed.outbound_spis.size();
}

FiledKeys keys_of(const IkeSa& sa) {
  FiledKeys keys;
  if (sa.state == IkeState::destroying) return keys;
  keys.peer = peer_key(sa.remote.address, sa.connection->local_id);
  if (sa.peer_id) keys.identities = identity_pair_key(*sa.peer_id, sa.connection->local_id);
  for (const auto& child : sa.children) {
    if (child.spi_in != 0) keys.inbound_spis.push_back(child.spi_in);
    if (child.spi_out != 0) keys.outbound_spis.push_back(child.spi_out);
  }
  return keys;
}

}  // namespace

void Engine::Impl::unfile_keys(const IkeSa& sa) {
  auto it = filed_keys.find(sa.serial);
  if (it == filed_keys.end()) return;
  const auto& filed = it->second;
  if (filed.peer) by_peer.remove(*filed.peer, sa.serial);
  if (filed.identities) by_identities.remove(*filed.identities, sa.serial);
  for (auto spi : filed.inbound_spis)
    by_inbound_spi.remove(spi, sa.serial);
  for (auto spi : filed.outbound_spis)
    by_outbound_spi.remove(spi, sa.serial);
  filed_keys.erase(it);
}

void Engine::Impl::file_keys(const IkeSa& sa) {
  if (auto it = filed_keys.find(sa.serial); it != filed_keys.end() && filed_as_is(it->second, sa))
    return;
  unfile_keys(sa);
  auto keys = keys_of(sa);
  if (keys.peer) by_peer.add(*keys.peer, sa.serial);
  if (keys.identities) by_identities.add(*keys.identities, sa.serial);
  for (auto spi : keys.inbound_spis)
    by_inbound_spi.add(spi, sa.serial);
  for (auto spi : keys.outbound_spis)
    by_outbound_spi.add(spi, sa.serial);
  filed_keys.emplace(sa.serial, std::move(keys));
}

void Engine::Impl::file_touched_keys() {
  for (auto serial : touched) {
    if (auto it = by_serial.find(serial); it != by_serial.end()) file_keys(*it->second);
  }
}

IkeSa* Engine::Impl::live_ike_sa(std::uint32_t serial) const noexcept {
  auto it = by_serial.find(serial);
  if (it == by_serial.end() || it->second->state == IkeState::destroying) return nullptr;
  return it->second;
}

std::vector<std::uint32_t> Engine::Impl::serials_of(std::string_view connection) const {
  const auto& serials = by_connection.find(connection);
  return {serials.begin(), serials.end()};
}

std::optional<Engine::Impl::KernelSaOwner> Engine::Impl::owner_of_kernel_sa(
    const IpAddress& destination, std::uint32_t spi) const {
  // As the full scan did: an IKE SA whose local address is the destination
  // owns it as an inbound SA, any other as an outbound one.
  for (auto serial : by_inbound_spi.find(spi)) {
    auto* sa = live_ike_sa(serial);
    if (!sa || sa->local.address != destination) continue;
    if (auto* child = sa->find_child_by_inbound_spi(spi)) return KernelSaOwner{sa, child, true};
  }
  for (auto serial : by_outbound_spi.find(spi)) {
    auto* sa = live_ike_sa(serial);
    if (!sa || sa->local.address == destination) continue;
    if (auto* child = sa->find_child_by_outbound_spi(spi)) return KernelSaOwner{sa, child, false};
  }
  return std::nullopt;
}

std::vector<std::string> Engine::Impl::sa_index_mismatches() const {
  std::vector<std::string> out;
  std::size_t peers = 0;
  std::size_t identities = 0;
  std::size_t inbound = 0;
  std::size_t outbound = 0;
  for (const auto& [spi, sa] : sas) {
    if (!by_connection.contains(sa->connection->name, sa->serial))
      out.push_back(sa->label() + ": not filed under its connection '" + sa->connection->name +
                    "'");
    auto it = filed_keys.find(sa->serial);
    if (it == filed_keys.end()) {
      out.push_back(sa->label() + ": not filed in the lookup indexes");
      continue;
    }
    const auto& filed = it->second;
    if (filed != keys_of(*sa))
      out.push_back(sa->label() + ": filed under stale keys (peer, identities or CHILD SPIs)");
    if (filed.peer) {
      ++peers;
      if (!by_peer.contains(*filed.peer, sa->serial))
        out.push_back(sa->label() + ": missing from the peer index");
    }
    if (filed.identities) {
      ++identities;
      if (!by_identities.contains(*filed.identities, sa->serial))
        out.push_back(sa->label() + ": missing from the identity index");
    }
    for (auto child_spi : filed.inbound_spis) {
      if (!by_inbound_spi.contains(child_spi, sa->serial))
        out.push_back(sa->label() + ": inbound SPI missing from the index");
    }
    for (auto child_spi : filed.outbound_spis) {
      if (!by_outbound_spi.contains(child_spi, sa->serial))
        out.push_back(sa->label() + ": outbound SPI missing from the index");
    }
    // A SPI repeated within one IKE SA is one entry.
    inbound += std::set<std::uint32_t>(filed.inbound_spis.begin(), filed.inbound_spis.end()).size();
    outbound +=
        std::set<std::uint32_t>(filed.outbound_spis.begin(), filed.outbound_spis.end()).size();
  }
  auto count = [&out](const char* index, std::size_t entries, std::size_t expected) {
    if (entries != expected) {
      out.push_back(std::string(index) + " index holds " + std::to_string(entries) +
                    " entries for " + std::to_string(expected));
    }
  };
  count("connection", by_connection.entries(), sas.size());
  count("filed-keys", filed_keys.size(), sas.size());
  count("peer", by_peer.entries(), peers);
  count("identity", by_identities.entries(), identities);
  count("inbound SPI", by_inbound_spi.entries(), inbound);
  count("outbound SPI", by_outbound_spi.entries(), outbound);
  return out;
}

}  // namespace ike::sa
