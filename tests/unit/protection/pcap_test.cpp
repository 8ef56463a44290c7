// The capture reader every vector test relies on: the real strongSwan pcapng
// files, and synthesized classic pcap files for the other formats it accepts.

#include "support/pcap.hpp"

#include <gtest/gtest.h>

#include "support/test_random.hpp"

namespace ike::test {
namespace {

const std::string kVectors = IKE_SHARED_VECTORS_DIR;

TEST(PcapReader, ReadsStrongSwanPcapngWithNatTPort) {
  auto datagrams =
      read_pcap_udp(kVectors + "/psk-full-chain-aes256gcm16-prfsha384-x25519/exchange.pcap");
  ASSERT_EQ(datagrams.size(), 8u);
  EXPECT_EQ(datagrams[0].source_port, 500);
  EXPECT_EQ(datagrams[0].destination_port, 500);
  // tshark: frame 1 is 274 bytes = 14 Ethernet + 20 IPv4 + 8 UDP + 232.
  EXPECT_EQ(datagrams[0].payload.size(), 232u);
  EXPECT_EQ(datagrams[2].source_port, 4500);
  EXPECT_EQ(datagrams[2].destination_port, 4500);
  ASSERT_GE(datagrams[2].payload.size(), 4u + 28u);
  Bytes ike = strip_non_esp_marker(datagrams[2]);
  EXPECT_EQ(ike.size(), datagrams[2].payload.size() - 4);
  EXPECT_EQ(ike[17], 0x20);  // IKEv2 version octet
  EXPECT_EQ(ike[18], 35);    // IKE_AUTH
}

/// One classic pcap file around `frame`, in the byte order asked for.
Bytes classic_pcap(std::uint32_t link_type, const Bytes& frame, bool big_endian) {
  Bytes file;
  auto put32 = [&](std::uint32_t value) {
    for (int i = 0; i < 4; ++i) {
      int shift = big_endian ? 24 - 8 * i : 8 * i;
      file.push_back(static_cast<std::uint8_t>(value >> shift));
    }
  };
  auto put16 = [&](std::uint16_t value) {
    file.push_back(static_cast<std::uint8_t>(big_endian ? value >> 8 : value));
    file.push_back(static_cast<std::uint8_t>(big_endian ? value : value >> 8));
  };
  put32(0xa1b2c3d4);
  put16(2);
  put16(4);
  put32(0);
  put32(0);
  put32(65535);
  put32(link_type);
  put32(1);  // seconds
  put32(0);  // microseconds
  put32(static_cast<std::uint32_t>(frame.size()));
  put32(static_cast<std::uint32_t>(frame.size()));
  file.insert(file.end(), frame.begin(), frame.end());
  return file;
}

// IPv4 10.0.0.1 -> 10.0.0.2, UDP 500 -> 4500, payload "abc".
const Bytes kIpv4Udp =
    hex("4500001f00004000401100000a0000010a000002"
        "01f41194000b0000616263");
// IPv6 ::1 -> ::2 with a destination-options header, UDP 500 -> 500, "xy".
const Bytes kIpv6Udp =
    hex("6000000000123c40"
        "00000000000000000000000000000001"
        "00000000000000000000000000000002"
        "1100000000000000"
        "01f401f4000a0000"
        "7879");

TEST(PcapReader, ClassicFormatsAndLinkTypes) {
  Bytes ethernet = concat({hex("0200000000010200000000028100000a0800"), kIpv4Udp});
  Bytes sll = concat({hex("0000000100060200000000010000"
                          "0800"),
                      kIpv4Udp});
  Bytes sll2 = concat({hex("86dd000000000001000100060200000000010000"), kIpv6Udp});
  struct Case {
    std::uint32_t link;
    Bytes frame;
    std::uint16_t destination;
    std::size_t payload_size;
  };
  for (const Case& c :
       {Case{1, ethernet, 4500, 3}, Case{113, sll, 4500, 3}, Case{276, sll2, 500, 2},
        Case{101, kIpv4Udp, 4500, 3}, Case{101, kIpv6Udp, 500, 2}}) {
    for (bool big_endian : {false, true}) {
      auto datagrams = parse_capture_udp(classic_pcap(c.link, c.frame, big_endian));
      ASSERT_TRUE(datagrams) << datagrams.error().reason;
      ASSERT_EQ(datagrams->size(), 1u) << "link " << c.link;
      EXPECT_EQ((*datagrams)[0].source_port, 500);
      EXPECT_EQ((*datagrams)[0].destination_port, c.destination);
      EXPECT_EQ((*datagrams)[0].payload.size(), c.payload_size);
    }
  }
}

TEST(PcapReader, RejectsTruncatedAndUnknownFiles) {
  Bytes file = classic_pcap(1,
                            concat({hex("020000000001020000000002"
                                        "0800"),
                                    kIpv4Udp}),
                            false);
  file.pop_back();
  auto truncated = parse_capture_udp(file);
  ASSERT_FALSE(truncated);
  EXPECT_NE(truncated.error().reason.find("overruns"), std::string::npos);
  EXPECT_FALSE(parse_capture_udp(hex("00112233445566778899")));
  EXPECT_FALSE(parse_capture_udp(classic_pcap(105, kIpv4Udp, false)));  // 802.11
  EXPECT_TRUE(read_pcap_udp("/nonexistent/file.pcap").empty());
}

}  // namespace
}  // namespace ike::test
