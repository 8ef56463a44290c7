#include "ike/crypto/pki/identity_match.hpp"

#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>

namespace ike::pki {
namespace {

using wire::IdType;

std::string_view as_text(ByteView data) {
  return {reinterpret_cast<const char*>(data.data()), data.size()};
}

bool equal_ignore_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool bytes_equal(ByteView a, ByteView b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

X509NamePtr decode_dn(ByteView der) {
  const unsigned char* cursor = der.data();
  X509NamePtr name(d2i_X509_NAME(nullptr, &cursor, static_cast<long>(der.size())));
  clear_openssl_errors();
  if (name && cursor != der.data() + der.size()) return nullptr;
  return name;
}

/// A DN attribute value in the canonical form X509_NAME_cmp uses: UTF-8,
/// outer whitespace dropped, inner runs collapsed to one space, ASCII lower.
std::string canonical_value(const ASN1_STRING* value) {
  unsigned char* utf8 = nullptr;
  int length = ASN1_STRING_to_UTF8(&utf8, value);
  if (length < 0) {
    clear_openssl_errors();
    return {};
  }
  std::string out;
  bool pending_space = false;
  for (int i = 0; i < length; ++i) {
    unsigned char c = utf8[i];
    if (std::isspace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += static_cast<char>(c < 0x80 ? std::tolower(c) : c);
  }
  OPENSSL_free(utf8);
  return out;
}

/// `pattern` (may hold "*" values) against a parsed `subject`.
IdMatch match_dn_names(const X509_NAME* pattern, const X509_NAME* subject) {
  if (X509_NAME_cmp(pattern, subject) == 0) return IdMatch::exact;
  int count = X509_NAME_entry_count(pattern);
  if (count != X509_NAME_entry_count(subject)) return IdMatch::none;
  bool used_wildcard = false;
  for (int i = 0; i < count; ++i) {
    const X509_NAME_ENTRY* want = X509_NAME_get_entry(pattern, i);
    const X509_NAME_ENTRY* have = X509_NAME_get_entry(subject, i);
    if (OBJ_cmp(X509_NAME_ENTRY_get_object(want), X509_NAME_ENTRY_get_object(have)) != 0)
      return IdMatch::none;
    const ASN1_STRING* want_value = X509_NAME_ENTRY_get_data(want);
    if (ASN1_STRING_length(want_value) == 1 && ASN1_STRING_get0_data(want_value)[0] == '*') {
      used_wildcard = true;
      continue;
    }
    if (canonical_value(want_value) != canonical_value(X509_NAME_ENTRY_get_data(have)))
      return IdMatch::none;
  }
  // Equal without wildcards means X509_NAME_cmp disagreed with our canonical
  // form (e.g. a multi-valued RDN): be conservative.
  return used_wildcard ? IdMatch::wildcard : IdMatch::none;
}

IdMatch match_dn(ByteView pattern_der, ByteView subject_der) {
  if (bytes_equal(pattern_der, subject_der)) return IdMatch::exact;
  X509NamePtr pattern = decode_dn(pattern_der);
  X509NamePtr subject = decode_dn(subject_der);
  if (!pattern || !subject) return IdMatch::none;
  return match_dn_names(pattern.get(), subject.get());
}

/// Against a certificate: its subject is already parsed, only the ID is decoded.
IdMatch match_dn(ByteView pattern_der, const Certificate& certificate) {
  if (bytes_equal(pattern_der, certificate.subject_der())) return IdMatch::exact;
  X509NamePtr pattern = decode_dn(pattern_der);
  if (!pattern) return IdMatch::none;
  return match_dn_names(pattern.get(), X509_get_subject_name(certificate.x509()));
}

IdMatch best_name_match(std::string_view pattern, const std::vector<std::string>& names) {
  IdMatch best = IdMatch::none;
  for (const auto& name : names)
    best = std::max(best, match_name(pattern, name));
  return best;
}

std::string describe_certificate_names(const Certificate& certificate) {
  std::string out = "subject \"" + certificate.subject() + "\"";
  const SubjectAltNames& alt = certificate.alt_names();
  std::string sans;
  for (const auto& name : alt.dns_names)
    sans += (sans.empty() ? "" : ", ") + ("DNS:" + name);
  for (const auto& email : alt.emails)
    sans += (sans.empty() ? "" : ", ") + ("email:" + email);
  for (const auto& ip : alt.ip_addresses)
    sans += (sans.empty() ? "" : ", ") + ("IP:" + format_ip_address(ip));
  out += sans.empty() ? ", no subjectAltName" : ", subjectAltName " + sans;
  return out;
}

}  // namespace

IdMatch match_name(std::string_view pattern, std::string_view value) {
  if (pattern == "*") return value.empty() ? IdMatch::none : IdMatch::wildcard;
  if (!pattern.empty() && pattern.front() == '*') {
    std::string_view suffix = pattern.substr(1);
    if (value.size() <= suffix.size()) return IdMatch::none;  // "*" stands for >= 1 char
    return equal_ignore_case(value.substr(value.size() - suffix.size()), suffix) ? IdMatch::wildcard
                                                                                 : IdMatch::none;
  }
  return equal_ignore_case(pattern, value) ? IdMatch::exact : IdMatch::none;
}

IdMatch match_identity(const Identity& configured, const Identity& received) {
  if (configured.is_any()) return IdMatch::any;
  if (configured.type != received.type) return IdMatch::none;
  switch (configured.type) {
    case IdType::fqdn:
    case IdType::rfc822_addr:
      return match_name(as_text(configured.data), as_text(received.data));
    case IdType::der_asn1_dn:
      return match_dn(configured.data, received.data);
    default:
      return bytes_equal(configured.data, received.data) ? IdMatch::exact : IdMatch::none;
  }
}

IdMatch match_certificate(const Certificate& certificate, const Identity& id) {
  if (id.is_any()) return IdMatch::any;
  const SubjectAltNames& alt = certificate.alt_names();
  switch (id.type) {
    case IdType::der_asn1_dn:
      return match_dn(id.data, certificate);
    case IdType::fqdn:
      return best_name_match(as_text(id.data), alt.dns_names);
    case IdType::rfc822_addr:
      return best_name_match(as_text(id.data), alt.emails);
    case IdType::ipv4_addr:
    case IdType::ipv6_addr:
      for (const auto& ip : alt.ip_addresses) {
        if (bytes_equal(ip, id.data)) return IdMatch::exact;
      }
      return IdMatch::none;
    case IdType::key_id: {
      const auto& skid = certificate.subject_key_id();
      if (bytes_equal(certificate.spki_sha1(), id.data) || (skid && bytes_equal(*skid, id.data)))
        return IdMatch::exact;
      return IdMatch::none;
    }
    case IdType::der_asn1_gn:
      return IdMatch::none;
  }
  return IdMatch::none;
}

Status check_certificate_identity(const Certificate& certificate, const Identity& id) {
  if (match_certificate(certificate, id) != IdMatch::none) return {};
  return make_error(Errc::identity_mismatch, "certificate does not match " +
                                                 wire::to_string(id.type) + " \"" + id.to_string() +
                                                 "\": " + describe_certificate_names(certificate));
}

}  // namespace ike::pki
