#include "ike/crypto/pki/certificate_cache.hpp"

#include <algorithm>
#include <cstring>

namespace ike::pki {

std::size_t CertificateCache::DigestHash::operator()(const Sha256Digest& digest) const noexcept {
  // The key is already a cryptographic hash: its first word is uniformly
  // distributed and cannot be steered by a peer.
  std::size_t out = 0;
  std::memcpy(&out, digest.data(), sizeof out);
  return out;
}

CertificateCache::CertificateCache(std::size_t capacity)
    : capacity_(std::max<std::size_t>(1, capacity)) {}

void CertificateCache::touch(Lru::iterator entry) {
  lru_.splice(lru_.begin(), lru_, entry);
}

void CertificateCache::evict_if_full() {
  while (index_.size() >= capacity_ && !lru_.empty()) {
    index_.erase(lru_.back()->fingerprint_sha256());
    lru_.pop_back();
    ++stats_.evictions;
  }
}

Result<CertificatePtr> CertificateCache::get(ByteView der) {
  Sha256Digest fingerprint{};
  if (!digest_into(digests().sha256, der, fingerprint.data()))
    return openssl_error(Errc::crypto_failure, "SHA-256 of certificate");
  if (auto found = index_.find(fingerprint); found != index_.end()) {
    const CertificatePtr& cached = *found->second;
    ByteView cached_der = cached->der();
    // Equal SHA-256 with different bytes cannot be produced in practice; the
    // comparison is cheap and keeps "same object for the same DER" exact.
    if (cached_der.size() == der.size() &&
        std::equal(cached_der.begin(), cached_der.end(), der.begin())) {
      ++stats_.hits;
      touch(found->second);
      return cached;
    }
  }
  ++stats_.misses;
  auto parsed = Certificate::from_der(der);
  if (!parsed) return parsed;
  insert(*parsed);
  return parsed;
}

void CertificateCache::insert(CertificatePtr certificate) {
  if (!certificate) return;
  const Sha256Digest fingerprint = certificate->fingerprint_sha256();
  if (auto found = index_.find(fingerprint); found != index_.end()) {
    *found->second = std::move(certificate);
    touch(found->second);
    return;
  }
  evict_if_full();
  lru_.push_front(std::move(certificate));
  index_.emplace(fingerprint, lru_.begin());
}

CertificatePtr CertificateCache::find(const Sha256Digest& fingerprint) {
  auto found = index_.find(fingerprint);
  if (found == index_.end()) return nullptr;
  touch(found->second);
  return *found->second;
}

void CertificateCache::clear() {
  index_.clear();
  lru_.clear();
}

}  // namespace ike::pki
