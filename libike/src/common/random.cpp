#include "ike/random.hpp"

#include <openssl/rand.h>

#include <cstdlib>

namespace ike {

void SystemRandom::fill(std::span<std::uint8_t> out) {
  // A key exchange daemon without randomness must stop, not carry on with
  // guessable nonces and keys.
  if (!out.empty() && RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) std::abort();
}

}  // namespace ike
