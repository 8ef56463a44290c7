#pragma once
/// Lookup indexes of IKE SAs (engine_sa_index.cpp keeps them): each maps a
/// key (a connection name, a peer, an inbound SPI) to the serials of the IKE
/// SAs filed under it, so that commands and kernel events find their IKE SA
/// without visiting every IKE SA. Serials, not pointers: an entry is looked
/// up in Engine::Impl::by_serial and checked against the IKE SA itself.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ike/crypto/pki/identity.hpp"
#include "ike/ts/ip_address.hpp"

namespace ike::sa {

/// Serials by key, ascending (an engine's serials grow with creation, so
/// the oldest IKE SA comes first). O(log n) to add or remove one, also when
/// thousands of IKE SAs share a key (a responder's road-warrior connection).
template <class Key, class Hash = std::hash<Key>, class Equal = std::equal_to<>>
class SerialIndex {
 public:
  template <class K>
  void add(const K& key, std::uint32_t serial) {
    auto it = by_key_.find(key);
    if (it == by_key_.end()) it = by_key_.emplace(Key(key), std::set<std::uint32_t>{}).first;
    if (it->second.insert(serial).second) ++entries_;
  }
  /// Removes the entry; false when (key, serial) was not filed.
  template <class K>
  bool remove(const K& key, std::uint32_t serial) {
    auto it = by_key_.find(key);
    if (it == by_key_.end() || it->second.erase(serial) == 0) return false;
    if (it->second.empty()) by_key_.erase(it);
    --entries_;
    return true;
  }
  template <class K>
  const std::set<std::uint32_t>& find(const K& key) const {
    static const std::set<std::uint32_t> none;
    auto it = by_key_.find(key);
    return it == by_key_.end() ? none : it->second;
  }
  template <class K>
  bool contains(const K& key, std::uint32_t serial) const {
    return find(key).contains(serial);
  }
  /// Entries under all keys.
  std::size_t entries() const noexcept { return entries_; }

 private:
  std::unordered_map<Key, std::set<std::uint32_t>, Hash, Equal> by_key_;
  std::size_t entries_ = 0;
};

/// Hashes std::string and std::string_view alike (heterogeneous lookup).
struct NameHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view name) const noexcept {
    return std::hash<std::string_view>{}(name);
  }
};

std::size_t hash_identity(const pki::Identity& identity) noexcept;

/// has_other_ike_sa_to_peer's question: the peer's address and our identity.
struct PeerKey {
  IpAddress address;
  pki::Identity local_id;
  friend bool operator==(const PeerKey&, const PeerKey&) = default;
};
struct PeerKeyHash {
  std::size_t operator()(const PeerKey& key) const noexcept {
    return std::hash<IpAddress>{}(key.address) * 31 + hash_identity(key.local_id);
  }
};

/// drop_ike_sas_replaced_by's question: both identities.
struct IdentityPair {
  pki::Identity peer_id;
  pki::Identity local_id;
  friend bool operator==(const IdentityPair&, const IdentityPair&) = default;
};
struct IdentityPairHash {
  std::size_t operator()(const IdentityPair& key) const noexcept {
    return hash_identity(key.peer_id) * 31 + hash_identity(key.local_id);
  }
};

/// What one IKE SA is filed under in the indexes that follow its state
/// (everything but the connection name): as of the end of the last input
/// that touched it. A destroying IKE SA is filed under nothing.
struct FiledKeys {
  std::optional<PeerKey> peer;
  std::optional<IdentityPair> identities;
  /// Nonzero SPIs of its CHILD SAs, in the order of IkeSa::children (a
  /// repeated SPI is filed once).
  std::vector<std::uint32_t> inbound_spis;
  std::vector<std::uint32_t> outbound_spis;
  friend bool operator==(const FiledKeys&, const FiledKeys&) = default;
};

}  // namespace ike::sa
