#include "rekey_rules.hpp"

#include <algorithm>
#include <array>

namespace ike::sa {

namespace {
bool octets_less(ByteView a, ByteView b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
}
ByteView lower(ByteView a, ByteView b) {
  return octets_less(b, a) ? b : a;
}
}  // namespace

bool lowest_nonce_in(ByteView nonce_i, ByteView nonce_r, ByteView other_nonce_i,
                     ByteView other_nonce_r) {
  return octets_less(lower(nonce_i, nonce_r), lower(other_nonce_i, other_nonce_r));
}

Duration rekey_retry_delay(RandomSource& random) {
  std::array<std::uint8_t, 2> jitter{};
  random.fill(jitter);
  auto extra = (jitter[0] << 8 | jitter[1]) % 10001;
  return seconds(10) + milliseconds(extra);
}

}  // namespace ike::sa
