#include "load/spoofed_packet.hpp"

#include <cstring>

namespace ikev2d::load {

namespace {

constexpr std::uint8_t kIpv4VersionAndHeaderWords = 0x45;
constexpr std::uint8_t kTimeToLive = 64;
constexpr std::uint8_t kProtocolUdp = 17;
constexpr std::size_t kIpv4HeaderSize = 20;

void put16(std::uint8_t* out, std::uint16_t value) {
  out[0] = static_cast<std::uint8_t>(value >> 8);
  out[1] = static_cast<std::uint8_t>(value);
}

}  // namespace

std::uint32_t checksum_add(std::span<const std::uint8_t> data, std::uint32_t sum) noexcept {
  std::size_t i = 0;
  for (; i + 1 < data.size(); i += 2)
    sum += std::uint32_t{data[i]} << 8 | data[i + 1];
  if (i < data.size()) sum += std::uint32_t{data[i]} << 8;
  return sum;
}

std::uint16_t checksum_finish(std::uint32_t sum) noexcept {
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

void write_ipv4_udp_headers(std::span<std::uint8_t> packet, const ike::sa::Endpoint& source,
                            const ike::sa::Endpoint& destination, std::uint16_t identification) {
  std::uint8_t* ip = packet.data();
  auto total = static_cast<std::uint16_t>(packet.size());
  auto udp_length = static_cast<std::uint16_t>(packet.size() - kIpv4HeaderSize);
  ip[0] = kIpv4VersionAndHeaderWords;
  ip[1] = 0;  // DSCP/ECN
  put16(ip + 2, total);
  put16(ip + 4, identification);
  put16(ip + 6, 0);  // no flags, fragment offset 0
  ip[8] = kTimeToLive;
  ip[9] = kProtocolUdp;
  put16(ip + 10, 0);
  std::memcpy(ip + 12, source.address.bytes().data(), 4);
  std::memcpy(ip + 16, destination.address.bytes().data(), 4);
  put16(ip + 10, checksum_finish(checksum_add({ip, kIpv4HeaderSize})));

  std::uint8_t* udp = ip + kIpv4HeaderSize;
  put16(udp, source.port);
  put16(udp + 2, destination.port);
  put16(udp + 4, udp_length);
  put16(udp + 6, 0);
  // RFC 768: the pseudo header (addresses, zero, protocol, UDP length), then
  // the UDP header and data; a computed 0 goes out as 0xFFFF.
  std::uint32_t sum = checksum_add({ip + 12, 8});
  sum += kProtocolUdp;
  sum += udp_length;
  sum = checksum_add({udp, udp_length}, sum);
  std::uint16_t checksum = checksum_finish(sum);
  put16(udp + 6, checksum == 0 ? 0xffff : checksum);
}

}  // namespace ikev2d::load
