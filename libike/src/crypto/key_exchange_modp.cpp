// MODP groups 14, 15 and 16 (RFC 3526) through OpenSSL's DH with the named
// groups modp_2048, modp_3072 and modp_4096.

#include <openssl/core_names.h>
#include <openssl/dh.h>

#include <string>

#include "crypto/key_exchange_groups.hpp"
#include "crypto/keying_support.hpp"

namespace ike::crypto::keying {

namespace {

/// An exponent is only drawn again when below 2, which a working RandomSource
/// practically never yields.
constexpr int kMaxExponentAttempts = 64;

/// The group's prime p and generator g, from OpenSSL's named group.
struct Group {
  Bignum prime;
  Bignum generator;
};

Result<Group> load_group(const GroupInfo& info) {
  const std::string prefix = group_prefix(info);
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                                          const_cast<char*>(info.openssl_name), 0),
                         OSSL_PARAM_construct_end()};
  EvpPkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "DH", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_KEY_PARAMETERS, params) != 1) {
    return openssl_error(Errc::crypto_failure, prefix + "cannot load the named DH group");
  }
  EvpPkey parameters(raw);
  BIGNUM* prime = nullptr;
  BIGNUM* generator = nullptr;
  const bool loaded =
      EVP_PKEY_get_bn_param(parameters.get(), OSSL_PKEY_PARAM_FFC_P, &prime) == 1 &&
      EVP_PKEY_get_bn_param(parameters.get(), OSSL_PKEY_PARAM_FFC_G, &generator) == 1;
  Group group{Bignum(prime), Bignum(generator)};
  if (!loaded || BN_num_bytes(prime) != static_cast<int>(info.element_size))
    return openssl_error(Errc::crypto_failure, prefix + "unexpected DH group parameters");
  return group;
}

/// `number` as big-endian octets of exactly `size`.
Bytes big_endian(const BIGNUM* number, std::size_t size) {
  Bytes out(size);
  BN_bn2binpad(number, out.data(), static_cast<int>(size));
  return out;
}

/// An OSSL_PARAM integer: native-endian octets of the prime's length.
Result<SecretBytes> native_integer(const GroupInfo& info, const BIGNUM* number) {
  SecretBytes out(info.element_size);
  if (BN_bn2nativepad(number, out.data(), static_cast<int>(out.size())) < 0)
    return openssl_error(Errc::crypto_failure, group_prefix(info) + "integer exceeds the prime");
  return out;
}

Result<EvpPkey> import_dh(const GroupInfo& info, int selection, ByteView private_native,
                          ByteView public_native) {
  const std::string prefix = group_prefix(info);
  OSSL_PARAM params[4];
  std::size_t count = 0;
  params[count++] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                                     const_cast<char*>(info.openssl_name), 0);
  if (!private_native.empty()) {
    params[count++] = OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_PRIV_KEY,
                                              const_cast<std::uint8_t*>(private_native.data()),
                                              private_native.size());
  }
  params[count++] = OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_PUB_KEY,
                                            const_cast<std::uint8_t*>(public_native.data()),
                                            public_native.size());
  params[count] = OSSL_PARAM_construct_end();
  EvpPkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "DH", nullptr));
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, selection, params) != 1) {
    return openssl_error(Errc::crypto_failure, prefix + "cannot import the DH key");
  }
  return EvpPkey(key);
}

class ModpKeyExchange final : public KeyExchange {
 public:
  ModpKeyExchange(const GroupInfo& info, Bytes public_value, EvpPkey key, Bytes prime_minus_one)
      : KeyExchange(info.group, std::move(public_value)),
        info_(info),
        key_(std::move(key)),
        prime_minus_one_(std::move(prime_minus_one)) {}

 private:
  Result<SecretBytes> derive(ByteView peer_public_value) const override;
  Status check_range(ByteView peer_public_value) const;

  const GroupInfo& info_;
  EvpPkey key_;
  Bytes prime_minus_one_;  // big endian, the prime's length
};

Status ModpKeyExchange::check_range(ByteView value) const {
  // RFC 6989 2.1: 1 < y < p-1. 1 and p-1 are the elements of order 1 and 2,
  // the only small subgroup of a safe-prime group, and 0 is not in the group;
  // no check of membership in the order-q subgroup is required.
  const bool below_two = all_zero_ct(value.first(value.size() - 1)) && value.back() < 2;
  if (below_two) {
    return make_error(Errc::invalid_public_value, group_prefix(info_) + "public value " +
                                                      std::to_string(value.back()) +
                                                      " is outside [2, p-2]");
  }
  if (!less_than_ct(value, prime_minus_one_)) {
    return make_error(Errc::invalid_public_value,
                      group_prefix(info_) + "public value is p-1 or more, outside [2, p-2]");
  }
  return {};
}

