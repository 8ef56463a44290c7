// SK payload sealing and opening for every suite: round trips, the exact
// layout on the wire, every single-bit flip refused, truncation and
// malformed lengths answered with the exact reason.

#include "ike/wire/protection/sk_protection.hpp"

#include <gtest/gtest.h>

#include "ike/wire/writer.hpp"
#include "protection_test_support.hpp"

namespace ike::wire {
namespace {

using namespace test_support;

constexpr std::size_t kSkHeaderOffset = IkeHeader::kSize;
constexpr std::size_t kIvOffset = IkeHeader::kSize + 4;

std::uint16_t u16_at(const Bytes& data, std::size_t at) {
  return static_cast<std::uint16_t>(data[at] << 8 | data[at + 1]);
}
std::uint32_t u32_at(const Bytes& data, std::size_t at) {
  return static_cast<std::uint32_t>(u16_at(data, at)) << 16 | u16_at(data, at + 2);
}
void put_u16(Bytes& data, std::size_t at, std::size_t value) {
  data[at] = static_cast<std::uint8_t>(value >> 8);
  data[at + 1] = static_cast<std::uint8_t>(value);
}
void put_u32(Bytes& data, std::size_t at, std::size_t value) {
  put_u16(data, at, value >> 16);
  put_u16(data, at + 2, value & 0xffff);
}

/// Builds a protected message by hand, independently of SkProtection:
/// `prefix` (IKE header and any payloads in clear, SK generic header last),
/// IV, inner || padding || pad length, ICV. Lengths are patched here.
Bytes build_by_hand(crypto::AuthenticatedCipher& cipher, Bytes prefix, const Bytes& iv,
                    const Bytes& inner, std::size_t pad_length, std::uint8_t pad_length_byte) {
  Bytes data = inner;
  data.insert(data.end(), pad_length, 0);
  data.push_back(pad_length_byte);
  const std::size_t total = prefix.size() + iv.size() + data.size() + cipher.icv_size();
  put_u32(prefix, 24, total);
  put_u16(prefix, prefix.size() - 2, total - (prefix.size() - 4));
  Bytes icv(cipher.icv_size());
  if (!cipher.seal(prefix, iv, data, icv)) std::abort();
  return concat({prefix, iv, data, icv});
}

Bytes sk_prefix(const IkeHeader& header, PayloadType first_inner) {
  Bytes out;
  Writer writer(out);
  IkeHeader h = header;
  h.next_payload = PayloadType::encrypted;
  h.encode(writer);
  writer.u8(static_cast<std::uint8_t>(first_inner));
  writer.u8(0);
  writer.u16(0);
  return out;
}

class SkProtectionTest : public ::testing::TestWithParam<SuiteCase> {
 protected:
  crypto::CipherAlgorithms algorithms;
  Keys keys = make_keys(GetParam(), 11);
  SkProtection protection = make_protection(algorithms, keys);
  test::SeededRandom random{3};
};

TEST_P(SkProtectionTest, RoundTripsAndLaysOutTheWire) {
  const auto& suite = keys.suite;
  for (std::size_t size : {0u, 1u, 14u, 15u, 16u, 17u, 100u, 1000u, 4000u}) {
    Bytes inner = sample_inner(size, size);
    IkeHeader header = sample_header();
    header.next_payload = PayloadType::nonce;  // seal overrides it with SK
    auto sealed = protection.seal(header, PayloadType::id_initiator, inner, random);
    ASSERT_TRUE(sealed) << keys.name() << " " << size << ": " << sealed.error().reason;
    const Bytes& wire = *sealed;
    ASSERT_EQ(wire.size(), protection.sealed_size(size));
    EXPECT_EQ(u32_at(wire, 24), wire.size()) << "IKE header Length";
    EXPECT_EQ(wire[16], static_cast<std::uint8_t>(PayloadType::encrypted));
    EXPECT_EQ(wire[kSkHeaderOffset], static_cast<std::uint8_t>(PayloadType::id_initiator));
    EXPECT_EQ(wire[kSkHeaderOffset + 1], 0) << "critical bit and RESERVED";
    EXPECT_EQ(u16_at(wire, kSkHeaderOffset + 2), wire.size() - IkeHeader::kSize);
    const std::size_t ciphertext = wire.size() - kIvOffset - suite.iv_size() - suite.icv_size();
    EXPECT_EQ(ciphertext % suite.block_size(), 0u);
    // Minimal padding: none for AEAD, less than one block for CBC.
    EXPECT_LT(ciphertext - size - 1, suite.block_size());

    auto opened = protection.open(wire);
    ASSERT_TRUE(opened) << keys.name() << " " << size << ": " << opened.error().reason;
    EXPECT_EQ(opened->inner_chain, inner);
    EXPECT_EQ(opened->first_inner, PayloadType::id_initiator);
    IkeHeader expected = header;
    expected.next_payload = PayloadType::encrypted;
    expected.length = static_cast<std::uint32_t>(wire.size());
    EXPECT_EQ(opened->header, expected);
  }
}

TEST_P(SkProtectionTest, IvComesFromTheRandomSourceAndMatchesAHandBuiltMessage) {
  test::ScriptedRandom scripted;
  Bytes iv = sample_inner(keys.suite.iv_size(), 77);
  scripted.push(iv);
  Bytes inner = sample_inner(45);
  IkeHeader header = sample_header(ExchangeType::informational, 7);
  auto sealed = protection.seal(header, PayloadType::notify, inner, scripted);
  ASSERT_TRUE(sealed);
  EXPECT_EQ(Bytes(sealed->begin() + kIvOffset, sealed->begin() + kIvOffset + iv.size()), iv);

  auto cipher = crypto::AuthenticatedCipher::create(algorithms, keys.suite, keys.sk_e, keys.sk_a);
  ASSERT_TRUE(cipher);
  const std::size_t block = keys.suite.block_size();
  const std::size_t pad = (block - (inner.size() + 1) % block) % block;
  Bytes by_hand = build_by_hand(*cipher, sk_prefix(header, PayloadType::notify), iv, inner, pad,
                                static_cast<std::uint8_t>(pad));
  EXPECT_EQ(to_hex(*sealed), to_hex(by_hand));
}

TEST_P(SkProtectionTest, EverySingleBitFlipIsRefused) {
  Bytes inner = sample_inner(40);
  auto sealed = protection.seal(sample_header(), PayloadType::id_initiator, inner, random);
  ASSERT_TRUE(sealed);
  // Flips in these octets break the structure (Next Payload, MjVer, Length
  // fields) and are refused before any crypto; all others fail the ICV.
  auto structural = [](std::size_t at) {
    return at == 16 || at == 17 || (at >= 24 && at < 28) || at == 30 || at == 31;
  };
  for (std::size_t at = 0; at < sealed->size(); ++at) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes flipped = *sealed;
      flipped[at] ^= static_cast<std::uint8_t>(1u << bit);
      auto opened = protection.open(flipped);
      ASSERT_FALSE(opened) << keys.name() << " octet " << at << " bit " << bit;
      if (!structural(at) || (at == 17 && bit < 4)) {
        EXPECT_EQ(opened.error().code, Errc::integrity_check_failed)
            << keys.name() << " octet " << at << " bit " << bit << ": " << opened.error().reason;
      }
    }
  }
}

