// RFC 7383 fragmentation: splitting to a size limit, reassembly in any
// order, duplicates, missing and tampered fragments, limits, and the
// Total Fragments rules of 2.6.1.

#include "ike/wire/protection/fragmentation.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <set>

#include "protection_test_support.hpp"

namespace ike::wire {
namespace {

using namespace test_support;

constexpr std::size_t kSkfHeaderOffset = IkeHeader::kSize;

std::uint16_t u16_at(const Bytes& data, std::size_t at) {
  return static_cast<std::uint16_t>(data[at] << 8 | data[at + 1]);
}

class FragmentationTest : public ::testing::TestWithParam<SuiteCase> {
 protected:
  Result<std::vector<Bytes>> split(std::size_t inner_size, std::size_t max_size,
                                   std::uint32_t message_id = 1) {
    inner = sample_inner(inner_size, inner_size + 1);
    return protection.seal_fragments(sample_header(ExchangeType::ike_auth, message_id),
                                     PayloadType::id_initiator, inner, max_size, random);
  }

  crypto::CipherAlgorithms algorithms;
  Keys keys = make_keys(GetParam(), 21);
  SkProtection protection = make_protection(algorithms, keys);
  test::SeededRandom random{4};
  Bytes inner;
};

TEST_P(FragmentationTest, SplitsWithinTheLimitAndReassemblesInAnyOrder) {
  for (std::size_t max_size : {200u, 548u, 1232u}) {
    for (std::size_t size : {0u, 1u, 500u, 3000u, 10000u}) {
      auto fragments = split(size, max_size);
      ASSERT_TRUE(fragments) << fragments.error().reason;
      const std::size_t capacity = protection.fragment_capacity(max_size);
      ASSERT_GT(capacity, 0u);
      const std::size_t expected = std::max<std::size_t>(1, (size + capacity - 1) / capacity);
      ASSERT_EQ(fragments->size(), expected) << keys.name() << " " << size << "/" << max_size;
      std::set<Bytes> ivs;
      for (std::size_t i = 0; i < fragments->size(); ++i) {
        const Bytes& f = (*fragments)[i];
        EXPECT_LE(f.size(), max_size);
        if (i + 1 < fragments->size()) {
          // Full fragments use the room: less than one block is left over.
          EXPECT_GT(f.size() + keys.suite.block_size(), max_size);
        }
        EXPECT_EQ(f[16], static_cast<std::uint8_t>(PayloadType::encrypted_fragment));
        EXPECT_EQ(f[kSkfHeaderOffset],
                  i == 0 ? static_cast<std::uint8_t>(PayloadType::id_initiator) : 0);
        EXPECT_EQ(u16_at(f, kSkfHeaderOffset + 4), i + 1) << "Fragment Number";
        EXPECT_EQ(u16_at(f, kSkfHeaderOffset + 6), expected) << "Total Fragments";
        ivs.insert(Bytes(f.begin() + 36, f.begin() + 36 + keys.suite.iv_size()));
      }
      EXPECT_EQ(ivs.size(), fragments->size()) << "each fragment has its own IV";

      std::vector<std::size_t> order(fragments->size());
      std::iota(order.begin(), order.end(), 0);
      std::vector<std::vector<std::size_t>> orders = {order};
      std::reverse(order.begin(), order.end());
      orders.push_back(order);
      std::shuffle(order.begin(), order.end(), std::mt19937(static_cast<unsigned>(size)));
      orders.push_back(order);
      for (const auto& sequence : orders) {
        FragmentReassembler reassembler(1);
        for (std::size_t k = 0; k < sequence.size(); ++k) {
          auto result = reassembler.accept((*fragments)[sequence[k]], protection);
          ASSERT_TRUE(result) << result.error().reason;
          if (k + 1 < sequence.size()) {
            EXPECT_EQ(result->outcome, FragmentOutcome::stored);
            EXPECT_FALSE(result->message);
            continue;
          }
          ASSERT_EQ(result->outcome, FragmentOutcome::complete);
          ASSERT_TRUE(result->message);
          EXPECT_EQ(result->message->inner_chain, inner);
          EXPECT_EQ(result->message->first_inner, PayloadType::id_initiator);
          EXPECT_EQ(result->message->fragment_count, expected);
          EXPECT_EQ(result->message->header.message_id, 1u);
          EXPECT_EQ(result->message->header.exchange, ExchangeType::ike_auth);
        }
        EXPECT_TRUE(reassembler.complete());
      }
    }
  }
}

TEST_P(FragmentationTest, DuplicatesAndMissingFragments) {
  auto fragments = split(2000, 548);
  ASSERT_TRUE(fragments);
  ASSERT_GE(fragments->size(), 4u);
  FragmentReassembler reassembler(1);
  ASSERT_EQ(reassembler.accept((*fragments)[1], protection)->outcome, FragmentOutcome::stored);
  auto again = reassembler.accept((*fragments)[1], protection);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->outcome, FragmentOutcome::duplicate);
  EXPECT_EQ(reassembler.received(), 1u);
  // Everything but fragment 3: never complete.
  for (std::size_t i = 0; i < fragments->size(); ++i) {
    if (i == 2) continue;
    auto result = reassembler.accept((*fragments)[i], protection);
    ASSERT_TRUE(result);
    EXPECT_NE(result->outcome, FragmentOutcome::complete);
  }
  EXPECT_FALSE(reassembler.complete());
  EXPECT_EQ(reassembler.received(), fragments->size() - 1);
  EXPECT_EQ(reassembler.total(), fragments->size());
  auto last = reassembler.accept((*fragments)[2], protection);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->outcome, FragmentOutcome::complete);
  // Retransmitted fragments after completion are duplicates, not a new message.
  auto late = reassembler.accept((*fragments)[0], protection);
  ASSERT_TRUE(late);
  EXPECT_EQ(late->outcome, FragmentOutcome::duplicate);
  EXPECT_FALSE(late->message);
}

