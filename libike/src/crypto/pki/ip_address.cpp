// Textual IP addresses for identities, written here rather than taken from
// <arpa/inet.h> so libike stays free of socket headers and the accepted syntax
// is exactly what the tests pin (no leading zeros ambiguity, no trailing junk).

#include <cstdint>
#include <vector>

#include "ike/crypto/pki/identity.hpp"

namespace ike::pki {
namespace {

std::optional<Bytes> parse_ipv4(std::string_view text) {
  Bytes out;
  std::size_t at = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (at >= text.size() || text[at] != '.') return std::nullopt;
      ++at;
    }
    std::size_t start = at;
    unsigned value = 0;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9' && at - start < 3)
      value = value * 10 + static_cast<unsigned>(text[at++] - '0');
    std::size_t digits = at - start;
    // "010" is octal to inet_aton and decimal to others: refuse the ambiguity.
    if (digits == 0 || value > 255 || (digits > 1 && text[start] == '0')) return std::nullopt;
    out.push_back(static_cast<std::uint8_t>(value));
  }
  if (at != text.size()) return std::nullopt;
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Parses colon-separated 16-bit groups (no "::") into `groups`; a trailing
/// dotted quad counts as two groups. False on any syntax error.
bool parse_groups(std::string_view text, std::vector<std::uint16_t>& groups) {
  if (text.empty()) return true;
  std::size_t at = 0;
  for (;;) {
    std::size_t end = text.find(':', at);
    std::string_view piece = text.substr(at, end == std::string_view::npos ? text.npos : end - at);
    if (end == std::string_view::npos && piece.find('.') != std::string_view::npos) {
      auto v4 = parse_ipv4(piece);
      if (!v4) return false;
      groups.push_back(static_cast<std::uint16_t>(((*v4)[0] << 8) | (*v4)[1]));
      groups.push_back(static_cast<std::uint16_t>(((*v4)[2] << 8) | (*v4)[3]));
      return true;
    }
    if (piece.empty() || piece.size() > 4) return false;
    unsigned value = 0;
    for (char c : piece) {
      int digit = hex_value(c);
      if (digit < 0) return false;
      value = value * 16 + static_cast<unsigned>(digit);
    }
    groups.push_back(static_cast<std::uint16_t>(value));
    if (end == std::string_view::npos) return true;
    at = end + 1;
  }
}

std::optional<Bytes> parse_ipv6(std::string_view text) {
  std::size_t gap = text.find("::");
  std::vector<std::uint16_t> head, tail;
  if (gap == std::string_view::npos) {
    if (!parse_groups(text, head) || head.size() != 8) return std::nullopt;
  } else {
    if (text.find("::", gap + 1) != std::string_view::npos) return std::nullopt;
    if (!parse_groups(text.substr(0, gap), head) || !parse_groups(text.substr(gap + 2), tail))
      return std::nullopt;
    if (head.size() + tail.size() > 7) return std::nullopt;  // "::" stands for >= 1 group
    head.resize(8 - tail.size(), 0);
    head.insert(head.end(), tail.begin(), tail.end());
  }
  Bytes out;
  for (std::uint16_t group : head) {
    out.push_back(static_cast<std::uint8_t>(group >> 8));
    out.push_back(static_cast<std::uint8_t>(group & 0xff));
  }
  return out;
}

std::string format_ipv6(ByteView address) {
  std::uint16_t groups[8];
  for (int i = 0; i < 8; ++i)
    groups[i] = static_cast<std::uint16_t>((address[2 * i] << 8) | address[2 * i + 1]);
  // RFC 5952 4.2: compress the longest run of two or more zero groups, the
  // first one on a tie.
  int best_start = -1, best_length = 1;
  for (int i = 0; i < 8;) {
    if (groups[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && groups[j] == 0)
      ++j;
    if (j - i > best_length) best_start = i, best_length = j - i;
    i = j;
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == best_start) {
      out += "::";
      i += best_length - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      int nibble = (groups[i] >> shift) & 0xf;
      if (nibble != 0 || started || shift == 0) {
        out += kDigits[nibble];
        started = true;
      }
    }
  }
  return out;
}

}  // namespace

std::optional<Bytes> parse_ip_address(std::string_view text) {
  if (text.find(':') != std::string_view::npos) return parse_ipv6(text);
  return parse_ipv4(text);
}

std::string format_ip_address(ByteView address) {
  if (address.size() == 4)
    return std::to_string(address[0]) + "." + std::to_string(address[1]) + "." +
           std::to_string(address[2]) + "." + std::to_string(address[3]);
  if (address.size() == 16) return format_ipv6(address);
  return to_hex(address);
}

}  // namespace ike::pki