TEST_P(SkProtectionTest, TruncationIsRefusedWithTheReason) {
  auto sealed =
      protection.seal(sample_header(), PayloadType::id_initiator, sample_inner(64), random);
  ASSERT_TRUE(sealed);
  // Cut without patching lengths: the header Length no longer matches.
  for (std::size_t size = 0; size < sealed->size(); ++size) {
    auto opened = protection.open(ByteView(*sealed).first(size));
    ASSERT_FALSE(opened) << size;
    EXPECT_NE(opened.error().code, Errc::integrity_check_failed) << size;
  }
  auto cut = [&](std::size_t remove) {
    Bytes out(sealed->begin(), sealed->end() - static_cast<std::ptrdiff_t>(remove));
    put_u32(out, 24, out.size());
    put_u16(out, kSkHeaderOffset + 2, out.size() - IkeHeader::kSize);
    return out;
  };
  // Cut with consistent lengths: below IV + ICV + 1 is a syntax error...
  const std::size_t minimum = keys.suite.iv_size() + keys.suite.icv_size() + 1;
  Bytes too_short = cut(sealed->size() - kIvOffset - minimum + 1);
  auto opened = protection.open(too_short);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, Errc::invalid_syntax);
  EXPECT_NE(opened.error().reason.find("fewer than IV"), std::string::npos)
      << opened.error().reason;
  // ...a partial CBC block too; anything else fails the ICV.
  opened = protection.open(cut(1));
  ASSERT_FALSE(opened);
  if (keys.suite.block_size() > 1) {
    EXPECT_EQ(opened.error().code, Errc::invalid_syntax);
    EXPECT_NE(opened.error().reason.find("not a multiple of the 16-byte block"), std::string::npos)
        << opened.error().reason;
    opened = protection.open(cut(16));
    ASSERT_FALSE(opened);
  }
  EXPECT_EQ(opened.error().code, Errc::integrity_check_failed) << opened.error().reason;
}

TEST_P(SkProtectionTest, PadLengthBeyondThePlaintextIsASyntaxError) {
  auto cipher = crypto::AuthenticatedCipher::create(algorithms, keys.suite, keys.sk_e, keys.sk_a);
  ASSERT_TRUE(cipher);
  Bytes iv(keys.suite.iv_size(), 0x42);
  // 16 + 15 + 1 = 32 bytes of plaintext, a whole number of blocks for both
  // kinds; the authenticated Pad Length claims 200.
  Bytes message = build_by_hand(*cipher, sk_prefix(sample_header(), PayloadType::nonce), iv,
                                sample_inner(16), 15, 200);
  auto opened = protection.open(message);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, Errc::invalid_syntax);
  EXPECT_NE(opened.error().reason.find("Pad Length 200 exceeds the 31 decrypted bytes"),
            std::string::npos)
      << opened.error().reason;
  // The largest valid Pad Length leaves an empty chain.
  message = build_by_hand(*cipher, sk_prefix(sample_header(), PayloadType::none), iv, {}, 31, 31);
  auto empty = protection.open(message);
  ASSERT_TRUE(empty) << empty.error().reason;
  EXPECT_TRUE(empty->inner_chain.empty());
}

