#include "authenticator.hpp"

#include "ike/crypto/auth_octets.hpp"
#include "ike/crypto/pki/auth_signature.hpp"
#include "ike/crypto/pki/identity_match.hpp"
#include "ike/wire/message.hpp"

namespace ike::sa {

namespace {

/// The octets a side signs (RFC 7296 2.15): its own IKE_SA_INIT message, the
/// other side's nonce, and prf(SK_p of the signer, ID payload body).
Result<Bytes> octets_of(const IkeSa& sa, bool ours, const wire::IdPayload& id) {
  bool signer_is_initiator = ours == sa.initiator;
  const Bytes& message = ours ? sa.init_message_ours : sa.init_message_peers;
  const Bytes& other_nonce = signer_is_initiator ? sa.nonce_r : sa.nonce_i;
  const auto& sk_p = signer_is_initiator ? sa.keys.sk_pi : sa.keys.sk_pr;
  return crypto::signed_octets(*sa.prf, message, other_nonce, sk_p,
                               crypto::id_payload_body(id.id_type, id.data));
}

Status verify_psk(const IkeSa& sa, Services& services, const pki::Identity& peer,
                  const wire::AuthPayload& auth, ByteView octets) {
  if (auth.method != wire::AuthMethod::shared_key_mic) {
    return make_error(Errc::authentication_failed, "peer authenticated with " +
                                                       wire::to_string(auth.method) +
                                                       ", connection expects a pre-shared key");
  }
  auto key = services.credentials.shared_key(sa.connection->local_id, peer);
  if (!key) {
    return make_error(
        Errc::authentication_failed,
        "no pre-shared key for " + sa.connection->local_id.to_string() + " - " + peer.to_string());
  }
  if (auto ok = crypto::verify_shared_key_auth(*sa.prf, *key, octets, auth.data); !ok) {
    return make_error(Errc::authentication_failed, "pre-shared key AUTH of " + peer.to_string() +
                                                       " does not verify (the keys differ)");
  }
  return {};
}

Status verify_pubkey(IkeSa& sa, Services& services, const pki::Identity& peer,
                     const wire::AuthPayload& auth, ByteView octets,
                     const std::vector<wire::Payload>& payloads) {
  auto certs = wire::find_all_bodies<wire::CertPayload>(payloads, wire::PayloadType::certificate);
  if (certs.empty()) {
    return make_error(Errc::authentication_failed, "peer sent no certificate");
  }
  std::vector<pki::CertificatePtr> chain;
  for (const auto* cert : certs) {
    if (cert->encoding != wire::CertEncoding::x509_signature) continue;
    auto parsed = services.certificates.get(cert->data);
    if (!parsed) return make_error(Errc::certificate_unusable, parsed.error().reason);
    chain.push_back(std::move(*parsed));
  }
  if (chain.empty()) {
    return make_error(Errc::authentication_failed, "peer sent no X.509 certificate");
  }
  const auto* trust = services.credentials.trust_store();
  if (!trust) return make_error(Errc::certificate_untrusted, "no CA certificates are loaded");
  std::span<const pki::CertificatePtr> intermediates(chain.data() + 1, chain.size() - 1);
  auto verified = trust->verify(*chain.front(), intermediates, services.wall_now);
  if (!verified) return std::move(verified).error();
  if (auto matches = pki::check_certificate_identity(*chain.front(), peer); !matches) {
    return matches;
  }
  auto scheme =
      pki::verify_signature_auth_data(chain.front()->public_key(), auth.method, auth.data, octets);
  if (!scheme) return std::move(scheme).error();
  sa.peer_certificate = chain.front();
  return {};
}

}  // namespace

wire::IdPayload our_id_payload(const IkeSa& sa) {
  const auto& id = sa.connection->local_id;
  if (id.is_any() || id.data.empty()) {
    // No leftid: strongSwan uses the certificate subject, else the address.
    if (!sa.connection->local_certificates.empty()) {
      auto subject = sa.connection->local_certificates.front()->subject_der();
      return wire::IdPayload{wire::IdType::der_asn1_dn, Bytes(subject.begin(), subject.end())};
    }
    return wire::IdPayload{
        sa.local.address.is_v4() ? wire::IdType::ipv4_addr : wire::IdType::ipv6_addr,
        sa.local.address.to_bytes()};
  }
  return wire::IdPayload{id.type, id.data};
}

std::vector<wire::Payload> our_certificates(const IkeSa& sa) {
  std::vector<wire::Payload> out;
  const auto& connection = *sa.connection;
  if (connection.local_auth != AuthClass::pubkey) return out;
  bool send = connection.send_certificate == SendCert::always ||
              (connection.send_certificate == SendCert::ifasked && sa.peer_requested_certificate);
  if (!send) return out;
  for (const auto& cert : connection.local_certificates) {
    auto der = cert->der();
    out.push_back(wire::Payload{
        wire::PayloadType::certificate, false,
        wire::CertPayload{wire::CertEncoding::x509_signature, Bytes(der.begin(), der.end())}});
  }
  return out;
}

Result<wire::AuthPayload> build_auth(IkeSa& sa, Services& services, const wire::IdPayload& our_id) {
  auto octets = octets_of(sa, /*ours=*/true, our_id);
  if (!octets) return std::move(octets).error();
  const auto& connection = *sa.connection;
  if (connection.local_auth == AuthClass::psk) {
    auto peer = sa.peer_id ? *sa.peer_id : connection.remote_id;
    auto key = services.credentials.shared_key(connection.local_id, peer);
    if (!key) {
      return make_error(
          Errc::authentication_failed,
          "no pre-shared key for " + connection.local_id.to_string() + " - " + peer.to_string());
    }
    auto value = crypto::shared_key_auth(*sa.prf, *key, *octets);
    if (!value) return std::move(value).error();
    return wire::AuthPayload{wire::AuthMethod::shared_key_mic, std::move(*value)};
  }
  auto* signer = services.credentials.signer(connection);
  if (!signer) {
    return make_error(Errc::authentication_failed,
                      "no private key for connection '" + connection.name + "'");
  }
  auto choice =
      pki::choose_signature(signer->key_type(), sa.peer_signature_hashes, connection.signature);
  if (!choice) return std::move(choice).error();
  auto data = pki::build_signature_auth_data(*signer, *choice, *octets);
  if (!data) return std::move(data).error();
  return wire::AuthPayload{choice->method, std::move(*data)};
}

Status verify_peer(IkeSa& sa, Services& services, const wire::IdPayload& peer_id,
                   const wire::AuthPayload& auth, const std::vector<wire::Payload>& payloads) {
  auto identity = pki::Identity::from_payload(peer_id.id_type, peer_id.data);
  if (!identity) return make_error(Errc::authentication_failed, identity.error().reason);
  const auto& connection = *sa.connection;
  if (pki::match_identity(connection.remote_id, *identity) == pki::IdMatch::none) {
    return make_error(Errc::identity_mismatch, "peer identity " + identity->to_string() +
                                                   " is not the configured " +
                                                   connection.remote_id.to_string());
  }
  auto octets = octets_of(sa, /*ours=*/false, peer_id);
  if (!octets) return std::move(octets).error();
  auto verified = connection.remote_auth == AuthClass::psk
                      ? verify_psk(sa, services, *identity, auth, *octets)
                      : verify_pubkey(sa, services, *identity, auth, *octets, payloads);
  if (!verified) return verified;
  sa.peer_id = std::move(*identity);
  return {};
}

}  // namespace ike::sa
