#include "ike/crypto/pki/certificate.hpp"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <ctime>

namespace ike::pki {
namespace {

struct BioDeleter {
  void operator()(BIO* p) const noexcept { BIO_free(p); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

struct GeneralNamesDeleter {
  void operator()(GENERAL_NAMES* p) const noexcept { GENERAL_NAMES_free(p); }
};

Result<Bytes> encode_der(X509* x509) {
  unsigned char* out = nullptr;
  int length = i2d_X509(x509, &out);
  if (length <= 0) return openssl_error(Errc::certificate_unusable, "cannot encode certificate");
  Bytes der(out, out + length);
  OPENSSL_free(out);
  return der;
}

Result<Bytes> encode_name(const X509_NAME* name) {
  const unsigned char* encoded = nullptr;
  std::size_t length = 0;
  if (X509_NAME_get0_der(const_cast<X509_NAME*>(name), &encoded, &length) != 1)
    return openssl_error(Errc::certificate_unusable, "cannot encode subject name");
  return Bytes(encoded, encoded + length);
}

std::optional<std::chrono::system_clock::time_point> to_time_point(const ASN1_TIME* time) {
  std::tm parts{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &parts) != 1) return std::nullopt;
  return std::chrono::system_clock::from_time_t(timegm(&parts));
}

std::string string_of(const ASN1_STRING* value) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                     static_cast<std::size_t>(ASN1_STRING_length(value)));
}

SubjectAltNames extract_alt_names(X509* x509) {
  SubjectAltNames out;
  std::unique_ptr<GENERAL_NAMES, GeneralNamesDeleter> names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x509, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* entry = sk_GENERAL_NAME_value(names.get(), i);
    if (entry->type == GEN_DNS) out.dns_names.push_back(string_of(entry->d.dNSName));
    if (entry->type == GEN_EMAIL) out.emails.push_back(string_of(entry->d.rfc822Name));
    if (entry->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* ip = entry->d.iPAddress;
      const auto* data = ASN1_STRING_get0_data(ip);
      out.ip_addresses.emplace_back(data, data + ASN1_STRING_length(ip));
    }
  }
  return out;
}

std::string serial_to_hex(const X509* x509) {
  const ASN1_INTEGER* serial = X509_get0_serialNumber(x509);
  const auto* data = ASN1_STRING_get0_data(serial);
  return to_hex(ByteView(data, static_cast<std::size_t>(ASN1_STRING_length(serial))));
}

Status compute_key_digests(X509* x509, Sha1Digest& spki_sha1) {
  unsigned char* spki = nullptr;
  int length = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x509), &spki);
  if (length <= 0) return openssl_error(Errc::certificate_unusable, "cannot encode public key");
  bool ok = digest_into(digests().sha1, ByteView(spki, static_cast<std::size_t>(length)),
                        spki_sha1.data());
  OPENSSL_free(spki);
  if (!ok) return openssl_error(Errc::crypto_failure, "SHA-1 of SubjectPublicKeyInfo");
  return {};
}

}  // namespace

std::string dn_to_string(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || name == nullptr) return {};
  // RFC 2253 escaping without ESC_MSB (keep UTF-8 readable), "C=XX, O=y" spacing,
  // short names, and in certificate order (no XN_FLAG_DN_REV).
  constexpr unsigned long kFlags = (ASN1_STRFLGS_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) |
                                   XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_FN_SN |
                                   XN_FLAG_DUMP_UNKNOWN_FIELDS;
  if (X509_NAME_print_ex(bio.get(), name, 0, kFlags) < 0) return {};
  char* text = nullptr;
  long length = BIO_get_mem_data(bio.get(), &text);
  return std::string(text, static_cast<std::size_t>(length));
}

bool dn_equal(ByteView a_der, ByteView b_der) {
  if (a_der.size() == b_der.size() && std::equal(a_der.begin(), a_der.end(), b_der.begin()))
    return true;
  const unsigned char* a_cursor = a_der.data();
  const unsigned char* b_cursor = b_der.data();
  X509NamePtr a(d2i_X509_NAME(nullptr, &a_cursor, static_cast<long>(a_der.size())));
  X509NamePtr b(d2i_X509_NAME(nullptr, &b_cursor, static_cast<long>(b_der.size())));
  clear_openssl_errors();
  if (!a || !b) return false;
  return X509_NAME_cmp(a.get(), b.get()) == 0;
}

