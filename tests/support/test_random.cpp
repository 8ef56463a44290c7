#include "support/test_random.hpp"

#include <openssl/sha.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace ike::test {

void SeededRandom::fill(std::span<std::uint8_t> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    std::uint8_t block_input[16];
    std::memcpy(block_input, &seed_, 8);
    std::memcpy(block_input + 8, &counter_, 8);
    ++counter_;
    std::uint8_t digest[SHA256_DIGEST_LENGTH];
    SHA256(block_input, sizeof block_input, digest);
    std::size_t take = std::min(out.size() - done, sizeof digest);
    std::memcpy(out.data() + done, digest, take);
    done += take;
  }
}

void ScriptedRandom::fill(std::span<std::uint8_t> out) {
  if (!queued_.empty() && queued_.front().size() == out.size()) {
    std::copy(queued_.front().begin(), queued_.front().end(), out.begin());
    queued_.pop_front();
    return;
  }
  fallback_.fill(out);
}

Bytes hex(std::string_view text) {
  auto bytes = from_hex(text);
  if (!bytes) std::abort();
  return *bytes;
}

}  // namespace ike::test
