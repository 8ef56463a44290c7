// Malformed bodies of every payload type other than SA (which has its own
// file): truncation, length fields that disagree, bad counts and sizes.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ike/wire/payloads.hpp"
#include "support/test_random.hpp"

namespace ike::wire {
namespace {

using ike::test::hex;
using ::testing::HasSubstr;

template <class Body>
void expect_refused(const Bytes& body, const std::string& reason) {
  auto decoded = Body::decode(body);
  ASSERT_FALSE(decoded) << "accepted " << to_hex(body);
  EXPECT_EQ(decoded.error().code, Errc::invalid_syntax);
  EXPECT_THAT(decoded.error().reason, HasSubstr(reason));
}

TEST(KePayloadMalformed, TooShortOrEmpty) {
  expect_refused<KePayload>(hex("001f00"),
                            "KE payload: body of 3 bytes is shorter than the 4-byte fixed part");
  expect_refused<KePayload>(hex("001f0000"), "KE payload: key exchange data for group 31 is empty");
  auto ke = KePayload::decode(hex("001fffff 0102"));  // reserved bits ignored
  ASSERT_TRUE(ke);
  EXPECT_EQ(ke->group, KeGroup::curve25519);
  EXPECT_EQ(ke->data, hex("0102"));
}

TEST(IdPayloadMalformed, TooShortEmptyOrWrongAddressSize) {
  expect_refused<IdPayload>(hex("020000"), "ID payload: body of 3 bytes");
  expect_refused<IdPayload>(hex("02000000"), "ID payload: identification data is empty");
  expect_refused<IdPayload>(hex("01000000 0a000001ff"),
                            "ID payload: ID_IPV4_ADDR data of 5 bytes (must be 4)");
  expect_refused<IdPayload>(hex("05000000 0a000001"),
                            "ID payload: ID_IPV6_ADDR data of 4 bytes (must be 16)");
  EXPECT_TRUE(IdPayload::decode(hex("01ffffff 0a000001")));
}

TEST(CertPayloadsMalformed, EmptyBodies) {
  expect_refused<CertPayload>({}, "CERT payload: body is empty");
  expect_refused<CertPayload>(hex("04"), "CERT payload: certificate data is empty");
  expect_refused<CertReqPayload>({}, "CERTREQ payload: body is empty");
  auto any_ca = CertReqPayload::decode(hex("04"));
  ASSERT_TRUE(any_ca);
  EXPECT_TRUE(any_ca->authorities.empty());
}

TEST(AuthPayloadMalformed, TooShortOrEmpty) {
  expect_refused<AuthPayload>(hex("02"), "AUTH payload: body of 1 byte is shorter");
  expect_refused<AuthPayload>(hex("02000000"), "AUTH payload: authentication data is empty");
}

TEST(NoncePayloadMalformed, SizeOutside16To256) {
  expect_refused<NoncePayload>(Bytes(15, 1),
                               "Nonce payload: nonce of 15 bytes is outside 16..256 bytes");
  expect_refused<NoncePayload>(Bytes(257, 1), "nonce of 257 bytes is outside 16..256");
  expect_refused<NoncePayload>({}, "nonce of 0 bytes");
  EXPECT_TRUE(NoncePayload::decode(Bytes(16, 1)));
  EXPECT_TRUE(NoncePayload::decode(Bytes(256, 1)));
}

TEST(NotifyPayloadMalformed, SpiSizeChecks) {
  expect_refused<NotifyPayload>(hex("000040"), "N payload: body of 3 bytes");
  expect_refused<NotifyPayload>(hex("03034009 010203"),
                                "N payload: REKEY_SA: SPI size 3 (must be 0, 4 or 8)");
  expect_refused<NotifyPayload>(hex("03044009 010203"),
                                "REKEY_SA: SPI size 4 overruns the payload (3 bytes left)");
  expect_refused<NotifyPayload>(hex("01080004 01020304"), "INVALID_IKE_SPI: SPI size 8 overruns");
  auto eight = NotifyPayload::decode(hex("01080004 0102030405060708 ff"));
  ASSERT_TRUE(eight);
  EXPECT_EQ(eight->spi.size(), 8u);
  EXPECT_EQ(eight->data, hex("ff"));
  auto unknown = NotifyPayload::decode(hex("0000ffff"));  // unknown types are kept
  ASSERT_TRUE(unknown);
  EXPECT_EQ(static_cast<std::uint16_t>(unknown->type), 0xffff);
}

TEST(DeletePayloadMalformed, SpiSizesAndCounts) {
  expect_refused<DeletePayload>(hex("030400"), "D payload: body of 3 bytes");
  expect_refused<DeletePayload>(
      hex("01040001 01020304"),
      "D payload: protocol IKE with SPI size 4 and 1 SPIs (must be 0 and 0)");
  expect_refused<DeletePayload>(hex("01000001"), "protocol IKE with SPI size 0 and 1 SPIs");
  expect_refused<DeletePayload>(hex("03080001 0102030405060708"),
                                "protocol ESP with SPI size 8 (must be 4)");
  expect_refused<DeletePayload>(hex("03000000"), "protocol ESP with SPI size 0 (must be 4)");
  expect_refused<DeletePayload>(hex("00040001 01020304"), "protocol NONE cannot be deleted");
  expect_refused<DeletePayload>(hex("03040002 01020304"),
                                "2 SPIs of 4 bytes do not fill the 4 bytes left");
  expect_refused<DeletePayload>(hex("03040001 0102030405"),
                                "1 SPIs of 4 bytes do not fill the 5 bytes left");
  expect_refused<DeletePayload>(hex("0304ffff"),
                                "65535 SPIs of 4 bytes do not fill the 0 bytes left");
  auto esp = DeletePayload::decode(hex("02040002 0102030405060708"));
  ASSERT_TRUE(esp);
  EXPECT_EQ(esp->protocol, ProtocolId::ah);
  EXPECT_EQ(esp->spis, (std::vector<Bytes>{hex("01020304"), hex("05060708")}));
}

TEST(TsPayloadMalformed, CountsAndSelectorLengths) {
  const Bytes v4 = hex("07000010 0000ffff 0a000000 0a0000ff");
  expect_refused<TsPayload>(hex("010000"), "TS payload: body of 3 bytes");
  expect_refused<TsPayload>(hex("00000000"), "TS payload: Number of TSs is 0");
  expect_refused<TsPayload>(concat({hex("02000000"), v4}),
                            "Number of TSs is 2 but the payload holds 1");
  expect_refused<TsPayload>(concat({hex("01000000"), v4, v4}),
                            "Number of TSs is 1 but 16 bytes follow selector 1");
  expect_refused<TsPayload>(hex("01000000 07000028 0000ffff 0a000000 0a0000ff"),
                            "selector 1: TS_IPV4_ADDR_RANGE selector length 40 (must be 16)");
  expect_refused<TsPayload>(hex("01000000 08000010 0000ffff 0a000000 0a0000ff"),
                            "selector 1: TS_IPV6_ADDR_RANGE selector length 16 (must be 40)");
  expect_refused<TsPayload>(hex("01000000 07000010 0000ffff 0a000000"),
                            "selector 1: selector length 16 overruns the payload (12 bytes left)");
  expect_refused<TsPayload>(hex("01000000 0700"),
                            "selector 1: 2 bytes left, shorter than the 4-byte selector header");
  expect_refused<TsPayload>(hex("01000000 0a000002"),
                            "selector 1: selector length 2 is below the 4-byte minimum");
  expect_refused<TsPayload>(hex("01000000 0a000010"),
                            "selector length 16 overruns the payload (4 bytes left)");
  // Start above end is well-formed on the wire; narrowing judges it.
  EXPECT_TRUE(TsPayload::decode(hex("01000000 07000010 ffff0000 0a0000ff 0a000000")));
}

TEST(ConfigPayloadMalformed, AttributeLengths) {
  expect_refused<ConfigPayload>(hex("0100"), "CP payload: body of 2 bytes");
  expect_refused<ConfigPayload>(
      hex("01000000 0001"),
      "CP payload: attribute 1: 2 bytes left, shorter than the 4-byte attribute header");
  expect_refused<ConfigPayload>(
      hex("01000000 00010004 0a00"),
      "attribute 1 (type 1): length 4 overruns the payload (2 bytes left)");
  expect_refused<ConfigPayload>(hex("02000000 00010004 0a000001 00030004 08080808 00"),
                                "attribute 3: 1 byte left");
  EXPECT_TRUE(ConfigPayload::decode(hex("01000000")));
}

TEST(EapPayloadMalformed, HeaderLengthMustMatchPayload) {
  expect_refused<EapPayload>(hex("0201"), "EAP payload: body of 2 bytes");
  expect_refused<EapPayload>(
      hex("0201000b 01757365727a"),
      "EAP payload: EAP Length 11 does not match the 10 bytes the payload carries");
  expect_refused<EapPayload>(hex("02010009 01757365727a"),
                             "EAP Length 9 does not match the 10 bytes");
  expect_refused<EapPayload>(hex("01010004"), "EAP Request of 4 bytes has no Type");
  EXPECT_TRUE(EapPayload::decode(hex("03010004")));  // Success has no Type
}

TEST(EncryptedFragmentMalformed, NumbersAndTotal) {
  auto refuse = [](const Bytes& body, const std::string& reason) {
    auto fragment = EncryptedFragmentPayload::decode(body, PayloadType::none);
    ASSERT_FALSE(fragment) << to_hex(body);
    EXPECT_THAT(fragment.error().reason, HasSubstr(reason));
  };
  refuse(hex("000100"), "SKF payload: body of 3 bytes");
  refuse(hex("00010000 aa"), "SKF payload: Total Fragments is 0");
  refuse(hex("00000002 aa"), "SKF payload: Fragment Number 0 is outside 1..2");
  refuse(hex("00030002 aa"), "Fragment Number 3 is outside 1..2");
  EXPECT_TRUE(EncryptedFragmentPayload::decode(hex("00020002 aa"), PayloadType::none));
}

TEST(VendorIdPayload, AnyLengthIsWellFormed) {
  EXPECT_TRUE(VendorIdPayload::decode({}));
  EXPECT_TRUE(VendorIdPayload::decode(Bytes(300, 1)));
}

}  // namespace
}  // namespace ike::wire
