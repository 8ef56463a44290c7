#include <gtest/gtest.h>

#include <array>

#include "runtime/shard_routing.hpp"

namespace ikev2d::runtime {
namespace {

constexpr std::uint8_t kInitiatorFlag = 0x08;
constexpr std::uint8_t kResponseFlag = 0x20;

ike::IpAddress address(const char* text) {
  return *ike::IpAddress::parse(text);
}

/// An IKE header (RFC 7296 3.1) with the given SPIs and flags, then a body.
ike::Bytes message(std::uint64_t spi_i, std::uint64_t spi_r, std::uint8_t flags) {
  ike::Bytes bytes(40, 0);
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<std::uint8_t>(spi_i >> (56 - 8 * i));
    bytes[8 + i] = static_cast<std::uint8_t>(spi_r >> (56 - 8 * i));
  }
  bytes[17] = 0x20;  // version 2.0
  bytes[18] = 34;    // IKE_SA_INIT
  bytes[19] = flags;
  return bytes;
}

TEST(ShardLayout, UsesTheFewestBitsThatNumberTheShards) {
  EXPECT_EQ(ShardLayout::for_count(0).count, 1U);
  EXPECT_EQ(ShardLayout::for_count(1).bits, 0);
  EXPECT_EQ(ShardLayout::for_count(2).bits, 1);
  EXPECT_EQ(ShardLayout::for_count(3).bits, 2);
  EXPECT_EQ(ShardLayout::for_count(4).bits, 2);
  EXPECT_EQ(ShardLayout::for_count(5).bits, 3);
}

TEST(ShardLayout, OneShardOwnsEverything) {
  auto layout = ShardLayout::for_count(1);
  EXPECT_EQ(layout.shard_of_peer(address("10.1.2.3")), 0U);
  EXPECT_EQ(layout.shard_of_tag(0xffffffff), 0U);
  EXPECT_EQ(layout.shard_of_message(message(~0ULL, ~0ULL, 0), address("10.1.2.3")), 0U);
}

TEST(ShardLayout, ANewIkeSaInitGoesToThePeersShard) {
  auto layout = ShardLayout::for_count(4);
  for (int host = 1; host < 40; ++host) {
    auto peer = address(("10.7.0." + std::to_string(host)).c_str());
    EXPECT_EQ(layout.shard_of_message(message(0x1234567812345678ULL, 0, kInitiatorFlag), peer),
              layout.shard_of_peer(peer));
  }
}

TEST(ShardLayout, OurSpiNamesTheShard) {
  auto layout = ShardLayout::for_count(4);
  auto peer = address("10.7.0.1");
  std::uint64_t ours_on_shard_2 = (std::uint64_t{2} << 62) | 0x1234;
  std::uint64_t theirs = 0xffffffff00000000ULL;  // its top bits name shard 3
  // A request from the original initiator: ours is SPIr.
  EXPECT_EQ(layout.shard_of_message(message(theirs, ours_on_shard_2, kInitiatorFlag), peer), 2U);
  // The response to our IKE_SA_INIT, and a request from the responder: ours is SPIi.
  EXPECT_EQ(layout.shard_of_message(message(ours_on_shard_2, theirs, kResponseFlag), peer), 2U);
  EXPECT_EQ(layout.shard_of_message(message(ours_on_shard_2, theirs, 0), peer), 2U);
}

TEST(ShardLayout, AnSpiTagNoShardHasGoesToThePeersShard) {
  auto layout = ShardLayout::for_count(3);  // 2 bits: tag 3 is nobody's
  auto peer = address("10.7.0.9");
  std::uint64_t tagged_3 = (std::uint64_t{3} << 62) | 1;
  EXPECT_EQ(layout.shard_of_message(message(tagged_3, 0x99, 0), peer), layout.shard_of_peer(peer));
  EXPECT_EQ(layout.shard_of_tag(3), 0U);
  EXPECT_EQ(layout.shard_of_tag((17U << 2) | 2U), 2U);
}

TEST(ShardLayout, ARuntGoesToThePeersShard) {
  auto layout = ShardLayout::for_count(2);
  auto peer = address("10.7.0.3");
  ike::Bytes runt(27, 0xff);
  EXPECT_EQ(layout.shard_of_message(runt, peer), layout.shard_of_peer(peer));
  EXPECT_EQ(layout.shard_of_message({}, peer), layout.shard_of_peer(peer));
}

TEST(ShardLayout, ConsecutiveClientsSpreadEvenly) {
  for (std::size_t count : {2U, 3U, 4U}) {
    auto layout = ShardLayout::for_count(count);
    std::array<int, 4> per_shard{};
    for (int host = 1; host <= 254; ++host) {
      auto peer = address(("10.77.0." + std::to_string(host)).c_str());
      ++per_shard[layout.shard_of_peer(peer)];
    }
    int expected = 254 / static_cast<int>(count);
    for (std::size_t shard = 0; shard < count; ++shard) {
      EXPECT_GT(per_shard[shard], expected * 3 / 4) << count << " shards, shard " << shard;
      EXPECT_LT(per_shard[shard], expected * 5 / 4) << count << " shards, shard " << shard;
    }
  }
}

TEST(ShardLayout, IPv6PeersAreSpreadToo) {
  auto layout = ShardLayout::for_count(2);
  std::array<int, 2> per_shard{};
  for (int host = 1; host <= 200; ++host) {
    auto peer = address(("fd00::" + std::to_string(host)).c_str());
    ++per_shard[layout.shard_of_peer(peer)];
  }
  EXPECT_GT(per_shard[0], 70);
  EXPECT_GT(per_shard[1], 70);
}

}  // namespace
}  // namespace ikev2d::runtime
