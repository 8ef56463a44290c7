#include <openssl/err.h>
#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "ike/crypto/pki/openssl_handles.hpp"

namespace ike::pki {
namespace {

constexpr std::size_t kMaxCredentialFileSize = 1 << 20;

const EVP_MD* fetch_or_abort(const char* name) {
  // A daemon whose OpenSSL cannot hash cannot authenticate anyone; stop loudly
  // instead of failing every handshake later.
  const EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  if (md == nullptr) {
    std::fprintf(stderr, "ikev2d: OpenSSL has no %s digest\n", name);
    std::abort();
  }
  return md;
}

Digests fetch_digests() {
  Digests out;
  out.sha1 = fetch_or_abort("SHA1");
  out.sha256 = fetch_or_abort("SHA2-256");
  out.sha384 = fetch_or_abort("SHA2-384");
  out.sha512 = fetch_or_abort("SHA2-512");
  return out;
}

struct FileCloser {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};

}  // namespace

const Digests& digests() {
  // Fetched once, never freed (lives as long as the process, like the
  // provider that owns the implementations) and never written after init.
  static const Digests fetched = fetch_digests();
  return fetched;
}

std::string take_openssl_errors() {
  std::string out;
  char buffer[256];
  while (unsigned long code = ERR_get_error()) {
    ERR_error_string_n(code, buffer, sizeof buffer);
    if (!out.empty()) out += "; ";
    out += buffer;
  }
  if (out.empty()) out = "no OpenSSL detail";
  return out;
}

void clear_openssl_errors() {
  ERR_clear_error();
}

Error openssl_error(Errc code, std::string_view context) {
  std::string reason(context);
  reason += ": ";
  reason += take_openssl_errors();
  return make_error(code, std::move(reason));
}

Result<Bytes> read_small_file(const std::string& path) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) return make_error(Errc::io_error, path + ": cannot open: " + std::strerror(errno));
  Bytes out;
  std::uint8_t chunk[4096];
  for (;;) {
    std::size_t got = std::fread(chunk, 1, sizeof chunk, file.get());
    out.insert(out.end(), chunk, chunk + got);
    if (out.size() > kMaxCredentialFileSize)
      return make_error(Errc::io_error, path + ": larger than 1 MiB, not a credential file");
    if (got < sizeof chunk) break;
  }
  if (std::ferror(file.get()))
    return make_error(Errc::io_error, path + ": read failed: " + std::strerror(errno));
  return out;
}

bool looks_like_pem(ByteView data) {
  static constexpr std::string_view kBegin = "-----BEGIN ";
  std::size_t i = 0;
  while (i < data.size() &&
         (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
    ++i;
  // PEM files may carry explanatory text before the armour (openssl x509 -text
  // output does), so search rather than require it at the start.
  std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  return text.find(kBegin, i) != std::string_view::npos;
}

bool digest_into(const EVP_MD* md, ByteView data, std::uint8_t* out) {
  unsigned int length = 0;
  return EVP_Digest(data.data(), data.size(), out, &length, md, nullptr) == 1;
}

}  // namespace ike::pki
