// ECP groups 19, 20 and 21 (RFC 5903) through OpenSSL's EC keys and ECDH.

#include <openssl/core_names.h>

#include <algorithm>
#include <string>

#include "crypto/key_exchange_groups.hpp"
#include "crypto/keying_support.hpp"

namespace ike::crypto::keying {

namespace {

/// A private scalar only ever drawn again after landing outside [1, n-1];
/// with n this close to 2^bits, exhausting these attempts means a broken
/// RandomSource.
constexpr int kMaxScalarAttempts = 64;

/// The curve's constants for one exchange, in big-endian octets of the field size.
struct Curve {
  EcGroup group;
  Bytes order;
  Bytes field_prime;
  int order_bits = 0;
};

Result<Curve> load_curve(const GroupInfo& info) {
  const std::string prefix = group_prefix(info);
  Curve curve;
  curve.group.reset(EC_GROUP_new_by_curve_name_ex(nullptr, nullptr, info.curve_nid));
  Bignum prime(BN_new());
  if (!curve.group || !prime ||
      EC_GROUP_get_curve(curve.group.get(), prime.get(), nullptr, nullptr, nullptr) != 1) {
    return openssl_error(Errc::crypto_failure, prefix + "cannot load the curve");
  }
  const BIGNUM* order = EC_GROUP_get0_order(curve.group.get());
  const int size = static_cast<int>(info.element_size);
  curve.order.resize(info.element_size);
  curve.field_prime.resize(info.element_size);
  if (BN_bn2binpad(order, curve.order.data(), size) != size ||
      BN_bn2binpad(prime.get(), curve.field_prime.data(), size) != size) {
    return openssl_error(Errc::crypto_failure, prefix + "curve constants exceed the field size");
  }
  curve.order_bits = BN_num_bits(order);
  return curve;
}

class EcpKeyExchange final : public KeyExchange {
 public:
  EcpKeyExchange(const GroupInfo& info, Bytes public_value, EvpPkey key, Bytes field_prime)
      : KeyExchange(info.group, std::move(public_value)),
        info_(info),
        key_(std::move(key)),
        field_prime_(std::move(field_prime)) {}

 private:
  Result<SecretBytes> derive(ByteView peer_public_value) const override;
  Result<EvpPkey> load_peer(ByteView peer_public_value) const;

  const GroupInfo& info_;
  EvpPkey key_;
  Bytes field_prime_;
};

Result<EvpPkey> EcpKeyExchange::load_peer(ByteView peer_public_value) const {
  const std::string prefix = group_prefix(info_);
  const ByteView x = peer_public_value.first(info_.element_size);
  const ByteView y = peer_public_value.last(info_.element_size);
  if (all_zero_ct(peer_public_value)) {
    // The point at infinity has no x | y form; all zeros is what an attempt looks like.
    return make_error(Errc::invalid_public_value,
                      prefix + "public value is all-zero (the point at infinity)");
  }
  if (!less_than_ct(x, field_prime_) || !less_than_ct(y, field_prime_)) {
    return make_error(Errc::invalid_public_value,
                      prefix + "public value has a coordinate not below the field prime");
  }
  // OpenSSL takes the SEC 1 uncompressed form and checks that it lies on the curve.
  Bytes encoded = concat({Bytes{0x04}, peer_public_value});
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                       const_cast<char*>(info_.openssl_name), 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, encoded.data(), encoded.size()),
      OSSL_PARAM_construct_end()};
  EvpPkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1)
    return openssl_error(Errc::crypto_failure, prefix + "cannot set up EC key import");
  EVP_PKEY* peer = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &peer, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    return openssl_error(Errc::invalid_public_value,
                         prefix + "public value is not a point on the curve");
  }
  return EvpPkey(peer);
}

Result<SecretBytes> EcpKeyExchange::derive(ByteView peer_public_value) const {
  const std::string prefix = group_prefix(info_);
  auto peer = load_peer(peer_public_value);
  if (!peer) return std::move(peer).error();
  EvpPkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key_.get(), nullptr));
  // No second validation in set_peer: the import above checked the point, and
  // the NIST curves have cofactor 1, so every point on them has order n.
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_derive_set_peer_ex(ctx.get(), peer->get(), 0) != 1) {
    return openssl_error(Errc::crypto_failure, prefix + "cannot set up ECDH");
  }
  // RFC 5903 7: g^ir is the x coordinate of the shared point, field-sized,
  // which is exactly what ECDH yields.
  SecretBytes secret(info_.element_size);
  std::size_t length = secret.size();
  if (EVP_PKEY_derive(ctx.get(), secret.data(), &length) != 1 || length != secret.size())
    return openssl_error(Errc::crypto_failure, prefix + "ECDH failed");
  return secret;
}

