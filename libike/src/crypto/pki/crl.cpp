#include "ike/crypto/pki/crl.hpp"

#include <openssl/bio.h>
#include <openssl/pem.h>

#include <ctime>

#include "ike/crypto/pki/certificate.hpp"

namespace ike::pki {
namespace {

struct BioDeleter {
  void operator()(BIO* p) const noexcept { BIO_free(p); }
};

std::chrono::system_clock::time_point to_time_point(
    const ASN1_TIME* time, std::chrono::system_clock::time_point fallback) {
  std::tm parts{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &parts) != 1) return fallback;
  return std::chrono::system_clock::from_time_t(timegm(&parts));
}

X509CrlPtr decode(ByteView data) {
  if (looks_like_pem(data)) {
    std::unique_ptr<BIO, BioDeleter> bio(
        BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    if (!bio) return nullptr;
    return X509CrlPtr(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
  }
  const unsigned char* cursor = data.data();
  X509CrlPtr crl(d2i_X509_CRL(nullptr, &cursor, static_cast<long>(data.size())));
  if (crl && cursor != data.data() + data.size()) return nullptr;  // trailing garbage
  return crl;
}

}  // namespace

Result<CrlPtr> Crl::from_x509_crl(X509CrlPtr crl) {
  if (!crl) return make_error(Errc::certificate_unusable, "no CRL");
  std::shared_ptr<Crl> out(new Crl());
  out->issuer_ = dn_to_string(X509_CRL_get_issuer(crl.get()));
  out->this_update_ = to_time_point(X509_CRL_get0_lastUpdate(crl.get()), {});
  out->next_update_ = to_time_point(X509_CRL_get0_nextUpdate(crl.get()), out->this_update_);
  STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl.get());
  out->revoked_count_ = revoked ? static_cast<std::size_t>(sk_X509_REVOKED_num(revoked)) : 0;
  out->crl_ = std::move(crl);
  return CrlPtr(std::move(out));
}

Result<CrlPtr> Crl::parse(ByteView pem_or_der, std::string_view origin) {
  clear_openssl_errors();
  X509CrlPtr crl = decode(pem_or_der);
  if (!crl)
    return openssl_error(Errc::certificate_unusable,
                         std::string(origin) + ": not a CRL in PEM or DER");
  clear_openssl_errors();
  return from_x509_crl(std::move(crl));
}

Result<CrlPtr> load_crl_file(const std::string& path) {
  auto data = read_small_file(path);
  if (!data) return std::move(data).error();
  return Crl::parse(*data, path);
}

}  // namespace ike::pki
