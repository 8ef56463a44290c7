#pragma once
/// ESP SPIs as they travel in SA, Delete and Notify payloads: four octets in
/// network order.

#include <cstdint>

#include "ike/bytes.hpp"

namespace ike::sa {

inline Bytes esp_spi_bytes(std::uint32_t spi) {
  return Bytes{static_cast<std::uint8_t>(spi >> 24), static_cast<std::uint8_t>(spi >> 16),
               static_cast<std::uint8_t>(spi >> 8), static_cast<std::uint8_t>(spi)};
}

/// The value of a received SPI; callers check that it has four octets.
inline std::uint32_t esp_spi_value(ByteView bytes) {
  std::uint32_t spi = 0;
  for (auto byte : bytes)
    spi = spi << 8 | byte;
  return spi;
}

}  // namespace ike::sa
