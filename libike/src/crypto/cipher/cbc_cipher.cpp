#include "ike/crypto/cipher_cbc.hpp"

#include <string>

#include "crypto/cipher/fetched_algorithms.hpp"

namespace ike::crypto {

struct CbcCipher::State {
  /// Separate contexts: AES decryption uses a different key schedule.
  detail::CipherCtxPtr encrypt;
  detail::CipherCtxPtr decrypt;
  std::string name;
};

namespace {

Result<detail::CipherCtxPtr> keyed_context(EVP_CIPHER* cipher, ByteView key, int encrypt) {
  detail::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return detail::openssl_error("EVP_CIPHER_CTX_new");
  if (EVP_CipherInit_ex2(ctx.get(), cipher, key.data(), nullptr, encrypt, nullptr) != 1)
    return detail::openssl_error("AES-CBC key setup");
  // IKE pads itself (RFC 7296 3.14); PKCS#7 padding must stay off.
  if (EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1)
    return detail::openssl_error("AES-CBC padding off");
  return ctx;
}

}  // namespace

Result<CbcCipher> CbcCipher::create(const CipherAlgorithms& algorithms,
                                    const CipherDescription& description, ByteView key) {
  if (description.family != CipherFamily::aes_cbc)
    return make_error(Errc::invalid_argument, std::string(description.name) + " is not AES-CBC");
  if (key.size() != description.key_size)
    return make_error(Errc::invalid_argument, std::string(description.name) + ": key of " +
                                                  std::to_string(key.size()) + " bytes, expected " +
                                                  std::to_string(description.key_size));
  EVP_CIPHER* cipher = algorithms.fetched().cipher(description);
  if (cipher == nullptr)
    return make_error(Errc::unsupported_algorithm,
                      std::string(description.name) + " is not offered by the OpenSSL providers");
  auto state = std::make_unique<State>();
  auto encrypt = keyed_context(cipher, key, 1);
  if (!encrypt) return std::move(encrypt).error();
  auto decrypt = keyed_context(cipher, key, 0);
  if (!decrypt) return std::move(decrypt).error();
  state->encrypt = std::move(*encrypt);
  state->decrypt = std::move(*decrypt);
  state->name = description.name;
  return CbcCipher(std::move(state), description.block_size);
}

CbcCipher::CbcCipher(std::unique_ptr<State> state, std::size_t block_size)
    : state_(std::move(state)), block_size_(block_size) {}
CbcCipher::CbcCipher(CbcCipher&&) noexcept = default;
CbcCipher& CbcCipher::operator=(CbcCipher&&) noexcept = default;
CbcCipher::~CbcCipher() = default;

Status CbcCipher::encrypt(ByteView iv, std::span<std::uint8_t> data) {
  return run(true, iv, data);
}

Status CbcCipher::decrypt(ByteView iv, std::span<std::uint8_t> data) {
  return run(false, iv, data);
}

Status CbcCipher::run(bool encrypt, ByteView iv, std::span<std::uint8_t> data) {
  if (iv.size() != block_size_)
    return make_error(Errc::invalid_argument, state_->name + ": IV of " +
                                                  std::to_string(iv.size()) + " bytes, expected " +
                                                  std::to_string(block_size_));
  if (data.size() % block_size_ != 0 || !detail::fits_int(data.size()))
    return make_error(Errc::invalid_argument, state_->name + ": " + std::to_string(data.size()) +
                                                  " bytes is not a whole number of blocks");
  EVP_CIPHER_CTX* ctx = encrypt ? state_->encrypt.get() : state_->decrypt.get();
  int mode = encrypt ? 1 : 0;
  int written = 0;
  if (EVP_CipherInit_ex2(ctx, nullptr, nullptr, iv.data(), mode, nullptr) != 1)
    return detail::openssl_error(state_->name + " IV");
  if (!data.empty() &&
      EVP_CipherUpdate(ctx, data.data(), &written, data.data(), static_cast<int>(data.size())) != 1)
    return detail::openssl_error(state_->name + (encrypt ? " encrypt" : " decrypt"));
  int tail = 0;
  std::uint8_t no_output[32];  // without padding, whole blocks leave nothing for final
  if (EVP_CipherFinal_ex(ctx, no_output, &tail) != 1 || tail != 0 ||
      static_cast<std::size_t>(written) != data.size())
    return detail::openssl_error(state_->name + " final");
  return {};
}

}  // namespace ike::crypto
