#include "ike/crypto/key_material.hpp"

#include <array>
#include <string>

namespace ike::crypto {

namespace {

std::array<std::uint8_t, 8> big_endian(std::uint64_t value) {
  std::array<std::uint8_t, 8> out{};
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<std::uint8_t>(value >> (56 - 8 * i));
  return out;
}

/// Hands out consecutive pieces of a prf+ output.
class KeySplitter {
 public:
  explicit KeySplitter(const SecretBytes& keymat) : keymat_(keymat) {}
  SecretBytes take(std::size_t length) {
    SecretBytes piece = keymat_.slice(offset_, length);
    offset_ += length;
    return piece;
  }

 private:
  const SecretBytes& keymat_;
  std::size_t offset_ = 0;
};

}  // namespace

Result<SecretBytes> compute_skeyseed(const Prf& prf, ByteView nonce_i, ByteView nonce_r,
                                     ByteView shared_secret) {
  // The key is Ni | Nr: a concatenation of public values, so building it is fine.
  return prf.compute(concat({nonce_i, nonce_r}), shared_secret);
}

Result<SecretBytes> compute_rekeyed_skeyseed(const Prf& old_prf, ByteView old_sk_d,
                                             ByteView new_shared_secret, ByteView nonce_i,
                                             ByteView nonce_r) {
  return old_prf.compute(old_sk_d, {new_shared_secret, nonce_i, nonce_r});
}

Result<IkeSaKeys> derive_ike_sa_keys(const Prf& prf, ByteView skeyseed, ByteView nonce_i,
                                     ByteView nonce_r, std::uint64_t spi_i, std::uint64_t spi_r,
                                     const IkeKeySizes& sizes) {
  if (sizes.prf_key == 0 || sizes.encryption_key == 0) {
    return make_error(Errc::invalid_argument,
                      "IKE SA keys: SK_d/SK_p size " + std::to_string(sizes.prf_key) +
                          " and SK_e size " + std::to_string(sizes.encryption_key) +
                          " must both be non-zero");
  }
  const auto spi_i_octets = big_endian(spi_i);
  const auto spi_r_octets = big_endian(spi_r);
  auto keymat =
      prf.prf_plus(skeyseed, {nonce_i, nonce_r, spi_i_octets, spi_r_octets}, sizes.total());
  if (!keymat) return std::move(keymat).error();
  KeySplitter split(*keymat);
  IkeSaKeys keys;
  keys.sk_d = split.take(sizes.prf_key);
  keys.sk_ai = split.take(sizes.integrity_key);
  keys.sk_ar = split.take(sizes.integrity_key);
  keys.sk_ei = split.take(sizes.encryption_key);
  keys.sk_er = split.take(sizes.encryption_key);
  keys.sk_pi = split.take(sizes.prf_key);
  keys.sk_pr = split.take(sizes.prf_key);
  return keys;
}

Result<ChildSaKeys> derive_child_sa_keys(const Prf& prf, ByteView sk_d, ByteView nonce_i,
                                         ByteView nonce_r, const ChildKeySizes& sizes,
                                         ByteView new_shared_secret) {
  const std::size_t per_direction = sizes.encryption_key + sizes.integrity_key;
  if (per_direction == 0) {
    return make_error(Errc::invalid_argument, "CHILD SA keys: no key requested");
  }
  auto keymat = prf.prf_plus(sk_d, {new_shared_secret, nonce_i, nonce_r}, 2 * per_direction);
  if (!keymat) return std::move(keymat).error();
  KeySplitter split(*keymat);
  ChildSaKeys keys;
  keys.encryption_i = split.take(sizes.encryption_key);
  keys.integrity_i = split.take(sizes.integrity_key);
  keys.encryption_r = split.take(sizes.encryption_key);
  keys.integrity_r = split.take(sizes.integrity_key);
  return keys;
}

}  // namespace ike::crypto
