#pragma once
/// A bounded cache of parsed certificates keyed by the SHA-256 of their DER,
/// so a peer that reconnects (or thousands of peers sharing one intermediate)
/// cost one hash per CERT payload instead of an OpenSSL decode (DESIGN.md
/// "Scale": 41 % of charon's handshake CPU was re-parsing certificates).
///
/// Not internally synchronised: the daemon gives each worker shard its own
/// cache (no locks on the hot path). The certificates it hands out are
/// immutable and may be shared across threads freely.

#include <cstddef>
#include <cstdint>
#include <list>
#include <unordered_map>

#include "ike/crypto/pki/certificate.hpp"

namespace ike::pki {

class CertificateCache {
 public:
  struct Stats {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
    std::uint64_t evictions = 0;
  };

  /// `capacity` parsed certificates at most (at least 1); the least recently
  /// used one is evicted first.
  explicit CertificateCache(std::size_t capacity = 4096);

  /// The certificate for `der`: the cached object when this DER was seen
  /// before (same pointer), else parsed and inserted. Parse failures are not
  /// cached and return Errc::certificate_unusable.
  Result<CertificatePtr> get(ByteView der);

  /// Inserts an already parsed certificate (our own, the CAs) so that peers
  /// sending them back hit the cache.
  void insert(CertificatePtr certificate);

  /// The cached certificate with this fingerprint, or null; does not parse.
  CertificatePtr find(const Sha256Digest& fingerprint);

  std::size_t size() const noexcept { return index_.size(); }
  std::size_t capacity() const noexcept { return capacity_; }
  const Stats& stats() const noexcept { return stats_; }
  void clear();

 private:
  struct DigestHash {
    std::size_t operator()(const Sha256Digest& digest) const noexcept;
  };
  using Lru = std::list<CertificatePtr>;

  void touch(Lru::iterator entry);
  void evict_if_full();

  std::size_t capacity_;
  Lru lru_;  // front = most recently used
  std::unordered_map<Sha256Digest, Lru::iterator, DigestHash> index_;
  Stats stats_;
};

}  // namespace ike::pki
