#include "ike/crypto/pki/private_key.hpp"

#include <openssl/decoder.h>
#include <openssl/evp.h>

namespace ike::pki {
namespace {

struct DecoderCtxDeleter {
  void operator()(OSSL_DECODER_CTX* p) const noexcept { OSSL_DECODER_CTX_free(p); }
};

// Without a passphrase an encrypted key must fail, never prompt on a terminal.
int refuse_passphrase(char*, std::size_t, std::size_t*, const OSSL_PARAM[], void*) {
  return 0;
}

Result<EvpPkeyPtr> decode_key(ByteView data, std::string_view passphrase,
                              const std::string& origin) {
  EVP_PKEY* key = nullptr;
  // Input type, structure and key type all left open: OpenSSL's decoder chain
  // recognises PEM and DER, PKCS#8 (plain and encrypted) and the traditional
  // RSA/EC structures. Loading is off the per-handshake path.
  std::unique_ptr<OSSL_DECODER_CTX, DecoderCtxDeleter> ctx(OSSL_DECODER_CTX_new_for_pkey(
      &key, nullptr, nullptr, nullptr, OSSL_KEYMGMT_SELECT_KEYPAIR, nullptr, nullptr));
  if (!ctx) return openssl_error(Errc::crypto_failure, origin + ": no key decoder");
  int set = passphrase.empty()
                ? OSSL_DECODER_CTX_set_passphrase_cb(ctx.get(), refuse_passphrase, nullptr)
                : OSSL_DECODER_CTX_set_passphrase(
                      ctx.get(), reinterpret_cast<const unsigned char*>(passphrase.data()),
                      passphrase.size());
  if (set != 1) return openssl_error(Errc::crypto_failure, origin + ": passphrase setup");
  const unsigned char* cursor = data.data();
  std::size_t left = data.size();
  if (OSSL_DECODER_from_data(ctx.get(), &cursor, &left) != 1 || key == nullptr) {
    EVP_PKEY_free(key);
    std::string why = passphrase.empty()
                          ? ": not a private key in PEM or DER (or encrypted and no passphrase)"
                          : ": not a private key, or wrong passphrase";
    return openssl_error(Errc::certificate_unusable, origin + why);
  }
  clear_openssl_errors();
  return EvpPkeyPtr(key);
}

}  // namespace

Result<PrivateKey> PrivateKey::from_evp(EvpPkeyPtr key, std::string_view origin) {
  if (!key) return make_error(Errc::certificate_unusable, std::string(origin) + ": no key");
  KeyType type = classify_key(key.get());
  if (type == KeyType::unsupported)
    return make_error(Errc::certificate_unusable,
                      std::string(origin) + ": unsupported key type " +
                          EVP_PKEY_get0_type_name(key.get()) +
                          " (supported: RSA, ECDSA P-256/P-384/P-521, Ed25519)");
  int bits = EVP_PKEY_get_bits(key.get());
  return PrivateKey(std::move(key), type, bits);
}

Result<PrivateKey> PrivateKey::parse(ByteView data, std::string_view origin,
                                     std::string_view passphrase) {
  clear_openssl_errors();
  auto key = decode_key(data, passphrase, std::string(origin));
  if (!key) return std::move(key).error();
  return from_evp(std::move(*key), origin);
}

bool PrivateKey::matches(const Certificate& certificate) const {
  bool equal = EVP_PKEY_eq(key_.get(), certificate.public_key().get()) == 1;
  clear_openssl_errors();
  return equal;
}

Result<PrivateKey> load_private_key_file(const std::string& path, std::string_view passphrase) {
  auto data = read_small_file(path);
  if (!data) return std::move(data).error();
  auto key = PrivateKey::parse(*data, path, passphrase);
  secure_wipe(*data);
  return key;
}

}  // namespace ike::pki
