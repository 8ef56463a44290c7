#include <gtest/gtest.h>

#include "runtime/nat_t_framing.hpp"

namespace ikev2d::runtime {
namespace {

TEST(NatTFraming, MarkerIsStrippedFromIkeMessages) {
  ike::Bytes datagram{0, 0, 0, 0, 0x11, 0x22, 0x33};
  auto framed = classify_nat_t_datagram(datagram);
  EXPECT_EQ(framed.kind, NatTDatagramKind::ike);
  ASSERT_EQ(framed.ike_message.size(), 3u);
  EXPECT_EQ(framed.ike_message.data(), datagram.data() + 4);
}

TEST(NatTFraming, EspInUdpIsRecognizedByItsNonZeroSpi) {
  ike::Bytes esp{0xc0, 0x00, 0x00, 0x01, 0, 0, 0, 1, 0xaa};
  EXPECT_EQ(classify_nat_t_datagram(esp).kind, NatTDatagramKind::esp);
  // Only the first four bytes decide: an SPI of 1 is ESP too.
  ike::Bytes spi_one{0, 0, 0, 1, 0, 0, 0, 0};
  EXPECT_EQ(classify_nat_t_datagram(spi_one).kind, NatTDatagramKind::esp);
}

TEST(NatTFraming, KeepaliveIsOneFfByte) {
  ike::Bytes keepalive{0xff};
  EXPECT_EQ(classify_nat_t_datagram(keepalive).kind, NatTDatagramKind::keepalive);
  ike::Bytes other{0xfe};
  EXPECT_EQ(classify_nat_t_datagram(other).kind, NatTDatagramKind::too_short);
}

TEST(NatTFraming, RuntsAreTooShort) {
  EXPECT_EQ(classify_nat_t_datagram({}).kind, NatTDatagramKind::too_short);
  ike::Bytes three{0, 0, 0};
  EXPECT_EQ(classify_nat_t_datagram(three).kind, NatTDatagramKind::too_short);
  // The bare marker is an (empty) IKE message: the engine refuses it.
  ike::Bytes marker{0, 0, 0, 0};
  auto framed = classify_nat_t_datagram(marker);
  EXPECT_EQ(framed.kind, NatTDatagramKind::ike);
  EXPECT_TRUE(framed.ike_message.empty());
}

TEST(NatTFraming, EveryKindHasAName) {
  for (auto kind : {NatTDatagramKind::ike, NatTDatagramKind::esp, NatTDatagramKind::keepalive,
                    NatTDatagramKind::too_short}) {
    EXPECT_NE(to_string(kind), "?");
  }
}

}  // namespace
}  // namespace ikev2d::runtime