Result<SecretBytes> ModpKeyExchange::derive(ByteView peer_public_value) const {
  const std::string prefix = group_prefix(info_);
  if (auto in_range = check_range(peer_public_value); !in_range) return std::move(in_range).error();
  Bignum peer_number(
      BN_bin2bn(peer_public_value.data(), static_cast<int>(peer_public_value.size()), nullptr));
  if (!peer_number) return openssl_error(Errc::crypto_failure, prefix + "out of memory");
  auto peer_native = native_integer(info_, peer_number.get());
  if (!peer_native) return std::move(peer_native).error();
  auto peer = import_dh(info_, EVP_PKEY_PUBLIC_KEY, {}, *peer_native);
  if (!peer) return std::move(peer).error();

  EvpPkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key_.get(), nullptr));
  // RFC 7296 2.14: g^ir is padded to the length of the modulus.
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_dh_pad(ctx.get(), 1) != 1 ||
      EVP_PKEY_derive_set_peer_ex(ctx.get(), peer->get(), 0) != 1) {
    return openssl_error(Errc::crypto_failure, prefix + "cannot set up DH");
  }
  SecretBytes secret(info_.element_size);
  std::size_t length = secret.size();
  if (EVP_PKEY_derive(ctx.get(), secret.data(), &length) != 1)
    return openssl_error(Errc::crypto_failure, prefix + "DH failed");
  if (length != secret.size()) return make_error(Errc::crypto_failure, prefix + "short DH output");
  return secret;
}

KeyExchangeResult from_exponent(const GroupInfo& info, const Group& group, ByteView exponent) {
  const std::string prefix = group_prefix(info);
  SecretBignum x(BN_secure_new());
  Bignum y(BN_new());
  BignumCtx bn_ctx(BN_CTX_secure_new());
  if (!x || !y || !bn_ctx) return openssl_error(Errc::crypto_failure, prefix + "out of memory");
  BN_set_flags(x.get(), BN_FLG_CONSTTIME);
  Bignum prime_minus_one(BN_dup(group.prime.get()));
  if (!prime_minus_one || !BN_sub_word(prime_minus_one.get(), 1) ||
      !BN_bin2bn(exponent.data(), static_cast<int>(exponent.size()), x.get()))
    return openssl_error(Errc::crypto_failure, prefix + "cannot load the exponent");
  if (BN_cmp(x.get(), BN_value_one()) <= 0 || BN_cmp(x.get(), prime_minus_one.get()) >= 0)
    return make_error(Errc::invalid_argument, prefix + "private exponent is not in [2, p-2]");
  // g^x mod p. OpenSSL 3.0 does not compute the public value when a bare
  // private key is imported, so it is computed here with OpenSSL's
  // constant-time modular exponentiation and imported alongside.
  if (BN_mod_exp_mont_consttime(y.get(), group.generator.get(), x.get(), group.prime.get(),
                                bn_ctx.get(), nullptr) != 1)
    return openssl_error(Errc::crypto_failure, prefix + "cannot compute g^x mod p");

  auto x_native = native_integer(info, x.get());
  auto y_native = native_integer(info, y.get());
  if (!x_native) return std::move(x_native).error();
  if (!y_native) return std::move(y_native).error();
  auto key = import_dh(info, EVP_PKEY_KEYPAIR, *x_native, *y_native);
  if (!key) return std::move(key).error();
  return std::unique_ptr<KeyExchange>(
      new ModpKeyExchange(info, big_endian(y.get(), info.element_size), std::move(*key),
                          big_endian(prime_minus_one.get(), info.element_size)));
}

}  // namespace

KeyExchangeResult modp_from_private_key(const GroupInfo& info, ByteView exponent) {
  if (exponent.empty() || exponent.size() > info.element_size) {
    return make_error(Errc::invalid_argument, group_prefix(info) + "private exponent of " +
                                                  std::to_string(exponent.size()) +
                                                  " octets, expected 1 to " +
                                                  std::to_string(info.element_size));
  }
  auto group = load_group(info);
  if (!group) return std::move(group).error();
  return from_exponent(info, *group, exponent);
}

KeyExchangeResult create_modp(const GroupInfo& info, RandomSource& random) {
  auto group = load_group(info);
  if (!group) return std::move(group).error();
  SecretBytes exponent(info.private_size);
  for (int attempt = 0; attempt < kMaxExponentAttempts; ++attempt) {
    random.fill(exponent.span());
    const bool below_two =
        all_zero_ct(exponent.view().first(exponent.size() - 1)) && exponent.view().back() < 2;
    if (!below_two) return from_exponent(info, *group, exponent);
  }
  return make_error(Errc::crypto_failure,
                    group_prefix(info) + "the random source yielded no exponent of at least 2 in " +
                        std::to_string(kMaxExponentAttempts) + " attempts");
}

}  // namespace ike::crypto::keying
