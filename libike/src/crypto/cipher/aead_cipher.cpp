#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>

#include <array>
#include <string>

#include "crypto/cipher/fetched_algorithms.hpp"
#include "ike/crypto/cipher_aead.hpp"

namespace ike::crypto {

struct AeadCipher::State {
  /// Keyed once for encryption and once for decryption; each message only
  /// sets the nonce.
  detail::CipherCtxPtr encrypt;
  detail::CipherCtxPtr decrypt;
  std::array<std::uint8_t, 4> salt{};
  std::string name;

  ~State() { OPENSSL_cleanse(salt.data(), salt.size()); }
};

namespace {

constexpr std::size_t kNonceSize = 12;

Result<detail::CipherCtxPtr> keyed_context(EVP_CIPHER* cipher, ByteView key, int encrypt) {
  detail::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return detail::openssl_error("EVP_CIPHER_CTX_new");
  if (EVP_CipherInit_ex2(ctx.get(), cipher, key.data(), nullptr, encrypt, nullptr) != 1)
    return detail::openssl_error("AEAD key setup");
  return ctx;
}

}  // namespace

Result<AeadCipher> AeadCipher::create(const CipherAlgorithms& algorithms,
                                      const CipherDescription& description,
                                      ByteView keying_material) {
  if (!description.is_aead() || description.salt_size != 4)
    return make_error(Errc::invalid_argument,
                      std::string(description.name) + " is not an AEAD cipher");
  if (keying_material.size() != description.keying_material_size())
    return make_error(Errc::invalid_argument,
                      std::string(description.name) + ": keying material of " +
                          std::to_string(keying_material.size()) + " bytes, expected " +
                          std::to_string(description.keying_material_size()));
  EVP_CIPHER* cipher = algorithms.fetched().cipher(description);
  if (cipher == nullptr)
    return make_error(Errc::unsupported_algorithm,
                      std::string(description.name) + " is not offered by the OpenSSL providers");
  ByteView key = keying_material.first(description.key_size);
  auto state = std::make_unique<State>();
  auto encrypt = keyed_context(cipher, key, 1);
  if (!encrypt) return std::move(encrypt).error();
  auto decrypt = keyed_context(cipher, key, 0);
  if (!decrypt) return std::move(decrypt).error();
  state->encrypt = std::move(*encrypt);
  state->decrypt = std::move(*decrypt);
  std::copy(keying_material.begin() + description.key_size, keying_material.end(),
            state->salt.begin());
  state->name = description.name;
  return AeadCipher(std::move(state), description.iv_size, description.tag_size);
}

AeadCipher::AeadCipher(std::unique_ptr<State> state, std::size_t iv_size, std::size_t tag_size)
    : state_(std::move(state)), iv_size_(iv_size), tag_size_(tag_size) {}
AeadCipher::AeadCipher(AeadCipher&&) noexcept = default;
AeadCipher& AeadCipher::operator=(AeadCipher&&) noexcept = default;
AeadCipher::~AeadCipher() = default;

Status AeadCipher::seal(ByteView iv, ByteView aad, std::span<std::uint8_t> data,
                        std::span<std::uint8_t> tag) {
  if (iv.size() != iv_size_ || tag.size() != tag_size_ || !detail::fits_int(aad.size()) ||
      !detail::fits_int(data.size()))
    return make_error(Errc::invalid_argument, state_->name + " seal: wrong IV, tag or data size");
  std::array<std::uint8_t, kNonceSize> nonce{};
  std::copy(state_->salt.begin(), state_->salt.end(), nonce.begin());
  std::copy(iv.begin(), iv.end(), nonce.begin() + 4);
  EVP_CIPHER_CTX* ctx = state_->encrypt.get();
  int written = 0;
  if (EVP_CipherInit_ex2(ctx, nullptr, nullptr, nonce.data(), 1, nullptr) != 1)
    return detail::openssl_error(state_->name + " nonce");
  if (!aad.empty() &&
      EVP_CipherUpdate(ctx, nullptr, &written, aad.data(), static_cast<int>(aad.size())) != 1)
    return detail::openssl_error(state_->name + " associated data");
  if (!data.empty() &&
      EVP_CipherUpdate(ctx, data.data(), &written, data.data(), static_cast<int>(data.size())) != 1)
    return detail::openssl_error(state_->name + " encrypt");
  std::uint8_t no_output[32];  // a stream AEAD's final step writes nothing
  if (EVP_CipherFinal_ex(ctx, no_output, &written) != 1)
    return detail::openssl_error(state_->name + " encrypt final");
  if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, static_cast<int>(tag.size()), tag.data()) !=
      1)
    return detail::openssl_error(state_->name + " tag");
  return {};
}

Status AeadCipher::open(ByteView iv, ByteView aad, std::span<std::uint8_t> data, ByteView tag) {
  if (iv.size() != iv_size_ || tag.size() != tag_size_ || !detail::fits_int(aad.size()) ||
      !detail::fits_int(data.size()))
    return make_error(Errc::invalid_argument, state_->name + " open: wrong IV, tag or data size");
  std::array<std::uint8_t, kNonceSize> nonce{};
  std::copy(state_->salt.begin(), state_->salt.end(), nonce.begin());
  std::copy(iv.begin(), iv.end(), nonce.begin() + 4);
  EVP_CIPHER_CTX* ctx = state_->decrypt.get();
  auto fail = [&](Error error) {
    OPENSSL_cleanse(data.data(), data.size());
    return error;
  };
  int written = 0;
  if (EVP_CipherInit_ex2(ctx, nullptr, nullptr, nonce.data(), 0, nullptr) != 1)
    return fail(detail::openssl_error(state_->name + " nonce"));
  // OpenSSL's provider copies the expected tag, so the const_cast never writes.
  if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag.size()),
                          const_cast<std::uint8_t*>(tag.data())) != 1)
    return fail(detail::openssl_error(state_->name + " tag"));
  if (!aad.empty() &&
      EVP_CipherUpdate(ctx, nullptr, &written, aad.data(), static_cast<int>(aad.size())) != 1)
    return fail(detail::openssl_error(state_->name + " associated data"));
  if (!data.empty() &&
      EVP_CipherUpdate(ctx, data.data(), &written, data.data(), static_cast<int>(data.size())) != 1)
    return fail(detail::openssl_error(state_->name + " decrypt"));
  std::uint8_t no_output[32];  // a stream AEAD's final step writes nothing
  if (EVP_CipherFinal_ex(ctx, no_output, &written) != 1) {
    ERR_clear_error();
    return fail(make_error(Errc::integrity_check_failed,
                           state_->name + ": authentication tag does not verify"));
  }
  return {};
}

}  // namespace ike::crypto