/// x | y of d*G. OpenSSL 3.0 does not derive the public point when a bare
/// private scalar is imported, so it is computed here (EC_POINT_mul with only
/// the generator uses OpenSSL's constant-time ladder) and imported alongside.
Result<Bytes> public_point(const GroupInfo& info, const Curve& curve, const BIGNUM* scalar) {
  EcPoint point(EC_POINT_new(curve.group.get()));
  BignumCtx bn_ctx(BN_CTX_new());
  Bytes encoded(1 + 2 * info.element_size);
  if (!point || !bn_ctx ||
      EC_POINT_mul(curve.group.get(), point.get(), scalar, nullptr, nullptr, bn_ctx.get()) != 1 ||
      EC_POINT_point2oct(curve.group.get(), point.get(), POINT_CONVERSION_UNCOMPRESSED,
                         encoded.data(), encoded.size(), bn_ctx.get()) != encoded.size()) {
    return openssl_error(Errc::crypto_failure, group_prefix(info) + "cannot compute d*G");
  }
  return encoded;
}

KeyExchangeResult from_scalar(const GroupInfo& info, const Curve& curve, ByteView scalar_octets) {
  const std::string prefix = group_prefix(info);
  SecretBignum scalar(BN_secure_new());
  if (!scalar) return openssl_error(Errc::crypto_failure, prefix + "out of memory");
  BN_set_flags(scalar.get(), BN_FLG_CONSTTIME);
  if (!BN_bin2bn(scalar_octets.data(), static_cast<int>(scalar_octets.size()), scalar.get()))
    return openssl_error(Errc::crypto_failure, prefix + "cannot load the private scalar");
  auto encoded = public_point(info, curve, scalar.get());
  if (!encoded) return std::move(encoded).error();

  // OSSL_PARAM wants the scalar as a native-endian integer.
  SecretBytes native(info.element_size);
  if (BN_bn2nativepad(scalar.get(), native.data(), static_cast<int>(native.size())) < 0)
    return openssl_error(Errc::crypto_failure, prefix + "private scalar exceeds the field size");
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                       const_cast<char*>(info.openssl_name), 0),
      OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_PRIV_KEY, native.data(), native.size()),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, encoded->data(), encoded->size()),
      OSSL_PARAM_construct_end()};
  EvpPkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* key = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_KEYPAIR, params) != 1) {
    return openssl_error(Errc::crypto_failure, prefix + "cannot import the key pair");
  }
  Bytes public_value(encoded->begin() + 1, encoded->end());  // RFC 5903 7: no 0x04 prefix
  return std::unique_ptr<KeyExchange>(
      new EcpKeyExchange(info, std::move(public_value), EvpPkey(key), curve.field_prime));
}

/// Left-pads a scalar of up to the field size to exactly the field size.
SecretBytes field_sized(const GroupInfo& info, ByteView scalar) {
  SecretBytes padded(info.element_size);
  std::copy(scalar.begin(), scalar.end(), padded.data() + (padded.size() - scalar.size()));
  return padded;
}

bool scalar_in_range(const Curve& curve, ByteView field_sized_scalar) {
  return !all_zero_ct(field_sized_scalar) && less_than_ct(field_sized_scalar, curve.order);
}

}  // namespace

KeyExchangeResult ecp_from_private_key(const GroupInfo& info, ByteView scalar) {
  const std::string prefix = group_prefix(info);
  if (scalar.empty() || scalar.size() > info.element_size) {
    return make_error(Errc::invalid_argument,
                      prefix + "private scalar of " + std::to_string(scalar.size()) +
                          " octets, expected 1 to " + std::to_string(info.element_size));
  }
  auto curve = load_curve(info);
  if (!curve) return std::move(curve).error();
  SecretBytes padded = field_sized(info, scalar);
  if (!scalar_in_range(*curve, padded))
    return make_error(Errc::invalid_argument, prefix + "private scalar is not in [1, n-1]");
  return from_scalar(info, *curve, padded);
}

KeyExchangeResult create_ecp(const GroupInfo& info, RandomSource& random) {
  auto curve = load_curve(info);
  if (!curve) return std::move(curve).error();
  // Bits of the field-sized octet string above the order's length (7 for
  // P-521's 66 octets) are cleared, so almost every draw is already below n.
  const int excess_bits = static_cast<int>(8 * info.element_size) - curve->order_bits;
  const auto top_mask = static_cast<std::uint8_t>(0xff >> excess_bits);
  SecretBytes scalar(info.element_size);
  for (int attempt = 0; attempt < kMaxScalarAttempts; ++attempt) {
    random.fill(scalar.span());
    scalar.data()[0] &= top_mask;
    if (scalar_in_range(*curve, scalar)) return from_scalar(info, *curve, scalar);
  }
  return make_error(Errc::crypto_failure,
                    group_prefix(info) + "the random source yielded no scalar in [1, n-1] in " +
                        std::to_string(kMaxScalarAttempts) + " attempts");
}

}  // namespace ike::crypto::keying
