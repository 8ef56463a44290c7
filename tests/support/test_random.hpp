#pragma once
/// Deterministic randomness for tests: a counter run through SHA-256, so
/// every run with the same seed yields the same nonces, SPIs, IVs and keys.

#include <cstdint>
#include <deque>

#include "ike/bytes.hpp"
#include "ike/random.hpp"

namespace ike::test {

class SeededRandom final : public RandomSource {
 public:
  explicit SeededRandom(std::uint64_t seed) : seed_(seed) {}
  void fill(std::span<std::uint8_t> out) override;

 private:
  std::uint64_t seed_;
  std::uint64_t counter_ = 0;
};

/// Hands out queued byte strings first (to pin a specific nonce or key), then
/// falls back to a seeded stream.
class ScriptedRandom final : public RandomSource {
 public:
  explicit ScriptedRandom(std::uint64_t seed = 1) : fallback_(seed) {}
  void push(Bytes next) { queued_.push_back(std::move(next)); }
  void fill(std::span<std::uint8_t> out) override;

 private:
  std::deque<Bytes> queued_;
  SeededRandom fallback_;
};

/// Hex literal for tests; aborts the test binary on malformed input.
Bytes hex(std::string_view text);

}  // namespace ike::test
