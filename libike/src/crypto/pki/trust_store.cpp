#include "ike/crypto/pki/trust_store.hpp"

#include <openssl/x509_vfy.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

namespace ike::pki {
namespace {

namespace fs = std::filesystem;

struct StackDeleter {
  void operator()(STACK_OF(X509) * p) const noexcept { sk_X509_free(p); }
};
struct StoreCtxDeleter {
  void operator()(X509_STORE_CTX* p) const noexcept { X509_STORE_CTX_free(p); }
};

/// Shared with the verify callback through the context's app data.
struct VerifyState {
  CrlPolicy policy = CrlPolicy::relaxed;
  bool report_missing_crls = false;
  std::vector<std::string> warnings;
};

/// Errors raised while checking a certificate's revocation status. At the
/// trust anchor's depth they are all ignored: an anchor is trusted by
/// configuration, and its issuer (if any) is not in the chain to check a CRL
/// against.
bool is_revocation_error(int error) {
  switch (error) {
    case X509_V_ERR_UNABLE_TO_GET_CRL:
    case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
    case X509_V_ERR_CRL_HAS_EXPIRED:
    case X509_V_ERR_CRL_NOT_YET_VALID:
    case X509_V_ERR_CRL_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
    case X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD:
    case X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD:
    case X509_V_ERR_DIFFERENT_CRL_SCOPE:
    case X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION:
    case X509_V_ERR_KEYUSAGE_NO_CRL_SIGN:
    case X509_V_ERR_CERT_REVOKED:
      return true;
    default:
      return false;
  }
}

/// Errors that only say a CRL is missing or out of date; relaxed policy
/// accepts them below the anchor.
bool is_crl_availability_error(int error) {
  return error == X509_V_ERR_UNABLE_TO_GET_CRL || error == X509_V_ERR_CRL_HAS_EXPIRED ||
         error == X509_V_ERR_CRL_NOT_YET_VALID;
}

std::string subject_of(X509* cert) {
  return cert ? dn_to_string(X509_get_subject_name(cert)) : std::string("(none)");
}

int verify_callback(int ok, X509_STORE_CTX* ctx) {
  if (ok == 1) return 1;
  auto* state = static_cast<VerifyState*>(X509_STORE_CTX_get_app_data(ctx));
  int error = X509_STORE_CTX_get_error(ctx);
  if (state == nullptr || !is_revocation_error(error)) return 0;
  // Trust anchors are trusted by configuration, not by revocation status
  // (strongSwan does not check its CAs against CRLs either).
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx);
  int depth = X509_STORE_CTX_get_error_depth(ctx);
  if (chain != nullptr && depth == sk_X509_num(chain) - 1) return 1;
  if (state->policy == CrlPolicy::strict || !is_crl_availability_error(error)) return 0;
  X509* cert = X509_STORE_CTX_get_current_cert(ctx);
  if (error != X509_V_ERR_UNABLE_TO_GET_CRL || state->report_missing_crls)
    state->warnings.push_back(std::string(X509_verify_cert_error_string(error)) + " for \"" +
                              subject_of(cert) + "\" (issuer \"" +
                              (cert ? dn_to_string(X509_get_issuer_name(cert)) : "") +
                              "\"); accepted (strictcrlpolicy=no)");
  return 1;
}

/// The chain OpenSSL built holds the very X509 objects it was given (the end
/// entity, the peer's intermediates, our CAs): take their subjects from the
/// Certificate objects, which formatted them once when parsed, instead of
/// formatting every DN again on every verification.
std::string chain_subject(X509* cert, const Certificate& end_entity,
                          std::span<const CertificatePtr> intermediates,
                          const std::vector<CertificatePtr>& cas) {
  if (cert == end_entity.x509()) return end_entity.subject();
  for (const auto& known : intermediates) {
    if (known && known->x509() == cert) return known->subject();
  }
  for (const auto& ca : cas) {
    if (ca->x509() == cert) return ca->subject();
  }
  return subject_of(cert);
}

/// OpenSSL's "unable to get local issuer certificate" does not say which
/// issuer: name it and say why it counts as unknown, since this is what an
/// operator sees when a peer's CA is missing from the trusted ones.
std::string issuer_hint(int error, X509* cert) {
  if (cert == nullptr || (error != X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY &&
                          error != X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT))
    return {};
  return ": its issuer \"" + dn_to_string(X509_get_issuer_name(cert)) +
         "\" is not a trusted CA, nor signed by one through the certificates the peer sent";
}

Errc classify(int error) {
  switch (error) {
    case X509_V_ERR_CERT_REVOKED:
      return Errc::certificate_revoked;
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return Errc::certificate_expired;
    default:
      return Errc::certificate_untrusted;
  }
}

bool has_extension(const fs::path& path, std::initializer_list<std::string_view> wanted) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::find(wanted.begin(), wanted.end(), ext) != wanted.end();
}

