#include "ike/crypto/pki/identity.hpp"

#include <openssl/x509.h>

#include "ike/crypto/pki/certificate.hpp"
#include "ike/crypto/pki/openssl_handles.hpp"

namespace ike::pki {
namespace {

using wire::IdType;

std::string_view as_text(ByteView data) {
  return {reinterpret_cast<const char*>(data.data()), data.size()};
}

/// Printable ASCII as is, everything else as \xNN, so a peer's ID cannot put
/// control characters into our logs.
std::string printable(ByteView data) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t byte : data) {
    if (byte >= 0x20 && byte < 0x7f && byte != '\\') {
      out += static_cast<char>(byte);
    } else {
      out += "\\x";
      out += kDigits[byte >> 4];
      out += kDigits[byte & 0xf];
    }
  }
  return out;
}

X509NamePtr decode_dn(ByteView der) {
  const unsigned char* cursor = der.data();
  X509NamePtr name(d2i_X509_NAME(nullptr, &cursor, static_cast<long>(der.size())));
  clear_openssl_errors();
  if (name && cursor != der.data() + der.size()) return nullptr;
  return name;
}

Result<Identity> parse_at_form(std::string_view text) {
  // "@#hex" key id, "@@user@host" forced RFC 822, "@name" forced FQDN.
  if (text.starts_with("@#")) {
    auto bytes = from_hex(text.substr(2));
    if (!bytes || bytes->empty())
      return make_error(Errc::invalid_argument,
                        "key ID \"" + std::string(text) + "\" is not hex after \"@#\"");
    return Identity{IdType::key_id, std::move(*bytes)};
  }
  if (text.starts_with("@@")) {
    if (text.size() == 2) return make_error(Errc::invalid_argument, "empty RFC 822 identity");
    return Identity::rfc822(text.substr(2));
  }
  if (text.size() == 1) return make_error(Errc::invalid_argument, "empty FQDN identity");
  return Identity::fqdn(text.substr(1));
}

Result<Bytes> hex_or_text(std::string_view value, std::string_view what) {
  if (!value.starts_with("#")) return Bytes(value.begin(), value.end());
  auto bytes = from_hex(value.substr(1));
  if (!bytes || bytes->empty())
    return make_error(Errc::invalid_argument,
                      std::string(what) + " \"" + std::string(value) + "\" is not hex after '#'");
  return std::move(*bytes);
}

/// strongSwan's explicit "type:value" prefixes; nullopt when `text` has none.
std::optional<Result<Identity>> parse_typed(std::string_view text) {
  std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view prefix = text.substr(0, colon);
  std::string_view value = text.substr(colon + 1);
  auto address = [&](IdType type, std::size_t length) -> Result<Identity> {
    auto bytes = parse_ip_address(value);
    if (!bytes || bytes->size() != length)
      return make_error(Errc::invalid_argument, "\"" + std::string(text) + "\" is not a valid " +
                                                    std::string(prefix) + " address");
    return Identity{type, std::move(*bytes)};
  };
  auto named = [&](IdType type) -> Result<Identity> {
    if (value.empty())
      return make_error(Errc::invalid_argument, "empty value in \"" + std::string(text) + "\"");
    return Identity{type, Bytes(value.begin(), value.end())};
  };
  if (prefix == "ipv4") return address(IdType::ipv4_addr, 4);
  if (prefix == "ipv6") return address(IdType::ipv6_addr, 16);
  if (prefix == "fqdn") return named(IdType::fqdn);
  if (prefix == "rfc822" || prefix == "email" || prefix == "userfqdn")
    return named(IdType::rfc822_addr);
  if (prefix == "keyid") {
    auto bytes = hex_or_text(value, "key ID");
    if (!bytes) return Result<Identity>(std::move(bytes).error());
    if (bytes->empty()) return named(IdType::key_id);
    return Identity{IdType::key_id, std::move(*bytes)};
  }
  if (prefix == "asn1dn") {
    if (value.starts_with("#")) {
      auto der = hex_or_text(value, "DN");
      if (!der) return Result<Identity>(std::move(der).error());
      return Identity::from_payload(IdType::der_asn1_dn, *der);
    }
    auto der = parse_dn(value);
    if (!der) return Result<Identity>(std::move(der).error());
    return Identity{IdType::der_asn1_dn, std::move(*der)};
  }
  return std::nullopt;  // e.g. an IPv6 address: its first group is no known prefix
}

}  // namespace

