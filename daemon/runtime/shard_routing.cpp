#include "runtime/shard_routing.hpp"

namespace ikev2d::runtime {

namespace {

/// RFC 7296 3.1: SPIi, SPIr, next payload, version, exchange, flags.
constexpr std::size_t kFlagsOffset = 19;
constexpr std::size_t kHeaderSize = 28;
constexpr std::uint8_t kInitiatorFlag = 0x08;

std::uint64_t read_spi(ike::ByteView bytes, std::size_t offset) noexcept {
  std::uint64_t spi = 0;
  for (std::size_t i = 0; i < 8; ++i)
    spi = (spi << 8) | bytes[offset + i];
  return spi;
}

/// FNV-1a, then a 64-bit finaliser: consecutive addresses (a /24 of
/// clients) must spread evenly over any shard count, not only over powers
/// of two.
std::uint64_t mix(ike::ByteView bytes) noexcept {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (auto byte : bytes) {
    hash ^= byte;
    hash *= 0x100000001b3ULL;
  }
  hash ^= hash >> 33;
  hash *= 0xff51afd7ed558ccdULL;
  hash ^= hash >> 33;
  hash *= 0xc4ceb9fe1a85ec53ULL;
  hash ^= hash >> 33;
  return hash;
}

}  // namespace

ShardLayout ShardLayout::for_count(std::size_t count) noexcept {
  ShardLayout layout;
  layout.count = count == 0 ? 1 : count;
  while ((std::size_t{1} << layout.bits) < layout.count)
    ++layout.bits;
  return layout;
}

std::size_t ShardLayout::shard_of_peer(const ike::IpAddress& address) const noexcept {
  if (count == 1) return 0;
  return static_cast<std::size_t>(mix(address.bytes()) % count);
}

std::size_t ShardLayout::shard_of_tag(std::uint32_t tagged) const noexcept {
  if (bits == 0) return 0;
  std::size_t shard = tagged & ((std::uint32_t{1} << bits) - 1);
  return shard < count ? shard : 0;
}

std::size_t ShardLayout::shard_of_message(ike::ByteView message,
                                          const ike::IpAddress& remote) const noexcept {
  if (count == 1) return 0;
  if (message.size() < kHeaderSize) return shard_of_peer(remote);
  bool from_initiator = (message[kFlagsOffset] & kInitiatorFlag) != 0;
  std::uint64_t ours = read_spi(message, from_initiator ? 8 : 0);
  if (ours == 0) return shard_of_peer(remote);
  auto shard = static_cast<std::size_t>(ours >> (64 - bits));
  return shard < count ? shard : shard_of_peer(remote);
}

}  // namespace ikev2d::runtime
