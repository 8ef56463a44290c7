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

/// The keys of the peer and identity indexes are hashes, not copies of
/// addresses and identities: a copy per IKE SA (a DN is 100 octets and
/// more) cost several hundred octets of heap each, and every lookup checks
/// the IKE SAs it finds against the fields anyway, so a collision only
/// costs that check.
///
/// has_other_ike_sa_to_peer's question: the peer's address and our identity.
inline std::size_t peer_key(const IpAddress& address, const pki::Identity& local_id) noexcept {
  return std::hash<IpAddress>{}(address)*31 + hash_identity(local_id);
}
/// drop_ike_sas_replaced_by's question: both identities.
inline std::size_t identity_pair_key(const pki::Identity& peer_id,
                                     const pki::Identity& local_id) noexcept {
  return hash_identity(peer_id) * 31 + hash_identity(local_id);
}

/// What one IKE SA is filed under in the indexes that follow its state
/// (everything but the connection name): as of the end of the last input
/// that touched it. A destroying IKE SA is filed under nothing.
struct FiledKeys {
  std::optional<std::size_t> peer;        ///< peer_key()
  std::optional<std::size_t> identities;  ///< identity_pair_key()
  /// Nonzero SPIs of its CHILD SAs, in the order of IkeSa::children (a
  /// repeated SPI is filed once).
  std::vector<std::uint32_t> inbound_spis;
  std::vector<std::uint32_t> outbound_spis;
  friend bool operator==(const FiledKeys&, const FiledKeys&) = default;
};

}  // namespace ike::sa