Result<std::vector<fs::path>> list_files(const std::string& dir,
                                         std::initializer_list<std::string_view> extensions) {
  std::error_code ec;
  std::vector<fs::path> out;
  fs::directory_iterator it(dir, ec);
  if (ec) return make_error(Errc::io_error, dir + ": cannot list directory: " + ec.message());
  for (const auto& entry : it) {
    if (entry.is_regular_file(ec) && has_extension(entry.path(), extensions))
      out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());  // deterministic load order (and CERTREQ order)
  return out;
}

}  // namespace

struct TrustStore::StoreHandle {
  X509_STORE* store = X509_STORE_new();
  ~StoreHandle() { X509_STORE_free(store); }
};

TrustStore::TrustStore() : store_(std::make_unique<StoreHandle>()) {}
TrustStore::~TrustStore() = default;
TrustStore::TrustStore(TrustStore&&) noexcept = default;
TrustStore& TrustStore::operator=(TrustStore&&) noexcept = default;

Status TrustStore::add_ca(CertificatePtr ca) {
  if (!ca) return make_error(Errc::certificate_unusable, "no CA certificate");
  if (!ca->is_ca())
    return make_error(Errc::certificate_unusable,
                      "\"" + ca->subject() + "\" is not a CA certificate (no basicConstraints cA)");
  if (by_key_hash_.count(ca->spki_sha1()) != 0) return {};  // same key loaded twice
  clear_openssl_errors();
  if (!store_ || store_->store == nullptr || X509_STORE_add_cert(store_->store, ca->x509()) != 1)
    return openssl_error(Errc::certificate_unusable, "cannot add CA \"" + ca->subject() + "\"");
  by_key_hash_.emplace(ca->spki_sha1(), ca);
  cas_.push_back(std::move(ca));
  return {};
}

Status TrustStore::add_crl(CrlPtr crl) {
  if (!crl) return make_error(Errc::certificate_unusable, "no CRL");
  clear_openssl_errors();
  if (!store_ || store_->store == nullptr || X509_STORE_add_crl(store_->store, crl->get()) != 1)
    return openssl_error(Errc::certificate_unusable, "cannot add CRL of \"" + crl->issuer() + "\"");
  crls_.push_back(std::move(crl));
  return {};
}

Result<TrustStore> TrustStore::load(const std::string& cacerts_dir, const std::string& crls_dir,
                                    CrlPolicy policy) {
  TrustStore out;
  out.policy_ = policy;
  auto ca_files = list_files(cacerts_dir, {".pem", ".crt", ".cer", ".der"});
  if (!ca_files) return std::move(ca_files).error();
  for (const auto& path : *ca_files) {
    auto data = read_small_file(path.string());
    if (!data) return std::move(data).error();
    auto certs = parse_certificates(*data, path.string());
    if (!certs) return std::move(certs).error();
    for (auto& cert : *certs) {
      if (auto added = out.add_ca(cert); !added)
        return make_error(added.error().code, path.string() + ": " + added.error().reason);
    }
  }
  std::error_code ec;
  if (crls_dir.empty() || !fs::exists(crls_dir, ec)) return out;
  auto crl_files = list_files(crls_dir, {".pem", ".crl", ".der"});
  if (!crl_files) return std::move(crl_files).error();
  for (const auto& path : *crl_files) {
    auto crl = load_crl_file(path.string());
    if (!crl) return std::move(crl).error();
    if (auto added = out.add_crl(std::move(*crl)); !added) return added.error();
  }
  return out;
}

