#include <gtest/gtest.h>

#include "ike/bytes.hpp"
#include "ike/wire/header.hpp"
#include "support/test_random.hpp"

namespace ike::wire {
namespace {

using ike::test::hex;

TEST(Hex, RoundTripsAndToleratesLogSeparators) {
  Bytes data{0x00, 0x7f, 0xab, 0xff};
  EXPECT_EQ(to_hex(data), "007fabff");
  EXPECT_EQ(from_hex("00 7f:ab\nFF"), data);
  EXPECT_FALSE(from_hex("0"));
  EXPECT_FALSE(from_hex("0x"));
  EXPECT_FALSE(from_hex("0 0"));
}

TEST(Reader, NeverReadsPastTheEndAndStaysPutOnFailure) {
  Bytes data{1, 2, 3};
  Reader in(data);
  std::uint32_t word = 0;
  EXPECT_FALSE(in.u32(word));
  EXPECT_EQ(in.offset(), 0u);
  std::uint16_t half = 0;
  ASSERT_TRUE(in.u16(half));
  EXPECT_EQ(half, 0x0102);
  ByteView view;
  EXPECT_FALSE(in.view(2, view));
  EXPECT_TRUE(in.view(1, view));
  EXPECT_TRUE(in.empty());
  EXPECT_FALSE(in.skip(1));
}

TEST(Writer, PatchesLengthsInPlace) {
  Bytes out;
  Writer w(out);
  w.u8(0xaa);
  auto at = w.placeholder_u16();
  w.u32(0x01020304);
  w.patch_u16(at, 0xbeef);
  EXPECT_EQ(out, hex("aabeef01020304"));
}

TEST(IkeHeader, DecodesTheFirstStrongSwanRequest) {
  // Frame 1 of tests/vectors/psk-full-chain-*: IKE_SA_INIT request header.
  Bytes data = hex("526d0839aac61a9b 0000000000000000 21 20 22 08 00000000 000000e8");
  Reader in(data);
  auto header = IkeHeader::decode(in);
  ASSERT_TRUE(header) << header.error().reason;
  EXPECT_EQ(header->spi_initiator, 0x526d0839aac61a9bULL);
  EXPECT_EQ(header->next_payload, PayloadType::security_association);
  EXPECT_EQ(header->exchange, ExchangeType::ike_sa_init);
  EXPECT_TRUE(header->from_initiator());
  EXPECT_FALSE(header->is_response());
  EXPECT_EQ(header->length, 232u);
  Bytes again;
  Writer w(again);
  header->encode(w);
  EXPECT_EQ(again, data);
}

TEST(IkeHeader, RefusesOtherMajorVersionsAndShortInput) {
  Bytes v1 = hex("526d0839aac61a9b 0000000000000000 21 10 22 08 00000000 000000e8");
  Reader in(v1);
  auto header = IkeHeader::decode(in);
  ASSERT_FALSE(header);
  EXPECT_EQ(header.error().code, Errc::invalid_major_version);

  Bytes short_input(27, 0);
  Reader in2(short_input);
  auto short_header = IkeHeader::decode(in2);
  ASSERT_FALSE(short_header);
  EXPECT_EQ(short_header.error().code, Errc::invalid_syntax);
}

}  // namespace
}  // namespace ike::wire
