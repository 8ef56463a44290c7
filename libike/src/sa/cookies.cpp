#include "cookies.hpp"

#include "ike/crypto/pki/openssl_handles.hpp"

namespace ike::sa {

namespace {
constexpr std::size_t kSecretSize = 32;

void append_be(Bytes& out, std::uint64_t value, int bytes) {
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8)
    out.push_back(static_cast<std::uint8_t>(value >> shift));
}
}  // namespace

void CookieJar::rotate_if_due(MonoTime now) {
  if (current_ && now - rotated_at_ < rotation_) return;
  Secret fresh;
  fresh.version = current_ ? current_->version + 1 : 1;
  fresh.value.resize(kSecretSize);
  random_.fill(fresh.value);
  if (current_) {
    if (previous_) secure_wipe(previous_->value);
    previous_ = std::move(current_);
  }
  current_ = std::move(fresh);
  rotated_at_ = now;
}

Bytes CookieJar::compute(const Secret& secret, ByteView nonce_i, const IpAddress& initiator,
                         std::uint64_t spi_i) {
  Bytes input(nonce_i.begin(), nonce_i.end());
  auto address = initiator.bytes();
  input.insert(input.end(), address.begin(), address.end());
  append_be(input, spi_i, 8);
  input.insert(input.end(), secret.value.begin(), secret.value.end());
  Bytes cookie;
  cookie.reserve(kCookieSize);
  append_be(cookie, secret.version, kVersionSize);
  cookie.resize(kCookieSize);
  if (!pki::digest_into(pki::digests().sha256, input, cookie.data() + kVersionSize)) {
    // Without a hash no cookie can verify; an empty one is refused by verify().
    cookie.clear();
  }
  secure_wipe(input);
  return cookie;
}

Bytes CookieJar::make(ByteView nonce_i, const IpAddress& initiator, std::uint64_t spi_i,
                      MonoTime now) {
  rotate_if_due(now);
  return compute(*current_, nonce_i, initiator, spi_i);
}

bool CookieJar::verify(ByteView cookie, ByteView nonce_i, const IpAddress& initiator,
                       std::uint64_t spi_i, MonoTime now) {
  rotate_if_due(now);
  if (cookie.size() != kCookieSize) return false;
  std::uint32_t version = 0;
  for (std::size_t i = 0; i < kVersionSize; ++i)
    version = version << 8 | cookie[i];
  for (const auto* secret : {&current_, &previous_}) {
    if (!*secret || (*secret)->version != version) continue;
    auto expected = compute(**secret, nonce_i, initiator, spi_i);
    return !expected.empty() && constant_time_equal(expected, cookie);
  }
  return false;
}

}  // namespace ike::sa