Result<CertificatePtr> Certificate::from_x509(X509Ptr x509) {
  if (!x509) return make_error(Errc::certificate_unusable, "no certificate");
  auto der = encode_der(x509.get());
  if (!der) return std::move(der).error();
  return build(std::move(x509), std::move(*der));
}

Result<CertificatePtr> Certificate::build(X509Ptr x509, Bytes der) {
  std::shared_ptr<Certificate> cert(new Certificate());
  cert->der_ = std::move(der);
  X509* raw = x509.get();
  cert->x509_ = std::move(x509);

  EVP_PKEY* key = X509_get0_pubkey(raw);
  if (key == nullptr)
    return openssl_error(Errc::certificate_unusable, "certificate public key is unusable");
  cert->public_key_ = PublicKey(key);
  if (auto status = compute_key_digests(raw, cert->spki_sha1_); !status) return status.error();
  if (!digest_into(digests().sha256, cert->der_, cert->fingerprint_.data()))
    return openssl_error(Errc::crypto_failure, "SHA-256 fingerprint");

  if (const ASN1_OCTET_STRING* skid = X509_get0_subject_key_id(raw)) {
    const auto* data = ASN1_STRING_get0_data(skid);
    cert->subject_key_id_ = Bytes(data, data + ASN1_STRING_length(skid));
  }
  cert->subject_ = dn_to_string(X509_get_subject_name(raw));
  cert->issuer_ = dn_to_string(X509_get_issuer_name(raw));
  auto subject_der = encode_name(X509_get_subject_name(raw));
  if (!subject_der) return std::move(subject_der).error();
  cert->subject_der_ = std::move(*subject_der);
  cert->alt_names_ = extract_alt_names(raw);

  auto not_before = to_time_point(X509_get0_notBefore(raw));
  auto not_after = to_time_point(X509_get0_notAfter(raw));
  if (!not_before || !not_after)
    return make_error(Errc::certificate_unusable,
                      "certificate \"" + cert->subject_ + "\" has a malformed validity period");
  cert->not_before_ = *not_before;
  cert->not_after_ = *not_after;
  // X509_check_ca also accepts old v1 roots; what we want is the explicit
  // basicConstraints flag, which X509_get_extension_flags caches.
  cert->is_ca_ = (X509_get_extension_flags(raw) & EXFLAG_CA) != 0;
  cert->serial_hex_ = serial_to_hex(raw);
  clear_openssl_errors();
  return CertificatePtr(std::move(cert));
}

Result<CertificatePtr> Certificate::from_der(ByteView der) {
  clear_openssl_errors();
  const unsigned char* cursor = der.data();
  X509Ptr x509(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
  if (!x509) return openssl_error(Errc::certificate_unusable, "malformed DER certificate");
  auto consumed = static_cast<std::size_t>(cursor - der.data());
  if (consumed != der.size())
    return make_error(Errc::certificate_unusable, "DER certificate followed by " +
                                                      std::to_string(der.size() - consumed) +
                                                      " unexpected bytes");
  return build(std::move(x509), Bytes(der.begin(), der.end()));
}

Result<std::vector<CertificatePtr>> parse_certificates(ByteView pem_or_der,
                                                       std::string_view origin) {
  std::string prefix(origin);
  std::vector<CertificatePtr> out;
  if (!looks_like_pem(pem_or_der)) {
    auto cert = Certificate::from_der(pem_or_der);
    if (!cert) return make_error(cert.error().code, prefix + ": " + cert.error().reason);
    out.push_back(std::move(*cert));
    return out;
  }
  clear_openssl_errors();
  BioPtr bio(BIO_new_mem_buf(pem_or_der.data(), static_cast<int>(pem_or_der.size())));
  if (!bio) return openssl_error(Errc::crypto_failure, prefix);
  while (X509* raw = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    auto cert = Certificate::from_x509(X509Ptr(raw));
    if (!cert) return make_error(cert.error().code, prefix + ": " + cert.error().reason);
    out.push_back(std::move(*cert));
  }
  if (out.empty())
    return openssl_error(Errc::certificate_unusable, prefix + ": no PEM certificate found");
  clear_openssl_errors();  // the loop always ends on a "no start line" error
  return out;
}

Result<CertificatePtr> Certificate::parse(ByteView pem_or_der, std::string_view origin) {
  auto all = parse_certificates(pem_or_der, origin);
  if (!all) return std::move(all).error();
  return std::move(all->front());
}

Result<CertificatePtr> load_certificate_file(const std::string& path) {
  auto data = read_small_file(path);
  if (!data) return std::move(data).error();
  return Certificate::parse(*data, path);
}

}  // namespace ike::pki
