// Authentication of a conn: who we are, who the peer must be, and with what.
//
// Identities follow strongSwan 5.9 (ipsec.conf(5) leftid/rightid):
// - leftid when written; else the end's address (%any when the end has no
//   single address; for a host name, the name as an FQDN ID);
// - with a certificate (leftcert/rightcert) for the end, an ID the certificate
//   does not confirm (including %any) is replaced by the certificate's
//   subject, as charon does ("id not confirmed by certificate, defaulting to
//   subject"). So a certificate with the host's IP in its subjectAltName keeps
//   the IP as ID, and otherwise the subject DN is used: what a strongSwan peer
//   with default rightid expects.

#include "ike/crypto/pki/identity_match.hpp"
#include "ike/crypto/pki/signature.hpp"
#include "setup/connection_mapping.hpp"
#include "setup/messages.hpp"

namespace ikev2d::setup::detail {
namespace {

using ike::config::AuthMethod;
using ike::config::ConnConfig;
using ike::config::EndConfig;
using ike::config::HostKind;
using ike::pki::Identity;

Identity address_identity(const ike::IpAddress& address) {
  return Identity{address.is_v4() ? ike::wire::IdType::ipv4_addr : ike::wire::IdType::ipv6_addr,
                  address.to_bytes()};
}

ike::sa::AuthClass auth_class(const EndConfig& end) {
  return end.auth.method == AuthMethod::psk ? ike::sa::AuthClass::psk : ike::sa::AuthClass::pubkey;
}

ike::sa::SendCert send_cert(ike::config::SendCert value) {
  switch (value) {
    case ike::config::SendCert::always:
      return ike::sa::SendCert::always;
    case ike::config::SendCert::never:
      return ike::sa::SendCert::never;
    default:
      return ike::sa::SendCert::ifasked;
  }
}

/// strongSwan's signature constraints on our own side (leftauth=
/// rsa/pss-sha256, rsa-sha256, ecdsa-384-sha384): they choose how we
/// sign. "rsa/pss" selects RSASSA-PSS; "rsa" with a hash selects PKCS #1 v1.5,
/// as charon signs with it; the first of sha256/sha384/sha512 is the hash.
/// Without either, RSA keys sign with PSS (RFC 8247 3.2) and the hash follows
/// the peer's announcement.
ike::pki::SignatureChoiceOptions signature_options(std::string_view text) {
  ike::pki::SignatureChoiceOptions options;
  bool rsa_pkcs1 = false;
  while (!text.empty()) {
    auto dash = text.find('-');
    auto token = text.substr(0, dash);
    text = dash == std::string_view::npos ? std::string_view() : text.substr(dash + 1);
    if (token == "rsa/pss") options.rsa_pss = true;
    if (token == "rsa") rsa_pkcs1 = true;
    if (options.hash) continue;
    if (token == "sha256") options.hash = ike::wire::HashAlgorithm::sha2_256;
    if (token == "sha384") options.hash = ike::wire::HashAlgorithm::sha2_384;
    if (token == "sha512") options.hash = ike::wire::HashAlgorithm::sha2_512;
  }
  if (rsa_pkcs1 && options.hash) options.rsa_pss = false;
  return options;
}

bool self_signed(const ike::pki::Certificate& certificate) {
  return certificate.subject() == certificate.issuer();
}

class AuthMapper {
 public:
  AuthMapper(const ConnConfig& conn, const ResolvedEnds& ends, MappingContext& context,
             ike::sa::Connection& out)
      : conn_(conn), ends_(ends), context_(context), out_(out) {}

  ike::Status run() {
    const auto& local = *ends_.local;
    const auto& remote = *ends_.remote;
    out_.local_auth = auth_class(local);
    out_.remote_auth = auth_class(remote);
    out_.send_certificate = send_cert(local.sendcert);
    out_.signature = signature_options(local.auth.text);
    if (auto status = map_local_certificate(); !status) return status;
    if (auto status = map_remote_certificate(); !status) return status;
    if (auto status = check_remote_ca(); !status) return status;
    warn_remote_constraints();
    out_.local_id = local_identity();
    out_.remote_id = remote_identity();
    return {};
  }

