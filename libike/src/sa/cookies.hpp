#pragma once
/// Stateless IKE_SA_INIT cookies (RFC 7296 2.6): once too many SAs are half
/// open, a responder answers IKE_SA_INIT requests without a valid COOKIE with
/// N(COOKIE) and keeps nothing, so a flood of spoofed requests costs it no
/// memory. The cookie is the RFC's suggestion:
///
///   Cookie = <VersionIDofSecret> | Hash(Ni | IPi | SPIi | <secret>)
///
/// with a 4-byte big-endian secret version and SHA-256. The secret comes from
/// the engine's RandomSource and is replaced every `rotation` interval; the
/// previous one stays valid, so a cookie handed out just before a rotation
/// still works when the initiator comes back with it.

#include <cstdint>
#include <optional>

#include "ike/bytes.hpp"
#include "ike/random.hpp"
#include "ike/sa/time.hpp"
#include "ike/ts/ip_address.hpp"

namespace ike::sa {

class CookieJar {
 public:
  static constexpr std::size_t kVersionSize = 4;
  static constexpr std::size_t kCookieSize = kVersionSize + 32;

  CookieJar(RandomSource& random, Duration rotation) : random_(random), rotation_(rotation) {}

  /// The cookie for this initiator at `now` (rotating the secret when due).
  Bytes make(ByteView nonce_i, const IpAddress& initiator, std::uint64_t spi_i, MonoTime now);
  /// True when `cookie` was made by make() for the same inputs with the
  /// current or the previous secret.
  bool verify(ByteView cookie, ByteView nonce_i, const IpAddress& initiator, std::uint64_t spi_i,
              MonoTime now);

 private:
  struct Secret {
    std::uint32_t version = 0;
    Bytes value;
  };
  void rotate_if_due(MonoTime now);
  static Bytes compute(const Secret& secret, ByteView nonce_i, const IpAddress& initiator,
                       std::uint64_t spi_i);

  RandomSource& random_;
  Duration rotation_;
  std::optional<Secret> current_;
  std::optional<Secret> previous_;
  MonoTime rotated_at_{};
};

}  // namespace ike::sa