Result<VerifiedChain> TrustStore::verify(const Certificate& end_entity,
                                         std::span<const CertificatePtr> intermediates,
                                         std::chrono::system_clock::time_point at) const {
  clear_openssl_errors();
  std::unique_ptr<STACK_OF(X509), StackDeleter> untrusted(sk_X509_new_null());
  std::unique_ptr<X509_STORE_CTX, StoreCtxDeleter> ctx(X509_STORE_CTX_new());
  if (!untrusted || !ctx || !store_ || store_->store == nullptr)
    return openssl_error(Errc::crypto_failure, "certificate verification setup");
  for (const auto& cert : intermediates) {
    if (cert && sk_X509_push(untrusted.get(), cert->x509()) <= 0)
      return openssl_error(Errc::crypto_failure, "certificate verification setup");
  }
  if (X509_STORE_CTX_init(ctx.get(), store_->store, end_entity.x509(), untrusted.get()) != 1)
    return openssl_error(Errc::crypto_failure, "certificate verification setup");

  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, std::chrono::system_clock::to_time_t(at));
  unsigned long flags = X509_V_FLAG_PARTIAL_CHAIN;
  // Without any CRL in relaxed mode there is nothing to check against; skip
  // the per-certificate lookups instead of accepting each miss.
  if (!crls_.empty() || policy_ == CrlPolicy::strict)
    flags |= X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL;
  X509_VERIFY_PARAM_set_flags(param, flags);

  VerifyState state;
  state.policy = policy_;
  state.report_missing_crls = !crls_.empty();
  X509_STORE_CTX_set_app_data(ctx.get(), &state);
  X509_STORE_CTX_set_verify_cb(ctx.get(), verify_callback);

  if (X509_verify_cert(ctx.get()) != 1) {
    int error = X509_STORE_CTX_get_error(ctx.get());
    std::string failing = subject_of(X509_STORE_CTX_get_current_cert(ctx.get()));
    std::string reason = "certificate \"" + end_entity.subject() + "\": ";
    if (failing != end_entity.subject()) reason += "chain certificate \"" + failing + "\": ";
    reason += X509_verify_cert_error_string(error);
    reason += issuer_hint(error, X509_STORE_CTX_get_current_cert(ctx.get()));
    clear_openssl_errors();
    return make_error(classify(error), std::move(reason));
  }

  VerifiedChain out;
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
  for (int i = 0; chain != nullptr && i < sk_X509_num(chain); ++i)
    out.subjects.push_back(chain_subject(sk_X509_value(chain, i), end_entity, intermediates, cas_));
  if (chain != nullptr && sk_X509_num(chain) > 0) {
    X509* top = sk_X509_value(chain, sk_X509_num(chain) - 1);
    for (const auto& ca : cas_) {
      if (ca->x509() == top || X509_cmp(ca->x509(), top) == 0) out.anchor = ca;
    }
  }
  out.warnings = std::move(state.warnings);
  clear_openssl_errors();
  return out;
}

std::vector<Sha1Digest> TrustStore::ca_key_hashes() const {
  std::vector<Sha1Digest> out;
  out.reserve(cas_.size());
  for (const auto& ca : cas_)
    out.push_back(ca->spki_sha1());
  return out;
}

Bytes TrustStore::certreq_authorities() const {
  Bytes out;
  out.reserve(cas_.size() * 20);
  for (const auto& ca : cas_)
    out.insert(out.end(), ca->spki_sha1().begin(), ca->spki_sha1().end());
  return out;
}

CertificatePtr TrustStore::find_ca_by_key_hash(ByteView spki_sha1) const {
  Sha1Digest key{};
  if (spki_sha1.size() != key.size()) return nullptr;
  std::copy(spki_sha1.begin(), spki_sha1.end(), key.begin());
  auto found = by_key_hash_.find(key);
  return found == by_key_hash_.end() ? nullptr : found->second;
}

bool TrustStore::knows_any(ByteView certreq_authorities) const {
  for (std::size_t at = 0; at + 20 <= certreq_authorities.size(); at += 20) {
    if (find_ca_by_key_hash(certreq_authorities.subspan(at, 20))) return true;
  }
  return false;
}

}  // namespace ike::pki