TEST_P(SkProtectionTest, PayloadsInClearBeforeSkAreAssociatedData) {
  auto cipher = crypto::AuthenticatedCipher::create(algorithms, keys.suite, keys.sk_e, keys.sk_a);
  ASSERT_TRUE(cipher);
  // IKE header -> V (in clear) -> SK.
  Bytes prefix;
  Writer writer(prefix);
  IkeHeader header = sample_header();
  header.next_payload = PayloadType::vendor_id;
  header.encode(writer);
  writer.u8(static_cast<std::uint8_t>(PayloadType::encrypted));
  writer.u8(0);
  writer.u16(8);
  writer.bytes(test::hex("cafe0001"));
  writer.u8(static_cast<std::uint8_t>(PayloadType::notify));
  writer.u8(0);
  writer.u16(0);
  Bytes inner = sample_inner(31);  // 31 + Pad Length = 32: whole blocks for every suite
  Bytes message = build_by_hand(*cipher, prefix, Bytes(keys.suite.iv_size(), 1), inner, 0, 0);
  auto opened = protection.open(message);
  ASSERT_TRUE(opened) << opened.error().reason;
  EXPECT_EQ(opened->inner_chain, inner);
  EXPECT_EQ(opened->first_inner, PayloadType::notify);
  EXPECT_EQ(opened->header.next_payload, PayloadType::vendor_id);
  message[IkeHeader::kSize + 5] ^= 0x01;  // inside the clear V payload
  auto tampered = protection.open(message);
  ASSERT_FALSE(tampered);
  EXPECT_EQ(tampered.error().code, Errc::integrity_check_failed);
}

TEST_P(SkProtectionTest, MalformedChainsAreRefusedBeforeCrypto) {
  auto sealed = protection.seal(sample_header(), PayloadType::nonce, sample_inner(20), random);
  ASSERT_TRUE(sealed);

  Bytes trailing = *sealed;  // SK followed by bytes outside it
  trailing.push_back(0);
  put_u32(trailing, 24, trailing.size());
  auto opened = protection.open(trailing);
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().reason.find("must be the last payload"), std::string::npos)
      << opened.error().reason;

  Bytes no_sk = *sealed;  // header announces a chain that ends without SK
  no_sk[16] = static_cast<std::uint8_t>(PayloadType::nonce);
  no_sk[kSkHeaderOffset] = 0;
  opened = protection.open(no_sk);
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().reason.find("no SK or SKF payload"), std::string::npos)
      << opened.error().reason;

  Bytes short_length = *sealed;
  put_u16(short_length, kSkHeaderOffset + 2, 3);
  opened = protection.open(short_length);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, Errc::invalid_syntax);

  EXPECT_FALSE(protection.open({}));
  EXPECT_FALSE(protection.open(ByteView(*sealed).first(IkeHeader::kSize)));

  auto fragment = protection.open_fragment(*sealed);
  ASSERT_FALSE(fragment);
  EXPECT_NE(fragment.error().reason.find("SKF payload expected"), std::string::npos);
}

TEST_P(SkProtectionTest, TooLargeForOnePayloadAsksForFragmentation) {
  auto sealed = protection.seal(sample_header(), PayloadType::certificate, Bytes(70000), random);
  ASSERT_FALSE(sealed);
  EXPECT_EQ(sealed.error().code, Errc::invalid_argument);
  EXPECT_NE(sealed.error().reason.find("fragment"), std::string::npos);
}

TEST_P(SkProtectionTest, OtherDirectionsKeyIsRefused) {
  auto sealed = protection.seal(sample_header(), PayloadType::nonce, sample_inner(20), random);
  ASSERT_TRUE(sealed);
  SkProtection other = make_protection(algorithms, make_keys(GetParam(), 12));
  auto opened = other.open(*sealed);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, Errc::integrity_check_failed);
  EXPECT_EQ(opened.error().reason.rfind("SK payload: ", 0), 0u) << opened.error().reason;
}

INSTANTIATE_TEST_SUITE_P(AllSuites, SkProtectionTest, ::testing::ValuesIn(all_suites()),
                         [](const auto& info) {
                           std::string name = make_keys(info.param, 1).name();
                           for (char& c : name)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });

TEST(SkProtection, CreateRefusesWrongKeySizes) {
  crypto::CipherAlgorithms algorithms;
  Keys keys = make_keys(all_suites()[3], 1);
  EXPECT_FALSE(SkProtection::create(algorithms, keys.suite, keys.sk_e, {}));
  EXPECT_FALSE(SkProtection::create(algorithms, keys.suite, Bytes(20), keys.sk_a));
  EXPECT_TRUE(SkProtection::create(algorithms, keys.suite, keys.sk_e, keys.sk_a));
}

}  // namespace
}  // namespace ike::wire
