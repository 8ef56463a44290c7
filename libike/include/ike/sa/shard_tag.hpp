#pragma once
/// Shard tags for the numbers an engine hands out (DESIGN.md "Scale").
///
/// A sharded daemon runs one engine per thread. Each engine tags what it
/// allocates with its shard index (EngineSettings::shard, shard_bits wide):
/// IKE SPIs in their top bits (engine_sa_table.cpp), IKE SA serials and
/// reqids in their low bits, so that serials and reqids of different engines
/// never collide and the daemon finds the owning engine of an `ikectl`
/// serial or a kernel ACQUIRE's reqid as `shard_of(value, shard_bits)`.
/// With shard_bits == 0 a tagged value is the counter itself.

#include <cstdint>

namespace ike::sa {

struct ShardTag {
  std::uint8_t shard = 0;
  std::uint8_t bits = 0;

  /// `(counter << bits) | shard`.
  constexpr std::uint32_t tagged(std::uint32_t counter) const noexcept {
    return bits == 0 ? counter : (counter << bits) | shard;
  }

  /// The next tagged value from `counter` (which starts at 1 and counts
  /// untagged values). Never 0 (0 means "none" for serials and reqids): a
  /// counter that runs out of its 32 - bits bits starts again at 1.
  std::uint32_t take(std::uint32_t& counter) const noexcept {
    std::uint32_t limit = bits == 0 ? 0 : std::uint32_t{1} << (32 - bits);
    if (counter == 0 || (limit != 0 && counter >= limit)) counter = 1;
    return tagged(counter++);
  }

  /// The shard a value tagged with `bits` tag bits belongs to.
  static constexpr std::uint8_t shard_of(std::uint32_t value, std::uint8_t bits) noexcept {
    return static_cast<std::uint8_t>(value & ((std::uint32_t{1} << bits) - 1));
  }
};

}  // namespace ike::sa
