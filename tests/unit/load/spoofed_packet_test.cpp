// The IPv4 + UDP headers of a spoofed flood packet: fields in place, both
// checksums verify (RFC 1071: the sum over a correct header is all ones),
// and the RFC 1071 worked example.

#include <gtest/gtest.h>

#include "load/spoofed_packet.hpp"

namespace ikev2d::load {
namespace {

using ike::IpAddress;

TEST(Checksum, Rfc1071Example) {
  // RFC 1071 3: 0001 f203 f4f5 f6f7 sums to ddf2 (folded); its complement.
  std::vector<std::uint8_t> data{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(checksum_finish(checksum_add(data)), static_cast<std::uint16_t>(~0xddf2));
  // An odd length pads with a zero octet.
  std::vector<std::uint8_t> odd{0x01, 0x02, 0x03};
  EXPECT_EQ(checksum_finish(checksum_add(odd)), static_cast<std::uint16_t>(~0x0402));
}

TEST(SpoofedPacket, HeadersCarryTheEndpointsAndVerify) {
  std::vector<std::uint8_t> packet(kIpv4UdpHeaderSize + 5);
  const std::uint8_t payload[] = {'h', 'e', 'l', 'l', 'o'};
  std::copy(std::begin(payload), std::end(payload), packet.begin() + kIpv4UdpHeaderSize);
  ike::sa::Endpoint source{IpAddress::v4(10, 66, 1, 2), 500};
  ike::sa::Endpoint destination{IpAddress::v4(10, 99, 0, 2), 4500};
  write_ipv4_udp_headers(packet, source, destination, 0x1234);

  EXPECT_EQ(packet[0], 0x45);
  EXPECT_EQ(packet[2] << 8 | packet[3], 33);  // total length
  EXPECT_EQ(packet[4] << 8 | packet[5], 0x1234);
  EXPECT_EQ(packet[8], 64);  // TTL
  EXPECT_EQ(packet[9], 17);  // UDP
  EXPECT_EQ(std::vector<std::uint8_t>(packet.begin() + 12, packet.begin() + 20),
            (std::vector<std::uint8_t>{10, 66, 1, 2, 10, 99, 0, 2}));
  EXPECT_EQ(packet[20] << 8 | packet[21], 500);
  EXPECT_EQ(packet[22] << 8 | packet[23], 4500);
  EXPECT_EQ(packet[24] << 8 | packet[25], 13);  // UDP length

  // IP header checksum: the sum over the header with it included is 0xffff.
  EXPECT_EQ(checksum_finish(checksum_add({packet.data(), 20})), 0);
  // UDP: pseudo header + UDP header + data, checksum included.
  std::uint32_t sum = checksum_add({packet.data() + 12, 8});
  sum += 17;
  sum += 13;
  sum = checksum_add({packet.data() + 20, 13}, sum);
  EXPECT_EQ(checksum_finish(sum), 0);
  EXPECT_NE(packet[26] << 8 | packet[27], 0);
}

}  // namespace
}  // namespace ikev2d::load
