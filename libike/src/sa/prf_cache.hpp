#pragma once
/// One keyless PRF per algorithm for the whole engine. A Prf holds a
/// prepared HMAC context of about 700 bytes and is immutable, so IKE SAs
/// share it instead of each fetching and preparing its own (issue 6: heap
/// per IKE SA; DESIGN.md "Scale": fetch once).

#include <array>
#include <optional>

#include "ike/crypto/prf.hpp"
#include "ike/error.hpp"
#include "ike/wire/types.hpp"

namespace ike::sa {

class PrfCache {
 public:
  /// The engine's Prf for `algorithm`, prepared on first use.
  Result<crypto::Prf> get(wire::PrfAlgorithm algorithm);

 private:
  struct Entry {
    wire::PrfAlgorithm algorithm;
    crypto::Prf prf;
  };
  /// HMAC-SHA2-256/384/512: at most three.
  std::array<std::optional<Entry>, 3> entries_;
};

}  // namespace ike::sa
