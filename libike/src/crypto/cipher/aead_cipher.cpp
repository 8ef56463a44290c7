#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>

#include <array>
#include <string>

#include "crypto/cipher/fetched_algorithms.hpp"
#include "ike/crypto/cipher_aead.hpp"

namespace ike::crypto {

struct AeadCipher::State {
  /// Only the key is kept, and each message keys a fresh context: a keyed
  /// EVP_CIPHER_CTX holds about 1.1 kB (most of it the provider's GCM
  /// state), an IKE SA has two of these ciphers, and after IKE_AUTH it seals
  /// or opens a message only now and then (issue 6: heap per IKE SA).
  detail::CipherPtr cipher;  ///< an up-reference to the fetched cipher
  std::array<std::uint8_t, 32> key{};
  std::size_t key_size = 0;
  std::array<std::uint8_t, 4> salt{};
  std::string_view name;  ///< a literal of cipher_description.cpp

  ~State() {
    OPENSSL_cleanse(key.data(), key.size());
    OPENSSL_cleanse(salt.data(), salt.size());
  }
};

namespace {

constexpr std::size_t kNonceSize = 12;

/// A context keyed for one message with `key` and the nonce `salt` || `iv`.
Result<detail::CipherCtxPtr> message_context(EVP_CIPHER* cipher, const std::uint8_t* key,
                                             std::span<const std::uint8_t, 4> salt, ByteView iv,
                                             int encrypt) {
  std::array<std::uint8_t, kNonceSize> nonce{};
  std::copy(salt.begin(), salt.end(), nonce.begin());
  std::copy(iv.begin(), iv.end(), nonce.begin() + 4);
  detail::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return detail::openssl_error("EVP_CIPHER_CTX_new");
  if (EVP_CipherInit_ex2(ctx.get(), cipher, key, nonce.data(), encrypt, nullptr) != 1)
    return detail::openssl_error("AEAD key and nonce");
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
  auto state = std::make_unique<State>();
  if (description.key_size > state->key.size() ||
      static_cast<int>(description.key_size) != EVP_CIPHER_get_key_length(cipher))
    return make_error(Errc::invalid_argument,
                      std::string(description.name) + ": unexpected key size");
  if (EVP_CIPHER_up_ref(cipher) != 1) return detail::openssl_error("EVP_CIPHER_up_ref");
  state->cipher.reset(cipher);
  std::copy(keying_material.begin(), keying_material.begin() + description.key_size,
            state->key.begin());
  state->key_size = description.key_size;
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
    return make_error(Errc::invalid_argument,
                      std::string(state_->name) + " seal: wrong IV, tag or data size");
  auto keyed = message_context(state_->cipher.get(), state_->key.data(), state_->salt, iv, 1);
  if (!keyed) return std::move(keyed).error();
  EVP_CIPHER_CTX* ctx = keyed->get();
  int written = 0;
  if (!aad.empty() &&
      EVP_CipherUpdate(ctx, nullptr, &written, aad.data(), static_cast<int>(aad.size())) != 1)
    return detail::openssl_error(std::string(state_->name) + " associated data");
  if (!data.empty() &&
      EVP_CipherUpdate(ctx, data.data(), &written, data.data(), static_cast<int>(data.size())) != 1)
    return detail::openssl_error(std::string(state_->name) + " encrypt");
  std::uint8_t no_output[32];  // a stream AEAD's final step writes nothing
  if (EVP_CipherFinal_ex(ctx, no_output, &written) != 1)
    return detail::openssl_error(std::string(state_->name) + " encrypt final");
  if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, static_cast<int>(tag.size()), tag.data()) !=
      1)
    return detail::openssl_error(std::string(state_->name) + " tag");
  return {};
}

Status AeadCipher::open(ByteView iv, ByteView aad, std::span<std::uint8_t> data, ByteView tag) {
  if (iv.size() != iv_size_ || tag.size() != tag_size_ || !detail::fits_int(aad.size()) ||
      !detail::fits_int(data.size()))
    return make_error(Errc::invalid_argument,
                      std::string(state_->name) + " open: wrong IV, tag or data size");
  auto fail = [&](Error error) {
    OPENSSL_cleanse(data.data(), data.size());
    return error;
  };
  auto keyed = message_context(state_->cipher.get(), state_->key.data(), state_->salt, iv, 0);
  if (!keyed) return fail(std::move(keyed).error());
  EVP_CIPHER_CTX* ctx = keyed->get();
  int written = 0;
  // OpenSSL's provider copies the expected tag, so the const_cast never writes.
  if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag.size()),
                          const_cast<std::uint8_t*>(tag.data())) != 1)
    return fail(detail::openssl_error(std::string(state_->name) + " tag"));
  if (!aad.empty() &&
      EVP_CipherUpdate(ctx, nullptr, &written, aad.data(), static_cast<int>(aad.size())) != 1)
    return fail(detail::openssl_error(std::string(state_->name) + " associated data"));
  if (!data.empty() &&
      EVP_CipherUpdate(ctx, data.data(), &written, data.data(), static_cast<int>(data.size())) != 1)
    return fail(detail::openssl_error(std::string(state_->name) + " decrypt"));
  std::uint8_t no_output[32];  // a stream AEAD's final step writes nothing
  if (EVP_CipherFinal_ex(ctx, no_output, &written) != 1) {
    ERR_clear_error();
    return fail(make_error(Errc::integrity_check_failed,
                           std::string(state_->name) + ": authentication tag does not verify"));
  }
  return {};
}

}  // namespace ike::crypto