Result<Identity> Identity::parse(std::string_view text) {
  if (text.empty()) return make_error(Errc::invalid_argument, "empty identity");
  if (text == "%any" || text == "%any6") return Identity::any();
  if (text.front() == '@') return parse_at_form(text);
  if (auto typed = parse_typed(text)) return std::move(*typed);
  // A DN always has '=' ("CN=x"), which no address or host name has.
  if (text.find('=') != std::string_view::npos) {
    auto der = parse_dn(text);
    if (!der) return std::move(der).error();
    return Identity{IdType::der_asn1_dn, std::move(*der)};
  }
  if (auto address = parse_ip_address(text)) {
    return Identity{address->size() == 4 ? IdType::ipv4_addr : IdType::ipv6_addr,
                    std::move(*address)};
  }
  if (text.find(':') != std::string_view::npos)
    return make_error(Errc::invalid_argument,
                      "identity \"" + std::string(text) + "\" is not a valid IPv6 address");
  if (text.find('@') != std::string_view::npos) return Identity::rfc822(text);
  // strongSwan treats any other string as a host name, with or without dots.
  return Identity::fqdn(text);
}

Result<Identity> Identity::from_payload(IdType type, ByteView data) {
  std::string what = wire::to_string(type);
  switch (type) {
    case IdType::ipv4_addr:
    case IdType::ipv6_addr: {
      std::size_t want = type == IdType::ipv4_addr ? 4 : 16;
      if (data.size() != want)
        return make_error(Errc::invalid_syntax, what + " data is " + std::to_string(data.size()) +
                                                    " octets, expected " + std::to_string(want));
      break;
    }
    case IdType::der_asn1_dn:
      if (data.empty() || !decode_dn(data))
        return make_error(Errc::invalid_syntax, what + " data is not a DER distinguished name");
      break;
    default:
      if (type == kAnyType)
        return make_error(Errc::invalid_syntax, "ID payload with reserved ID type 0");
      if (data.empty()) return make_error(Errc::invalid_syntax, what + " data is empty");
      break;
  }
  return Identity{type, Bytes(data.begin(), data.end())};
}

bool Identity::has_wildcards() const {
  switch (type) {
    case IdType::fqdn:
    case IdType::rfc822_addr:
      return as_text(data).find('*') != std::string_view::npos;
    case IdType::der_asn1_dn: {
      X509NamePtr name = decode_dn(data);
      for (int i = 0; name && i < X509_NAME_entry_count(name.get()); ++i) {
        const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name.get(), i));
        if (ASN1_STRING_length(value) == 1 && ASN1_STRING_get0_data(value)[0] == '*') return true;
      }
      return false;
    }
    default:
      return is_any();
  }
}

std::string Identity::to_string() const {
  switch (type) {
    case IdType::ipv4_addr:
    case IdType::ipv6_addr:
      return format_ip_address(data);
    case IdType::fqdn:
    case IdType::rfc822_addr:
      return printable(data);
    case IdType::der_asn1_dn: {
      X509NamePtr name = decode_dn(data);
      return name ? dn_to_string(name.get()) : "(malformed DN) " + to_hex(data);
    }
    case IdType::key_id:
      return "@#" + to_hex(data);
    case IdType::der_asn1_gn:
      return "(ASN.1 GeneralName) " + to_hex(data);
  }
  if (is_any()) return "%any";
  return wire::to_string(type) + " " + to_hex(data);
}

}  // namespace ike::pki
