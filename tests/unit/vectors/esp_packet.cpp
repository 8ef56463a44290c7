#include "esp_packet.hpp"

#include "ike/wire/reader.hpp"

namespace ike::vectors {

namespace {

constexpr std::size_t kSpiAndSequence = 8;

Error malformed(std::string reason) {
  return make_error(Errc::invalid_syntax, "ESP: " + std::move(reason));
}

}  // namespace

Result<EspPlaintext> open_esp(crypto::AeadCipher& cipher, ByteView packet) {
  const std::size_t overhead = kSpiAndSequence + cipher.iv_size() + cipher.tag_size();
  // At least Pad Length and Next Header must be encrypted.
  if (packet.size() < overhead + 2)
    return malformed("packet of " + std::to_string(packet.size()) + " octets is too short");
  EspPlaintext out;
  wire::Reader header(packet.first(kSpiAndSequence));
  if (!header.u32(out.spi) || !header.u32(out.sequence)) return malformed("no SPI");
  const ByteView associated = packet.first(kSpiAndSequence);
  const ByteView iv = packet.subspan(kSpiAndSequence, cipher.iv_size());
  const ByteView ciphertext =
      packet.subspan(kSpiAndSequence + cipher.iv_size(), packet.size() - overhead);
  const ByteView icv = packet.last(cipher.tag_size());
  Bytes plain(ciphertext.begin(), ciphertext.end());
  if (auto opened = cipher.open(iv, associated, plain, icv); !opened) return opened.error();

  out.next_header = plain.back();
  const std::size_t pad_length = plain[plain.size() - 2];
  if (pad_length + 2 > plain.size())
    return malformed("Pad Length " + std::to_string(pad_length) + " exceeds the payload");
  const std::size_t payload_size = plain.size() - 2 - pad_length;
  out.payload.assign(plain.begin(), plain.begin() + static_cast<std::ptrdiff_t>(payload_size));
  out.padding.assign(plain.begin() + static_cast<std::ptrdiff_t>(payload_size), plain.end() - 2);
  return out;
}

std::uint16_t internet_checksum(ByteView data) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < data.size(); i += 2) {
    const std::uint32_t high = data[i];
    const std::uint32_t low = i + 1 < data.size() ? data[i + 1] : 0;
    sum += high << 8 | low;
  }
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

}  // namespace ike::vectors
