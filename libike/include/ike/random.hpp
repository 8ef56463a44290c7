#pragma once
/// Randomness is injected: libike never calls a global generator itself, so
/// tests pin nonces, SPIs, IVs and private keys.

#include <cstdint>
#include <span>

namespace ike {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  /// Fills `out` completely. Production sources abort on failure rather than
  /// return predictable bytes.
  virtual void fill(std::span<std::uint8_t> out) = 0;
};

/// OpenSSL's RAND_bytes; what the daemon injects.
class SystemRandom final : public RandomSource {
 public:
  void fill(std::span<std::uint8_t> out) override;
};

}  // namespace ike