TEST_P(FragmentationTest, TamperedFragmentIsRefusedAndChangesNothing) {
  auto fragments = split(1500, 548);
  ASSERT_TRUE(fragments);
  FragmentReassembler reassembler(1);
  ASSERT_TRUE(reassembler.accept((*fragments)[0], protection));
  for (std::size_t at :
       {std::size_t{5}, kSkfHeaderOffset + 1, std::size_t{40}, (*fragments)[1].size() - 1}) {
    Bytes tampered = (*fragments)[1];
    tampered[at] ^= 0x01;
    auto result = reassembler.accept(tampered, protection);
    ASSERT_FALSE(result) << at;
    EXPECT_EQ(result.error().code, Errc::integrity_check_failed) << at;
    EXPECT_EQ(reassembler.received(), 1u);
  }
  // Fragment Number is authenticated too (RFC 7383 2.5: it is in the AAD).
  Bytes renumbered = (*fragments)[1];
  renumbered[kSkfHeaderOffset + 5] = 3;
  auto result = reassembler.accept(renumbered, protection);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::integrity_check_failed);
  EXPECT_EQ(reassembler.accept((*fragments)[1], protection)->outcome, FragmentOutcome::stored);
}

TEST_P(FragmentationTest, EnforcesFragmentCountAndSizeLimits) {
  auto fragments = split(3000, 548);
  ASSERT_TRUE(fragments);
  const auto count = static_cast<std::uint16_t>(fragments->size());
  FragmentReassembler few(1, ReassemblyLimits{static_cast<std::uint16_t>(count - 1), 1 << 20});
  auto refused = few.accept((*fragments)[0], protection);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::fragment_rejected);
  EXPECT_NE(refused.error().reason.find("exceeds the limit"), std::string::npos);

  FragmentReassembler small(1, ReassemblyLimits{128, 1000});
  bool rejected = false;
  for (const Bytes& fragment : *fragments) {
    auto result = small.accept(fragment, protection);
    if (!result) {
      EXPECT_EQ(result.error().code, Errc::fragment_rejected);
      rejected = true;
    }
  }
  EXPECT_TRUE(rejected);
  EXPECT_FALSE(small.complete());
  EXPECT_LE(small.held_bytes(), 1000u);

  FragmentReassembler other_id(2);
  auto wrong_id = other_id.accept((*fragments)[0], protection);
  ASSERT_FALSE(wrong_id);
  EXPECT_EQ(wrong_id.error().code, Errc::fragment_rejected);
}

TEST_P(FragmentationTest, TotalFragmentsChangesFollowRfc7383Section2_6_1) {
  auto coarse = split(1500, 1232);  // fewer, larger fragments
  ASSERT_TRUE(coarse);
  const Bytes original = inner;
  auto fine =
      protection.seal_fragments(sample_header(), PayloadType::id_initiator, original, 300, random);
  ASSERT_TRUE(fine);
  ASSERT_GT(fine->size(), coarse->size());
  ASSERT_GE(coarse->size(), 2u);

  FragmentReassembler reassembler(1);
  ASSERT_EQ(reassembler.accept((*coarse)[0], protection)->outcome, FragmentOutcome::stored);
  // A higher total: discard and start over with the new fragmentation.
  auto restarted = reassembler.accept((*fine)[2], protection);
  ASSERT_TRUE(restarted);
  EXPECT_EQ(restarted->outcome, FragmentOutcome::restarted);
  EXPECT_EQ(reassembler.total(), fine->size());
  EXPECT_EQ(reassembler.received(), 1u);
  // A lower total from now on is dropped.
  auto lower = reassembler.accept((*coarse)[1], protection);
  ASSERT_FALSE(lower);
  EXPECT_EQ(lower.error().code, Errc::fragment_rejected);
  EXPECT_NE(lower.error().reason.find("lower than"), std::string::npos);
  std::optional<ReassembledMessage> message;
  for (std::size_t i = 0; i < fine->size(); ++i) {
    if (i == 2) continue;
    auto result = reassembler.accept((*fine)[i], protection);
    ASSERT_TRUE(result) << result.error().reason;
    if (result->message) message = std::move(result->message);
  }
  ASSERT_TRUE(message);
  EXPECT_EQ(message->inner_chain, original);
}

