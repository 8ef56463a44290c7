#pragma once
/// Matching identities against each other and against certificates
/// (RFC 7296 3.5 and 4: the peer's ID must be bound to its certificate).
///
/// Wildcards (in the configured identity only; a certificate's own names are
/// never treated as patterns):
/// - FQDN / RFC 822: "*" matches any name of that type; a leading "*" matches
///   any name ending in the rest, case-insensitively ("*.example.com",
///   "*@example.com").
/// - DN: an attribute whose value is exactly "*" matches any value of that
///   attribute; the other attributes must match, with the same attributes in
///   the same order.
/// Names compare case-insensitively; DNs compare canonically (X509_NAME_cmp:
/// string type, case and whitespace insensitive), so "O=ikev2d test" typed as
/// UTF8String matches the same name typed as PrintableString.

#include "ike/crypto/pki/certificate.hpp"
#include "ike/crypto/pki/identity.hpp"

namespace ike::pki {

/// How well an identity matched; larger is better, so a daemon choosing among
/// several configurations can take the best.
enum class IdMatch {
  none = 0,
  any = 1,       ///< configured "%any"
  wildcard = 2,  ///< matched through a wildcard
  exact = 3,
};

/// Does the identity the peer sent (`received`, exact) satisfy the one we
/// configured for it (`configured`, may be %any or contain wildcards)?
IdMatch match_identity(const Identity& configured, const Identity& received);

/// Does `certificate` vouch for `id`? DN: the subject. FQDN / RFC 822 / IPv4 /
/// IPv6: a subjectAltName dNSName / rFC822Name / iPAddress. KEY_ID: the SHA-1
/// of the SubjectPublicKeyInfo or the subjectKeyIdentifier. %any: anything.
/// `id` may contain wildcards.
IdMatch match_certificate(const Certificate& certificate, const Identity& id);

/// match_certificate() as a Status: Errc::identity_mismatch with a reason
/// listing what the certificate does contain.
Status check_certificate_identity(const Certificate& certificate, const Identity& id);

/// Lower-level helper: `pattern` (may start with "*") against `value`,
/// ASCII case-insensitive.
IdMatch match_name(std::string_view pattern, std::string_view value);

}  // namespace ike::pki
