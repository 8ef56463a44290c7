#include "prf_cache.hpp"

namespace ike::sa {

Result<crypto::Prf> PrfCache::get(wire::PrfAlgorithm algorithm) {
  for (auto& entry : entries_) {
    if (entry && entry->algorithm == algorithm) return entry->prf;
  }
  auto prf = crypto::Prf::create(algorithm);
  if (!prf) return std::move(prf).error();
  for (auto& entry : entries_) {
    if (!entry) {
      entry.emplace(Entry{algorithm, *prf});
      break;
    }
  }
  return prf;
}

}  // namespace ike::sa