 private:
  std::string keyword(bool local, const char* suffix) const {
    return (local ? ends_.local_side : ends_.remote_side) + suffix;
  }

  void warn(const std::string& keyword, const std::string& text) {
    context_.warnings.push_back(conn_message(conn_, keyword, text));
  }

  ike::Result<ike::pki::CertificatePtr> load(bool local) {
    const auto& end = local ? *ends_.local : *ends_.remote;
    auto name = keyword(local, "cert");
    auto certificate = context_.certificates.load(end.cert);
    if (!certificate) {
      return conn_error(conn_, name, name + ": " + certificate.error().reason,
                        certificate.error().code);
    }
    return certificate;
  }

  ike::Status map_local_certificate() {
    const auto& end = *ends_.local;
    auto name = keyword(true, "cert");
    if (end.cert.empty()) {
      if (out_.local_auth != ike::sa::AuthClass::pubkey) return {};
      auto auth = keyword(true, "auth");
      return conn_error(conn_, end.auth_explicit ? auth : std::string("authby"),
                        auth + "=pubkey" +
                            (end.auth_explicit ? "" : " (the default without authby=psk)") +
                            " needs " + name + "; raw public keys are not supported");
    }
    auto certificate = load(true);
    if (!certificate) return std::move(certificate).error();
    local_certificate_ = *certificate;
    out_.local_certificates = {local_certificate_};
    if (out_.local_auth != ike::sa::AuthClass::pubkey) return {};
    if (auto status = find_signing_key(name); !status) return status;
    append_issuer(name);
    return {};
  }

  ike::Status find_signing_key(const std::string& name) {
    for (std::size_t i = 0; i < context_.keys.size(); ++i) {
      if (!context_.keys[i].key.matches(*local_certificate_)) continue;
      context_.signing_keys[local_certificate_->fingerprint_sha256()] = i;
      return {};
    }
    return conn_error(conn_, name,
                      name + "=" + ends_.local->cert + " (\"" + local_certificate_->subject() +
                          "\"): no private key in ipsec.secrets matches its public key (" +
                          local_certificate_->public_key().description() + ")",
                      ike::Errc::certificate_unusable);
  }

  /// Verifies our own certificate now, as a service to the operator (a peer
  /// will refuse an expired or unknown one), and sends the intermediate CA it
  /// chains to when that CA is not a self-signed root, so peers that only
  /// hold the root can build the chain.
  void append_issuer(const std::string& name) {
    if (context_.trust.cas().empty()) return;
    auto verified = context_.trust.verify(*local_certificate_, {}, context_.now);
    if (!verified) {
      warn(name, name + " \"" + local_certificate_->subject() +
                     "\" does not verify against our CAs now: " + verified.error().reason);
      return;
    }
    if (verified->anchor && verified->anchor != local_certificate_ &&
        !self_signed(*verified->anchor)) {
      out_.local_certificates.push_back(verified->anchor);
    }
  }

  ike::Status map_remote_certificate() {
    const auto& end = *ends_.remote;
    if (end.cert.empty()) {
      if (out_.remote_auth == ike::sa::AuthClass::pubkey && context_.trust.cas().empty()) {
        warn(keyword(false, "auth"),
             keyword(false, "auth") +
                 "=pubkey but no CA certificate is loaded (ipsec.d/cacerts):"
                 " every peer certificate will be refused");
      }
      return {};
    }
    auto certificate = load(false);
    if (!certificate) return std::move(certificate).error();
    remote_certificate_ = *certificate;
    auto name = keyword(false, "cert");
    warn(name, name + ": used for the default " + keyword(false, "id") +
                   " only; the peer's certificate is verified against our CAs, not pinned");
    return {};
  }

