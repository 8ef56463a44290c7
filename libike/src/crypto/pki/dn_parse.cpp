// Distinguished names from text ("C=CH, O=strongSwan, CN=moon") to DER.
// The DER is produced by OpenSSL itself (X509_NAME_add_entry_by_OBJ with
// MBSTRING_UTF8), so it is byte-identical to the subject OpenSSL writes into a
// certificate made with the same attributes.

#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <cctype>
#include <vector>

#include "ike/crypto/pki/identity.hpp"
#include "ike/crypto/pki/openssl_handles.hpp"

namespace ike::pki {
namespace {

struct ObjectDeleter {
  void operator()(ASN1_OBJECT* p) const noexcept { ASN1_OBJECT_free(p); }
};

struct Rdn {
  std::string attribute;
  std::string value;
};

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

/// The attribute names operators write, matched case-insensitively (as
/// strongSwan does), including strongSwan spellings OpenSSL's object table
/// does not know ("E", "GN", "T"); anything else goes through OBJ_txt2obj
/// (OpenSSL's short and long names, dotted OIDs).
int alias_nid(std::string_view attribute) {
  struct Alias {
    std::string_view name;
    int nid;
  };
  static constexpr Alias kAliases[] = {
      {"C", NID_countryName},
      {"ST", NID_stateOrProvinceName},
      {"L", NID_localityName},
      {"O", NID_organizationName},
      {"OU", NID_organizationalUnitName},
      {"CN", NID_commonName},
      {"E", NID_pkcs9_emailAddress},
      {"Email", NID_pkcs9_emailAddress},
      {"emailAddress", NID_pkcs9_emailAddress},
      {"serialNumber", NID_serialNumber},
      {"DC", NID_domainComponent},
      {"UID", NID_userId},
      {"SN", NID_surname},
      {"G", NID_givenName},
      {"GN", NID_givenName},
      {"givenName", NID_givenName},
      {"T", NID_title},
      {"title", NID_title},
      {"N", NID_name},
      {"street", NID_streetAddress},
      {"postalCode", NID_postalCode},
      {"dnQualifier", NID_dnQualifier},
      {"pseudonym", NID_pseudonym},
      {"ID", NID_x500UniqueIdentifier},
  };
  for (const auto& alias : kAliases) {
    if (equals_ignore_case(alias.name, attribute)) return alias.nid;
  }
  return NID_undef;
}

Result<std::unique_ptr<ASN1_OBJECT, ObjectDeleter>> attribute_object(std::string_view attribute) {
  int nid = alias_nid(attribute);
  std::string name(attribute);
  ASN1_OBJECT* object = nid != NID_undef ? OBJ_nid2obj(nid) : OBJ_txt2obj(name.c_str(), 0);
  clear_openssl_errors();
  if (object == nullptr)
    return make_error(Errc::invalid_argument, "DN attribute \"" + name + "\" is unknown");
  // OBJ_nid2obj returns a static object; duplicate so ownership is uniform.
  return std::unique_ptr<ASN1_OBJECT, ObjectDeleter>(OBJ_dup(object));
}

/// Splits on the separator, honouring quotes and backslash escapes, and
/// unescapes the values. Returns the RDNs in text order.
Result<std::vector<Rdn>> split_rdns(std::string_view text) {
  char separator = ',';
  if (!text.empty() && text.front() == '/') {
    separator = '/';
    text.remove_prefix(1);
  }
  std::vector<Rdn> out;
  std::string current;
  std::string attribute;
  bool have_attribute = false, quoted = false;
  auto finish = [&]() -> Status {
    if (!have_attribute)
      return make_error(Errc::invalid_argument,
                        "DN component \"" + std::string(trim(current)) + "\" has no '='");
    out.push_back({attribute, quoted ? current : std::string(trim(current))});
    current.clear();
    have_attribute = quoted = false;
    return {};
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\') {
      if (++i == text.size()) return make_error(Errc::invalid_argument, "DN ends in '\\'");
      // RFC 4514 2.4: "\4f" is a hex pair, "\," a literal.
      if (i + 1 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i])) &&
          std::isxdigit(static_cast<unsigned char>(text[i + 1]))) {
        current += static_cast<char>(std::stoi(std::string(text.substr(i, 2)), nullptr, 16));
        ++i;
      } else {
        current += text[i];
      }
    } else if (c == '"' && have_attribute && trim(current).empty() && !quoted) {
      std::size_t close = i + 1;
      std::string value;
      for (; close < text.size() && text[close] != '"'; ++close) {
        if (text[close] == '\\' && close + 1 < text.size()) ++close;
        value += text[close];
      }
      if (close == text.size())
        return make_error(Errc::invalid_argument, "DN has an unterminated quote");
      current = value;
      quoted = true;
      i = close;
    } else if (c == '=' && !have_attribute) {
      attribute = std::string(trim(current));
      if (attribute.empty())
        return make_error(Errc::invalid_argument, "DN component with empty attribute name");
      current.clear();
      have_attribute = true;
    } else if (c == separator) {
      if (auto status = finish(); !status) return status.error();
    } else if (!quoted) {
      current += c;
    } else if (!std::isspace(static_cast<unsigned char>(c))) {
      return make_error(Errc::invalid_argument, "DN has text after a quoted value");
    }
  }
  if (auto status = finish(); !status) return status.error();
  return out;
}

}  // namespace

Result<Bytes> parse_dn(std::string_view text) {
  if (trim(text).empty()) return make_error(Errc::invalid_argument, "empty DN");
  auto rdns = split_rdns(trim(text));
  if (!rdns) return std::move(rdns).error();
  X509NamePtr name(X509_NAME_new());
  if (!name) return openssl_error(Errc::crypto_failure, "X509_NAME_new");
  for (const auto& rdn : *rdns) {
    auto object = attribute_object(rdn.attribute);
    if (!object) return std::move(object).error();
    const auto* value = reinterpret_cast<const unsigned char*>(rdn.value.data());
    if (X509_NAME_add_entry_by_OBJ(name.get(), object->get(), MBSTRING_UTF8, value,
                                   static_cast<int>(rdn.value.size()), -1, 0) != 1)
      return openssl_error(Errc::invalid_argument,
                           "DN value \"" + rdn.value + "\" is not valid for " + rdn.attribute);
  }
  unsigned char* der = nullptr;
  int length = i2d_X509_NAME(name.get(), &der);
  if (length <= 0) return openssl_error(Errc::crypto_failure, "DN encoding");
  Bytes out(der, der + length);
  OPENSSL_free(der);
  return out;
}

}  // namespace ike::pki
