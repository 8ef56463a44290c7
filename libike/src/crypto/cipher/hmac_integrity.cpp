#include <openssl/core_names.h>
#include <openssl/crypto.h>

#include <array>
#include <string>

#include "crypto/cipher/fetched_algorithms.hpp"
#include "ike/crypto/integrity_hmac.hpp"

namespace ike::crypto {

struct HmacIntegrity::State {
  /// Keyed once; EVP_MAC_init with a null key restarts with the same key.
  detail::MacCtxPtr ctx;
  std::string name;
};

namespace {
constexpr std::size_t kMaxDigestSize = 64;
}

Result<HmacIntegrity> HmacIntegrity::create(const CipherAlgorithms& algorithms,
                                            const IntegrityDescription& description, ByteView key) {
  if (key.size() != description.key_size)
    return make_error(Errc::invalid_argument, std::string(description.name) + ": key of " +
                                                  std::to_string(key.size()) + " bytes, expected " +
                                                  std::to_string(description.key_size));
  EVP_MAC* hmac = algorithms.fetched().hmac.get();
  if (hmac == nullptr)
    return make_error(Errc::unsupported_algorithm, "HMAC is not offered by the OpenSSL providers");
  auto state = std::make_unique<State>();
  state->ctx.reset(EVP_MAC_CTX_new(hmac));
  if (!state->ctx) return detail::openssl_error("EVP_MAC_CTX_new");
  std::string digest(description.digest);
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest.data(), 0),
                         OSSL_PARAM_construct_end()};
  if (EVP_MAC_init(state->ctx.get(), key.data(), key.size(), params) != 1)
    return detail::openssl_error(std::string(description.name) + " key setup");
  if (EVP_MAC_CTX_get_mac_size(state->ctx.get()) < description.icv_size)
    return make_error(Errc::crypto_failure, std::string(description.name) + ": digest too short");
  state->name = description.name;
  return HmacIntegrity(std::move(state), description.icv_size);
}

HmacIntegrity::HmacIntegrity(std::unique_ptr<State> state, std::size_t icv_size)
    : state_(std::move(state)), icv_size_(icv_size) {}
HmacIntegrity::HmacIntegrity(HmacIntegrity&&) noexcept = default;
HmacIntegrity& HmacIntegrity::operator=(HmacIntegrity&&) noexcept = default;
HmacIntegrity::~HmacIntegrity() = default;

Status HmacIntegrity::compute(std::initializer_list<ByteView> parts, std::span<std::uint8_t> icv) {
  if (icv.size() != icv_size_)
    return make_error(Errc::invalid_argument, state_->name + ": ICV buffer of wrong size");
  EVP_MAC_CTX* ctx = state_->ctx.get();
  if (EVP_MAC_init(ctx, nullptr, 0, nullptr) != 1)
    return detail::openssl_error(state_->name + " restart");
  for (ByteView part : parts) {
    if (!part.empty() && EVP_MAC_update(ctx, part.data(), part.size()) != 1)
      return detail::openssl_error(state_->name + " update");
  }
  std::array<std::uint8_t, kMaxDigestSize> full{};
  std::size_t full_size = 0;
  if (EVP_MAC_final(ctx, full.data(), &full_size, full.size()) != 1 || full_size < icv_size_)
    return detail::openssl_error(state_->name + " final");
  // RFC 4868 2.3: the ICV is the leftmost bits of the HMAC output.
  std::copy(full.begin(), full.begin() + icv_size_, icv.begin());
  OPENSSL_cleanse(full.data(), full.size());
  return {};
}

Result<Bytes> HmacIntegrity::compute(ByteView data) {
  Bytes icv(icv_size_);
  auto status = compute({data}, icv);
  if (!status) return std::move(status).error();
  return icv;
}

Status HmacIntegrity::verify(std::initializer_list<ByteView> parts, ByteView icv) {
  std::array<std::uint8_t, kMaxDigestSize> expected{};
  std::span<std::uint8_t> expected_view(expected.data(), icv_size_);
  auto status = compute(parts, expected_view);
  if (!status) return status;
  bool equal = icv.size() == icv_size_ && constant_time_equal(expected_view, icv);
  if (!equal)
    return make_error(Errc::integrity_check_failed,
                      state_->name + ": integrity checksum does not verify");
  return {};
}

}  // namespace ike::crypto