  /// rightca narrows the CAs a peer may chain to. We cannot narrow per conn,
  /// so it is accepted only when it changes nothing: every CA we trust is
  /// that CA.
  ike::Status check_remote_ca() const {
    const auto& end = *ends_.remote;
    if (end.ca.empty() || out_.remote_auth != ike::sa::AuthClass::pubkey) return {};
    auto name = keyword(false, "ca");
    auto text = end.ca == "%same" ? ends_.local->ca : end.ca;
    if (text.empty()) return {};
    auto dn = ike::pki::parse_dn(text);
    if (!dn) return conn_error(conn_, name, name + ": " + dn.error().reason);
    for (const auto& ca : context_.trust.cas()) {
      if (ike::pki::dn_equal(*dn, ca->subject_der())) continue;
      return conn_error(conn_, name,
                        name + "=\"" + text + "\": restricting a peer to one of several " +
                            "trusted CAs is not supported (ipsec.d/cacerts also holds \"" +
                            ca->subject() + "\")");
    }
    return {};
  }

  /// strongSwan enforces rightauth constraints (key type and size, the
  /// peer's signature scheme and hashes); we do not yet, so say so instead
  /// of accepting more than the operator wrote.
  void warn_remote_constraints() {
    const auto& text = ends_.remote->auth.text;
    if (out_.remote_auth != ike::sa::AuthClass::pubkey ||
        text.find_first_of("-/") == std::string::npos)
      return;
    auto name = keyword(false, "auth");
    warn(name, name + "=" + text +
                   ": constraints on the peer's key and signature are not enforced yet; any "
                   "key and RFC 7427 signature its CA vouches for is accepted");
  }

  /// The end's own address as ID, or %any.
  Identity default_identity(bool local) const {
    const auto& end = local ? *ends_.local : *ends_.remote;
    if (!local && !ends_.remote_is_single_host) return Identity::any();
    if (end.host.kind == HostKind::hostname) return Identity::fqdn(end.host.items.front());
    const auto& address = local ? ends_.local_address : ends_.remote_address;
    if (address.is_zero()) return Identity::any();
    return address_identity(address);
  }

  Identity confirmed_by(const ike::pki::CertificatePtr& certificate, Identity id,
                        const std::string& id_keyword, bool written) {
    if (!certificate || ike::pki::match_certificate(*certificate, id) > ike::pki::IdMatch::any) {
      return id;
    }
    auto subject = Identity::dn(certificate->subject_der());
    if (written) {
      warn(id_keyword, id_keyword + "=" + id.to_string() + " is not confirmed by the " +
                           "certificate; using its subject \"" + certificate->subject() +
                           "\" instead, as strongSwan does");
    }
    return subject;
  }

  Identity local_identity() {
    const auto& end = *ends_.local;
    auto id = end.identity ? *end.identity : default_identity(true);
    if (out_.local_auth != ike::sa::AuthClass::pubkey) return id;
    return confirmed_by(local_certificate_, std::move(id), keyword(true, "id"),
                        end.identity.has_value());
  }

  Identity remote_identity() {
    const auto& end = *ends_.remote;
    if (end.identity) return *end.identity;
    auto id = default_identity(false);
    if (!remote_certificate_) return id;
    return confirmed_by(remote_certificate_, std::move(id), keyword(false, "id"), false);
  }

  const ConnConfig& conn_;
  const ResolvedEnds& ends_;
  MappingContext& context_;
  ike::sa::Connection& out_;
  ike::pki::CertificatePtr local_certificate_;
  ike::pki::CertificatePtr remote_certificate_;
};

}  // namespace

ike::Status map_authentication(const ConnConfig& conn, const ResolvedEnds& ends,
                               MappingContext& context, ike::sa::Connection& out) {
  return AuthMapper(conn, ends, context, out).run();
}

}  // namespace ikev2d::setup::detail
