#pragma once
/// Which shard owns an input (DESIGN.md "Scale"). A shard's engine tags the
/// IKE SPIs, serials and reqids it allocates with its index in their top or
/// low bits (EngineSettings::shard), so most inputs name their shard. What
/// names none (a new IKE_SA_INIT, an initiation) goes to the shard of the
/// peer's address: every IKE SA with one peer address lives on one shard,
/// so the engine's per-peer rules (INITIAL_CONTACT, simultaneous initiation,
/// rekey collisions) see all of them.

#include <cstddef>
#include <cstdint>

#include "ike/bytes.hpp"
#include "ike/ts/ip_address.hpp"

namespace ikev2d::runtime {

/// How many shards, and how many tag bits their index needs.
struct ShardLayout {
  std::size_t count = 1;
  std::uint8_t bits = 0;

  /// count shards (at least 1), with the fewest bits that number them.
  static ShardLayout for_count(std::size_t count) noexcept;

  /// The shard of a peer address (a stable hash; 0 with one shard).
  std::size_t shard_of_peer(const ike::IpAddress& address) const noexcept;
  /// The shard in the low bits of an engine serial or reqid.
  std::size_t shard_of_tag(std::uint32_t tagged) const noexcept;
  /// The shard of an IKE message from `remote`: the tag in our SPI (SPIr in a
  /// message from the original initiator, SPIi otherwise), or the peer's
  /// shard when our SPI is still zero or carries no shard we have (the
  /// owning engine answers it, e.g. with INVALID_IKE_SPI).
  std::size_t shard_of_message(ike::ByteView message, const ike::IpAddress& remote) const noexcept;
};

}  // namespace ikev2d::runtime
