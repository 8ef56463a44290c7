#pragma once
/// IKE identities (RFC 7296 3.5): what an IDi/IDr payload carries and what
/// ipsec.conf's leftid/rightid name, parsed from strongSwan's syntax:
///
///   "10.1.2.3"                  -> ID_IPV4_ADDR
///   "2001:db8::1"               -> ID_IPV6_ADDR
///   "@moon.example" or "moon.example" (no '@', not an address) -> ID_FQDN
///   "user@example.com", "@@user@example.com" -> ID_RFC822_ADDR
///   "@#0a1b2c"                  -> ID_KEY_ID (hex)
///   "C=CH, O=strongSwan, CN=moon" or "/C=CH/O=strongSwan/CN=moon"
///                               -> ID_DER_ASN1_DN, DER-encoded exactly as
///                                  OpenSSL encodes a certificate subject
///   "%any"                      -> any identity (only meaningful configured)
///   explicit types: "ipv4:", "ipv6:", "fqdn:", "rfc822:" / "email:" /
///   "userfqdn:", "keyid:" (text, or "#hex"), "asn1dn:" (DN text, or "#hex" DER)
///
/// Wildcards (configured identities only): "*@example.com", "*.example.com",
/// "*" as an FQDN, and "*" as a DN attribute value ("C=CH, O=x, CN=*").

#include <optional>
#include <string>
#include <string_view>

#include "ike/bytes.hpp"
#include "ike/error.hpp"
#include "ike/wire/types.hpp"

namespace ike::pki {

struct Identity {
  /// Type 0 is reserved in the IANA registry; we use it for "%any".
  static constexpr wire::IdType kAnyType = static_cast<wire::IdType>(0);

  wire::IdType type = wire::IdType::fqdn;
  /// The identification data exactly as an ID payload carries it.
  Bytes data;

  /// Parses ipsec.conf syntax (see file comment). Errors: Errc::invalid_argument
  /// with the reason ("DN attribute \"XY\" is unknown").
  static Result<Identity> parse(std::string_view text);

  /// Validates identification data received in an ID payload: address lengths
  /// (4 / 16 octets), non-empty names, a well-formed DER DN. Errc::invalid_syntax.
  static Result<Identity> from_payload(wire::IdType type, ByteView data);

  static Identity any() { return Identity{kAnyType, {}}; }
  static Identity fqdn(std::string_view name) {
    return Identity{wire::IdType::fqdn, to_bytes(name)};
  }
  static Identity rfc822(std::string_view address) {
    return Identity{wire::IdType::rfc822_addr, to_bytes(address)};
  }
  /// A DN identity from DER (e.g. `Certificate::subject_der()`).
  static Identity dn(ByteView der) {
    return Identity{wire::IdType::der_asn1_dn, Bytes(der.begin(), der.end())};
  }

  bool is_any() const noexcept { return type == kAnyType; }
  /// True when matching treats part of it as a pattern (see file comment).
  bool has_wildcards() const;

  /// For logs, in the syntax parse() reads: "10.1.2.3", "moon.example",
  /// "C=CH, O=strongSwan, CN=moon", "@#0a1b", "%any".
  std::string to_string() const;

  friend bool operator==(const Identity&, const Identity&) = default;

 private:
  static Bytes to_bytes(std::string_view text) { return Bytes(text.begin(), text.end()); }
};

/// Parses a distinguished name in strongSwan/OpenSSL text form into DER.
/// Attribute names: C, ST, L, O, OU, CN, E / emailAddress, serialNumber, DC,
/// UID, SN, GN / givenName, T / title, street, postalCode, and any name or
/// dotted OID OpenSSL knows. Values may be quoted ("O=\"a, b\"") or use RFC
/// 4514 backslash escapes. Strings are typed the way OpenSSL's `-subj` types
/// them (PrintableString for C, IA5String for emailAddress/DC, else UTF8String).
Result<Bytes> parse_dn(std::string_view text);

/// Parses a dotted-quad IPv4 or an RFC 4291 IPv6 address (with "::" and an
/// optional trailing dotted quad); 4 or 16 octets, nullopt when not an address.
std::optional<Bytes> parse_ip_address(std::string_view text);

/// Formats 4 octets as dotted quad, 16 octets per RFC 5952 (lower case,
/// longest zero run as "::"); other lengths as hex.
std::string format_ip_address(ByteView address);

}  // namespace ike::pki
