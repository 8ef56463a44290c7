// Malformed SA payloads: every structural rule of RFC 7296 3.3-3.3.5.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ike/wire/payloads.hpp"
#include "support/test_random.hpp"

namespace ike::wire {
namespace {

using ike::test::hex;
using ::testing::HasSubstr;

// strongSwan's proposal (frame 1): proposal header at 0, transforms at 8, 20, 28.
const Bytes kValid =
    hex("00000024 01010003"
        "0300000c 01000014 800e0100"
        "03000008 02000006"
        "00000008 0400001f");

Bytes with_byte(Bytes body, std::size_t at, std::uint8_t value) {
  body.at(at) = value;
  return body;
}

void expect_refused(const Bytes& body, const std::string& reason) {
  auto sa = SaPayload::decode(body);
  ASSERT_FALSE(sa) << "accepted " << to_hex(body);
  EXPECT_EQ(sa.error().code, Errc::invalid_syntax);
  EXPECT_THAT(sa.error().reason, HasSubstr("SA payload: "));
  EXPECT_THAT(sa.error().reason, HasSubstr(reason));
}

TEST(SaPayloadMalformed, BaselineIsValid) {
  ASSERT_TRUE(SaPayload::decode(kValid));
}

TEST(SaPayloadMalformed, EmptyBody) {
  expect_refused({}, "no proposals");
}

TEST(SaPayloadMalformed, TruncatedAnywhere) {
  for (std::size_t size = 1; size < kValid.size(); ++size) {
    Bytes truncated(kValid.begin(), kValid.begin() + static_cast<std::ptrdiff_t>(size));
    EXPECT_FALSE(SaPayload::decode(truncated)) << "accepted the first " << size << " bytes";
  }
  expect_refused(hex("0000002401"), "proposal 1: 5 bytes left, shorter than the 8-byte");
}

TEST(SaPayloadMalformed, ProposalLengthTooSmallOrTooLarge) {
  expect_refused(with_byte(kValid, 3, 7), "proposal 1: length 7 is below the 8-byte minimum");
  expect_refused(with_byte(kValid, 3, 0x28),
                 "proposal 1: length 40 overruns the payload (36 bytes left)");
  // Shorter by 8: the third transform no longer fits in the proposal, and its
  // bytes would follow a proposal marked last.
  expect_refused(with_byte(kValid, 3, 0x1c), "proposal 1 is marked last but 8 bytes follow it");
}

TEST(SaPayloadMalformed, ProposalLastSubstructureFlag) {
  expect_refused(with_byte(kValid, 0, 1), "proposal 1: Last Substruc is 1 (must be 0 or 2)");
  expect_refused(with_byte(kValid, 0, 3), "Last Substruc is 3 (must be 0 or 2)");
  expect_refused(with_byte(kValid, 0, 2),
                 "proposal 1 announces another substructure but none follows");
  Bytes two = concat({with_byte(kValid, 0, 0), kValid});
  expect_refused(two, "proposal 1 is marked last but 36 bytes follow it");
}

TEST(SaPayloadMalformed, ProposalNumbers) {
  // A responder's answer carries the number it accepted (RFC 7296 3.3.1).
  EXPECT_TRUE(SaPayload::decode(with_byte(kValid, 4, 2)));
  expect_refused(with_byte(kValid, 4, 0), "proposal 1: number is 0 (proposal numbers start at 1)");
  Bytes first = with_byte(kValid, 0, 2);
  EXPECT_TRUE(SaPayload::decode(concat({first, kValid})));                   // 1, 1
  EXPECT_TRUE(SaPayload::decode(concat({first, with_byte(kValid, 4, 2)})));  // 1, 2
  expect_refused(concat({first, with_byte(kValid, 4, 3)}),
                 "proposal 2: number 3 after 1 (must be equal or one more)");
  Bytes second = with_byte(with_byte(kValid, 0, 2), 4, 2);
  expect_refused(concat({first, second, kValid}), "proposal 3: number 1 after 2");
}

TEST(SaPayloadMalformed, DeclaredTransformCountMustMatch) {
  expect_refused(with_byte(kValid, 7, 4), "proposal 1 declares 4 transforms but carries 3");
  expect_refused(with_byte(kValid, 7, 2), "proposal 1 declares 2 transforms but carries 3");
  expect_refused(with_byte(kValid, 7, 255), "declares 255 transforms but carries 3");
}

TEST(SaPayloadMalformed, SpiSizeOverrunsProposal) {
  expect_refused(with_byte(kValid, 6, 0x40),
                 "proposal 1: SPI size 64 overruns the proposal length 36");
  // SPI of 4 eats the first transform's header: the transforms no longer parse.
  EXPECT_FALSE(SaPayload::decode(with_byte(kValid, 6, 4)));
}

TEST(SaPayloadMalformed, TransformLengths) {
  expect_refused(with_byte(kValid, 11, 7),
                 "proposal 1 transform 1: length 7 is below the 8-byte minimum");
  expect_refused(with_byte(kValid, 31, 0x0c),
                 "proposal 1 transform 3: length 12 overruns the proposal (8 bytes left)");
  // Transform 1 claims 10 bytes: its attribute area is 2 bytes.
  expect_refused(with_byte(kValid, 11, 0x0a),
                 "transform 1 attribute 1: 2 bytes left, shorter than the 4-byte attribute header");
  // A proposal whose transform area ends inside a transform header.
  expect_refused(hex("0000000c 01010001 03000008"),
                 "proposal 1 transform 1: 4 bytes left, shorter than the 8-byte transform header");
}

TEST(SaPayloadMalformed, TransformLastSubstructureFlag) {
  expect_refused(with_byte(kValid, 8, 0),
                 "proposal 1 transform 1 is marked last but 16 bytes follow it");
  expect_refused(with_byte(kValid, 8, 2),
                 "proposal 1 transform 1: Last Substruc is 2 (must be 0 or 3)");
  expect_refused(with_byte(kValid, 28, 3),
                 "proposal 1 transform 3 announces another substructure but none follows");
}

TEST(SaPayloadMalformed, Attributes) {
  // Key Length in TLV format (A bit clear).
  expect_refused(hex("00000014 01010001 0000000c 01000014 000e0000"),
                 "transform 1 attribute 1: Key Length attribute uses the TLV format (must be TV)");
  // A TLV attribute whose length overruns the transform.
  expect_refused(hex("00000014 01010001 0000000c 01000014 00010010"),
                 "transform 1 attribute 1: length 16 overruns the transform (0 bytes left)");
  // A well-formed TLV attribute of an unassigned type is kept.
  auto sa = SaPayload::decode(hex("00000016 01010001 0000000e 01000014 00010002 abcd"));
  ASSERT_TRUE(sa) << sa.error().reason;
  const auto& attribute = sa->proposals[0].transforms[0].attributes.at(0);
  EXPECT_FALSE(attribute.tv);
  EXPECT_EQ(attribute.type, 1);
  EXPECT_EQ(attribute.data, hex("abcd"));
}

TEST(SaPayloadMalformed, ForgedCountsDoNotAllocate) {
  // 255 declared transforms in a tiny payload fail on the count, after
  // reserving at most what the bytes could hold.
  expect_refused(hex("00000008 010100ff"), "declares 255 transforms but carries 0");
}

}  // namespace
}  // namespace ike::wire
