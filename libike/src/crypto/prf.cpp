#include "ike/crypto/prf.hpp"

#include <openssl/core_names.h>
#include <openssl/params.h>

#include <algorithm>
#include <string>

#include "crypto/keying_support.hpp"

namespace ike::crypto {

using keying::EvpMac;
using keying::EvpMacCtx;
using keying::openssl_error;

struct Prf::State {
  wire::PrfAlgorithm algorithm;
  std::size_t output_size;
  EvpMac mac;
  /// HMAC with the digest chosen and an empty key. Each evaluation duplicates
  /// it and sets the real key, so the digest is fetched once here and never
  /// per call (a keyless context cannot be duplicated, hence the empty key).
  EvpMacCtx keyless;
};

namespace {

const char* digest_name(wire::PrfAlgorithm algorithm) noexcept {
  switch (algorithm) {
    case wire::PrfAlgorithm::hmac_sha2_256:
      return "SHA2-256";
    case wire::PrfAlgorithm::hmac_sha2_384:
      return "SHA2-384";
    case wire::PrfAlgorithm::hmac_sha2_512:
      return "SHA2-512";
    default:
      return nullptr;
  }
}

/// HMAC needs a non-null key pointer even for an empty key.
const std::uint8_t* key_pointer(ByteView key) noexcept {
  static constexpr std::uint8_t kNoKey = 0;
  return key.empty() ? &kNoKey : key.data();
}

/// One PRF evaluation: keyed, fed piece by piece, finished into `out`.
class Evaluation {
 public:
  static Result<Evaluation> start(const EVP_MAC_CTX* keyless, ByteView key) {
    EvpMacCtx ctx(EVP_MAC_CTX_dup(keyless));
    if (!ctx) return openssl_error(Errc::crypto_failure, "PRF: cannot duplicate the HMAC context");
    if (EVP_MAC_init(ctx.get(), key_pointer(key), key.size(), nullptr) != 1)
      return openssl_error(Errc::crypto_failure, "PRF: cannot key HMAC");
    return Evaluation(std::move(ctx));
  }

  /// Starts the next evaluation under the same key: HMAC re-initialised
  /// from its saved inner/outer pad state (EVP_MAC_init with a null key
  /// reuses the key), so prf+ neither duplicates a context nor re-derives
  /// the pads for every block.
  Status restart() {
    if (EVP_MAC_init(ctx_.get(), nullptr, 0, nullptr) != 1)
      return openssl_error(Errc::crypto_failure, "PRF: cannot re-initialise HMAC");
    return {};
  }

  Status feed(ByteView data) {
    if (!data.empty() && EVP_MAC_update(ctx_.get(), data.data(), data.size()) != 1)
      return openssl_error(Errc::crypto_failure, "PRF: HMAC update failed");
    return {};
  }

  Status finish(std::span<std::uint8_t> out) {
    std::size_t written = 0;
    if (EVP_MAC_final(ctx_.get(), out.data(), &written, out.size()) != 1 || written != out.size())
      return openssl_error(Errc::crypto_failure, "PRF: HMAC final failed");
    return {};
  }

 private:
  explicit Evaluation(EvpMacCtx ctx) : ctx_(std::move(ctx)) {}
  EvpMacCtx ctx_;
};

}  // namespace

bool Prf::is_supported(wire::PrfAlgorithm algorithm) noexcept {
  return digest_name(algorithm) != nullptr;
}

Result<Prf> Prf::create(wire::PrfAlgorithm algorithm) {
  const char* digest = digest_name(algorithm);
  if (digest == nullptr) {
    return make_error(Errc::unsupported_algorithm,
                      "PRF: " + wire::to_string(algorithm) + " is not supported (HMAC-SHA2 only)");
  }
  EvpMac mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  if (!mac) return openssl_error(Errc::crypto_failure, "PRF: cannot fetch HMAC");
  EvpMacCtx keyless(EVP_MAC_CTX_new(mac.get()));
  if (!keyless) return openssl_error(Errc::crypto_failure, "PRF: cannot create an HMAC context");
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
      OSSL_PARAM_construct_end()};
  if (EVP_MAC_init(keyless.get(), key_pointer({}), 0, params) != 1)
    return openssl_error(Errc::crypto_failure, std::string("PRF: cannot set up HMAC-") + digest);
  std::size_t output_size = EVP_MAC_CTX_get_mac_size(keyless.get());
  if (output_size == 0)
    return openssl_error(Errc::crypto_failure, "PRF: HMAC reports no output size");
  return Prf(std::make_shared<const State>(
      State{algorithm, output_size, std::move(mac), std::move(keyless)}));
}

wire::PrfAlgorithm Prf::algorithm() const noexcept {
  return state_->algorithm;
}

std::size_t Prf::output_size() const noexcept {
  return state_->output_size;
}

std::size_t Prf::preferred_key_size() const noexcept {
  return state_->output_size;
}

Result<SecretBytes> Prf::compute(ByteView key, ByteView data) const {
  return compute(key, {data});
}

Result<SecretBytes> Prf::compute(ByteView key, std::initializer_list<ByteView> data) const {
  auto evaluation = Evaluation::start(state_->keyless.get(), key);
  if (!evaluation) return std::move(evaluation).error();
  for (ByteView part : data) {
    if (auto fed = evaluation->feed(part); !fed) return std::move(fed).error();
  }
  SecretBytes out(state_->output_size);
  if (auto done = evaluation->finish(out.span()); !done) return std::move(done).error();
  return out;
}

Result<SecretBytes> Prf::prf_plus(ByteView key, ByteView seed, std::size_t length) const {
  return prf_plus(key, {seed}, length);
}

Result<SecretBytes> Prf::prf_plus(ByteView key, std::initializer_list<ByteView> seed_parts,
                                  std::size_t length) const {
  const std::size_t block_size = state_->output_size;
  const std::size_t blocks = (length + block_size - 1) / block_size;
  if (blocks > kMaxPrfPlusBlocks) {
    return make_error(Errc::invalid_argument,
                      "prf+: " + std::to_string(length) + " octets requested but " +
                          wire::to_string(state_->algorithm) + " yields at most " +
                          std::to_string(kMaxPrfPlusBlocks * block_size) + " (255 blocks of " +
                          std::to_string(block_size) + ")");
  }
  SecretBytes out(length);
  SecretBytes block(block_size);  // T(n), also the chaining input of T(n+1)
  // Every block is keyed with the same `key` (RFC 7296 2.13): key once.
  auto evaluation = Evaluation::start(state_->keyless.get(), key);
  if (!evaluation) return std::move(evaluation).error();
  for (std::size_t n = 1; n <= blocks; ++n) {
    const std::uint8_t counter = static_cast<std::uint8_t>(n);
    Status fed = n > 1 ? evaluation->restart() : Status{};
    if (fed && n > 1) fed = evaluation->feed(block);
    for (auto part = seed_parts.begin(); fed && part != seed_parts.end(); ++part)
      fed = evaluation->feed(*part);
    if (fed) fed = evaluation->feed(ByteView(&counter, 1));
    if (fed) fed = evaluation->finish(block.span());
    if (!fed) return std::move(fed).error();
    const std::size_t offset = (n - 1) * block_size;
    const std::size_t take = std::min(block_size, length - offset);
    std::copy_n(block.data(), take, out.data() + offset);
  }
  return out;
}

}  // namespace ike::crypto
