// Curve25519 and Curve448 (RFC 8031, RFC 7748) through OpenSSL's X25519/X448.

#include <openssl/crypto.h>

#include <string>

#include "crypto/key_exchange_groups.hpp"
#include "crypto/keying_support.hpp"

namespace ike::crypto::keying {

namespace {

class EcxKeyExchange final : public KeyExchange {
 public:
  EcxKeyExchange(const GroupInfo& info, Bytes public_value, EvpPkey key)
      : KeyExchange(info.group, std::move(public_value)), info_(info), key_(std::move(key)) {}

 private:
  Result<SecretBytes> derive(ByteView peer_public_value) const override;

  const GroupInfo& info_;
  EvpPkey key_;
};

Result<SecretBytes> EcxKeyExchange::derive(ByteView peer_public_value) const {
  const std::string prefix = group_prefix(info_);
  EvpPkey peer(EVP_PKEY_new_raw_public_key_ex(nullptr, info_.openssl_name, nullptr,
                                              peer_public_value.data(), peer_public_value.size()));
  if (!peer) return openssl_error(Errc::invalid_public_value, prefix + "cannot load public value");
  EvpPkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key_.get(), nullptr));
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_derive_set_peer_ex(ctx.get(), peer.get(), 0) != 1) {
    return openssl_error(Errc::crypto_failure, prefix + "cannot set up key derivation");
  }
  SecretBytes secret(info_.element_size);
  std::size_t length = secret.size();
  // OpenSSL refuses to return an all-zero result (RFC 7748 6.1 / 6.2), which
  // is what a low-order public value yields; any 32/56 octets are otherwise a
  // valid u coordinate, so a failure here means the peer sent such a point.
  if (EVP_PKEY_derive(ctx.get(), secret.data(), &length) != 1) {
    return openssl_error(Errc::invalid_public_value,
                         prefix +
                             "the shared secret is all-zero (low-order public value, "
                             "RFC 7748 6)");
  }
  if (length != secret.size() || all_zero_ct(secret)) {
    return make_error(Errc::invalid_public_value,
                      prefix +
                          "the shared secret is all-zero (low-order public value, "
                          "RFC 7748 6)");
  }
  return secret;
}

}  // namespace

KeyExchangeResult ecx_from_private_key(const GroupInfo& info, ByteView raw_key) {
  const std::string prefix = group_prefix(info);
  if (raw_key.size() != info.private_size) {
    return make_error(Errc::invalid_argument,
                      prefix + "private key of " + std::to_string(raw_key.size()) +
                          " octets, expected " + std::to_string(info.private_size));
  }
  EvpPkey key(EVP_PKEY_new_raw_private_key_ex(nullptr, info.openssl_name, nullptr, raw_key.data(),
                                              raw_key.size()));
  if (!key) return openssl_error(Errc::crypto_failure, prefix + "cannot load private key");
  Bytes public_value(info.element_size);
  std::size_t length = public_value.size();
  if (EVP_PKEY_get_raw_public_key(key.get(), public_value.data(), &length) != 1 ||
      length != public_value.size()) {
    return openssl_error(Errc::crypto_failure, prefix + "cannot compute the public value");
  }
  return std::unique_ptr<KeyExchange>(
      new EcxKeyExchange(info, std::move(public_value), std::move(key)));
}

KeyExchangeResult create_ecx(const GroupInfo& info, RandomSource& random) {
  // RFC 7748 5: any string of 32/56 octets is a private key; X25519/X448
  // clamp it themselves.
  SecretBytes raw_key(info.private_size);
  random.fill(raw_key.span());
  return ecx_from_private_key(info, raw_key);
}

}  // namespace ike::crypto::keying