TEST_P(FragmentationTest, RefusesLimitsWithoutRoom) {
  auto fragments = split(100, IkeHeader::kSize + 8 + keys.suite.iv_size() + keys.suite.icv_size());
  ASSERT_FALSE(fragments);
  EXPECT_EQ(fragments.error().code, Errc::invalid_argument);
  EXPECT_EQ(protection.fragment_capacity(10), 0u);
  // Room for a single tiny fragment body: more than 65535 fragments needed.
  const std::size_t tiny = IkeHeader::kSize + 8 + keys.suite.iv_size() + keys.suite.icv_size() +
                           2 * keys.suite.block_size();
  const std::size_t capacity = protection.fragment_capacity(tiny);
  ASSERT_GT(capacity, 0u);
  auto too_many = split(capacity * 65535 + 1, tiny);
  ASSERT_FALSE(too_many);
  EXPECT_EQ(too_many.error().code, Errc::invalid_argument);
  EXPECT_NE(too_many.error().reason.find("at most 65535"), std::string::npos);
  EXPECT_TRUE(split(capacity * 3, tiny));
}

TEST_P(FragmentationTest, SkfAndSkAreNotInterchangeable) {
  auto fragments = split(10, 548);
  ASSERT_TRUE(fragments);
  ASSERT_EQ(fragments->size(), 1u);
  auto as_sk = protection.open((*fragments)[0]);
  ASSERT_FALSE(as_sk);
  EXPECT_NE(as_sk.error().reason.find("SK payload expected"), std::string::npos);
  auto opened = protection.open_fragment((*fragments)[0]);
  ASSERT_TRUE(opened) << opened.error().reason;
  EXPECT_EQ(opened->inner_part, inner);
  EXPECT_EQ(opened->number, 1);
  EXPECT_EQ(opened->total, 1);
}

INSTANTIATE_TEST_SUITE_P(AllSuites, FragmentationTest, ::testing::ValuesIn(all_suites()),
                         [](const auto& info) {
                           std::string name = make_keys(info.param, 1).name();
                           for (char& c : name)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });

TEST(Fragmentation, PeekAndFragmentNumberChecksNeedNoKeys) {
  crypto::CipherAlgorithms algorithms;
  SkProtection protection = make_protection(algorithms, make_keys(all_suites()[0], 1));
  test::SeededRandom random(1);
  auto fragments =
      protection.seal_fragments(sample_header(ExchangeType::ike_auth, 9), PayloadType::certificate,
                                sample_inner(900), 548, random);
  ASSERT_TRUE(fragments);
  auto peeked = peek_fragment((*fragments)[1]);
  ASSERT_TRUE(peeked);
  EXPECT_EQ(peeked->number, 2);
  EXPECT_EQ(peeked->total, fragments->size());
  EXPECT_EQ(peeked->first_inner, PayloadType::none);
  EXPECT_EQ(peeked->header.message_id, 9u);

  Bytes beyond = (*fragments)[0];
  beyond[kSkfHeaderOffset + 5] = static_cast<std::uint8_t>(fragments->size() + 1);
  auto opened = protection.open_fragment(beyond);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, Errc::invalid_syntax);
  EXPECT_NE(opened.error().reason.find("outside 1.."), std::string::npos);
  Bytes zero_total = (*fragments)[0];
  zero_total[kSkfHeaderOffset + 6] = 0;
  zero_total[kSkfHeaderOffset + 7] = 0;
  EXPECT_FALSE(peek_fragment(zero_total));
  EXPECT_FALSE(peek_fragment(ByteView((*fragments)[0]).first(IkeHeader::kSize + 6)));
}

TEST(Fragmentation, MessageSizeForAnMtu) {
  // RFC 7383 2.5.1 defaults, minus IP and UDP headers and the non-ESP marker.
  EXPECT_EQ(max_fragment_message_size(kDefaultIpv4FragmentMtu, false, false), 548u);
  EXPECT_EQ(max_fragment_message_size(kDefaultIpv4FragmentMtu, false, true), 544u);
  EXPECT_EQ(max_fragment_message_size(kDefaultIpv6FragmentMtu, true, false), 1232u);
  EXPECT_EQ(max_fragment_message_size(kDefaultIpv6FragmentMtu, true, true), 1228u);
  EXPECT_EQ(max_fragment_message_size(20, false, false), 0u);
}

}  // namespace
}  // namespace ike::wire
