#include "ike/ts/ip_address.hpp"

#include <algorithm>
#include <cstdio>

namespace ike {
namespace {

constexpr std::size_t kMaxIpv6Groups = 8;

/// The text in quotes for an error message, shortened so that a megabyte of
/// garbage does not become a megabyte of log line.
std::string quoted(std::string_view text) {
  constexpr std::size_t kMaxShown = 64;
  if (text.size() <= kMaxShown) return "\"" + std::string(text) + "\"";
  return "\"" + std::string(text.substr(0, kMaxShown)) + "...\"";
}

/// A printable rendering of one character for error messages.
std::string describe_char(char c) {
  auto byte = static_cast<unsigned char>(c);
  if (byte > 0x20 && byte < 0x7f) return std::string("'") + c + "'";
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "0x%02x", byte);
  return buffer;
}

Error address_error(std::string_view text, std::string_view family, const std::string& why) {
  return make_error(Errc::invalid_argument,
                    quoted(text) + " is not an " + std::string(family) + " address: " + why);
}

bool is_decimal(char c) {
  return c >= '0' && c <= '9';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Parses a strict dotted quad into out[0..3]. `whole` is the text shown in
/// errors (the full IPv6 address when this is its embedded IPv4 part).
Status parse_dotted_quad(std::string_view text, std::string_view whole, std::string_view family,
                         std::uint8_t* out) {
  std::size_t part = 0;
  std::size_t pos = 0;
  while (true) {
    if (part == 4) {
      return address_error(whole, family, "more than 4 dotted parts");
    }
    std::size_t end = pos;
    while (end < text.size() && text[end] != '.') {
      if (!is_decimal(text[end])) {
        return address_error(whole, family, "unexpected character " + describe_char(text[end]));
      }
      ++end;
    }
    std::string_view digits = text.substr(pos, end - pos);
    std::string label = "part " + std::to_string(part + 1);
    if (digits.empty()) return address_error(whole, family, label + " is empty");
    if (digits.size() > 1 && digits[0] == '0') {
      return address_error(whole, family, label + " (" + quoted(digits) + ") has a leading zero");
    }
    if (digits.size() > 3) {
      return address_error(whole, family, label + " (" + quoted(digits) + ") is above 255");
    }
    unsigned value = 0;
    for (char c : digits)
      value = value * 10 + static_cast<unsigned>(c - '0');
    if (value > 255) {
      return address_error(whole, family, label + " (" + quoted(digits) + ") is above 255");
    }
    out[part++] = static_cast<std::uint8_t>(value);
    if (end == text.size()) break;
    pos = end + 1;
  }
  if (part != 4) {
    return address_error(whole, family,
                         "has " + std::to_string(part) + " dotted parts, expected 4");
  }
  return {};
}

/// Splits IPv6 text into the groups before and after "::" (RFC 4291 2.2).
struct Ipv6Groups {
  std::array<std::uint16_t, kMaxIpv6Groups> head{};
  std::size_t head_count = 0;
  std::array<std::uint16_t, kMaxIpv6Groups> tail{};
  std::size_t tail_count = 0;
  bool compressed = false;
};

Error v6_error(std::string_view text, const std::string& why) {
  return address_error(text, "IPv6", why);
}

/// Appends one group (or, for the last piece, an embedded IPv4 address as two
/// groups) to the head or the tail list.
Status add_ipv6_piece(std::string_view text, std::string_view piece, bool is_last,
                      Ipv6Groups& groups) {
  auto& list = groups.compressed ? groups.tail : groups.head;
  auto& count = groups.compressed ? groups.tail_count : groups.head_count;
  std::size_t total = groups.head_count + groups.tail_count;
  if (piece.find('.') != std::string_view::npos) {
    if (!is_last) return v6_error(text, "an embedded IPv4 address must be the last 32 bits");
    if (total + 2 > kMaxIpv6Groups) return v6_error(text, "more than 8 groups");
    std::uint8_t quad[4];
    auto status = parse_dotted_quad(piece, text, "IPv6", quad);
    if (!status) return std::move(status).error();
    list[count++] = static_cast<std::uint16_t>(quad[0] << 8 | quad[1]);
    list[count++] = static_cast<std::uint16_t>(quad[2] << 8 | quad[3]);
    return {};
  }
  unsigned value = 0;
  for (char c : piece) {
    int digit = hex_value(c);
    if (digit < 0) return v6_error(text, "unexpected character " + describe_char(c));
    value = value << 4 | static_cast<unsigned>(digit & 0xf);
  }
  if (piece.size() > 4) {
    return v6_error(text, "group " + std::to_string(total + 1) + " (" + quoted(piece) +
                              ") has more than 4 hex digits");
  }
  if (total + 1 > kMaxIpv6Groups) return v6_error(text, "more than 8 groups");
  list[count++] = static_cast<std::uint16_t>(value);
  return {};
}

Result<Ipv6Groups> split_ipv6(std::string_view text) {
  Ipv6Groups groups;
  if (!text.empty() && text[0] == ':' && (text.size() == 1 || text[1] != ':')) {
    return v6_error(text, "starts with a single ':'");
  }
  if (text.size() >= 2 && text.back() == ':' && text[text.size() - 2] != ':') {
    return v6_error(text, "ends with a single ':'");
  }
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (text.compare(pos, 2, "::") == 0) {
      if (groups.compressed) return v6_error(text, "'::' appears more than once");
      if (text.compare(pos, 3, ":::") == 0) return v6_error(text, "':::' is not allowed");
      groups.compressed = true;
      pos += 2;
      continue;
    }
    std::size_t end = text.find(':', pos);
    if (end == std::string_view::npos) end = text.size();
    if (end == pos) return v6_error(text, "empty group");
    bool is_last = end == text.size();
    auto status = add_ipv6_piece(text, text.substr(pos, end - pos), is_last, groups);
    if (!status) return std::move(status).error();
    pos = end;
    // A single ':' separates groups; "::" is handled at the top of the loop.
    if (pos < text.size() && text.compare(pos, 2, "::") != 0) ++pos;
  }
  return groups;
}

Result<IpAddress> parse_ipv6(std::string_view text) {
  if (auto zone = text.find('%'); zone != std::string_view::npos) {
    return v6_error(text, "a zone index (" + quoted(text.substr(zone)) + ") is not allowed");
  }
  auto split = split_ipv6(text);
  if (!split) return std::move(split).error();
  const Ipv6Groups& groups = *split;
  std::size_t total = groups.head_count + groups.tail_count;
  if (!groups.compressed && total != kMaxIpv6Groups) {
    return v6_error(text, "has " + std::to_string(total) + " groups and no '::', expected 8");
  }
  if (groups.compressed && total == kMaxIpv6Groups) {
    return v6_error(text, "'::' must stand for at least one zero group, but 8 are given");
  }
  std::array<std::uint16_t, kMaxIpv6Groups> words{};
  std::copy_n(groups.head.begin(), groups.head_count, words.begin());
  std::copy_n(groups.tail.begin(), groups.tail_count,
              words.begin() + static_cast<std::ptrdiff_t>(kMaxIpv6Groups - groups.tail_count));
  std::array<std::uint8_t, 16> bytes{};
  for (std::size_t i = 0; i < kMaxIpv6Groups; ++i) {
    bytes[2 * i] = static_cast<std::uint8_t>(words[i] >> 8);
    bytes[2 * i + 1] = static_cast<std::uint8_t>(words[i]);
  }
  return IpAddress::v6(bytes);
}

std::string format_ipv4(const std::uint8_t* b) {
  return std::to_string(b[0]) + "." + std::to_string(b[1]) + "." + std::to_string(b[2]) + "." +
         std::to_string(b[3]);
}

std::string format_ipv6(const std::array<std::uint8_t, 16>& b, bool v4_mapped) {
  std::array<unsigned, kMaxIpv6Groups> words{};
  for (std::size_t i = 0; i < kMaxIpv6Groups; ++i)
    words[i] = static_cast<unsigned>(b[2 * i] << 8 | b[2 * i + 1]);
  std::size_t hex_groups = v4_mapped ? 6 : 8;
  // RFC 5952 4.2: compress the longest run of at least two zero groups, the
  // first one when runs are equally long.
  std::size_t best_start = hex_groups, best_length = 0;
  for (std::size_t i = 0; i < hex_groups;) {
    if (words[i] != 0) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < hex_groups && words[j] == 0)
      ++j;
    if (j - i > best_length) {
      best_start = i;
      best_length = j - i;
    }
    i = j;
  }
  if (best_length < 2) best_start = hex_groups, best_length = 0;
  std::string out;
  char buffer[8];
  for (std::size_t i = 0; i < hex_groups; ++i) {
    if (i == best_start) {
      out += "::";
      i += best_length - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    std::snprintf(buffer, sizeof buffer, "%x", words[i]);
    out += buffer;
  }
  if (v4_mapped) {
    if (!out.empty() && out.back() != ':') out += ':';
    out += format_ipv4(b.data() + 12);
  }
  return out;
}

}  // namespace

std::string_view to_string(AddressFamily family) noexcept {
  return family == AddressFamily::ipv4 ? "IPv4" : "IPv6";
}

IpAddress IpAddress::v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) noexcept {
  return v4(std::array<std::uint8_t, 4>{a, b, c, d});
}

IpAddress IpAddress::v4(const std::array<std::uint8_t, 4>& bytes) noexcept {
  IpAddress address;
  address.family_ = AddressFamily::ipv4;
  std::copy(bytes.begin(), bytes.end(), address.bytes_.begin());
  return address;
}

IpAddress IpAddress::v6(const std::array<std::uint8_t, 16>& bytes) noexcept {
  IpAddress address;
  address.family_ = AddressFamily::ipv6;
  address.bytes_ = bytes;
  return address;
}

IpAddress IpAddress::zero(AddressFamily family) noexcept {
  IpAddress address;
  address.family_ = family;
  return address;
}

IpAddress IpAddress::all_ones(AddressFamily family) noexcept {
  IpAddress address = zero(family);
  std::fill_n(address.bytes_.begin(), address.size(), std::uint8_t{0xff});
  return address;
}

Result<IpAddress> IpAddress::from_bytes(ByteView bytes) {
  if (bytes.size() == 4) return v4({bytes[0], bytes[1], bytes[2], bytes[3]});
  if (bytes.size() == 16) {
    std::array<std::uint8_t, 16> copy{};
    std::copy(bytes.begin(), bytes.end(), copy.begin());
    return v6(copy);
  }
  return make_error(Errc::invalid_argument,
                    "an IP address has 4 or 16 bytes, not " + std::to_string(bytes.size()));
}

Result<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.empty()) return make_error(Errc::invalid_argument, "empty IP address");
  if (text.find(':') != std::string_view::npos) return parse_ipv6(text);
  std::array<std::uint8_t, 4> quad{};
  auto status = parse_dotted_quad(text, text, "IPv4", quad.data());
  if (!status) return std::move(status).error();
  return v4(quad);
}

bool IpAddress::is_zero() const noexcept {
  return std::all_of(bytes_.begin(), bytes_.end(), [](std::uint8_t b) { return b == 0; });
}

bool IpAddress::is_v4_mapped() const noexcept {
  if (!is_v6()) return false;
  return std::all_of(bytes_.begin(), bytes_.begin() + 10, [](std::uint8_t b) { return b == 0; }) &&
         bytes_[10] == 0xff && bytes_[11] == 0xff;
}

IpAddress IpAddress::masked(unsigned prefix_length) const noexcept {
  IpAddress out = *this;
  for (std::size_t i = 0; i < size(); ++i) {
    unsigned first_bit = static_cast<unsigned>(i) * 8;
    if (prefix_length <= first_bit) {
      out.bytes_[i] = 0;
    } else if (prefix_length < first_bit + 8) {
      out.bytes_[i] &= static_cast<std::uint8_t>(0xff << (first_bit + 8 - prefix_length));
    }
  }
  return out;
}

IpAddress IpAddress::with_host_bits_set(unsigned prefix_length) const noexcept {
  IpAddress out = *this;
  for (std::size_t i = 0; i < size(); ++i) {
    unsigned first_bit = static_cast<unsigned>(i) * 8;
    if (prefix_length <= first_bit) {
      out.bytes_[i] = 0xff;
    } else if (prefix_length < first_bit + 8) {
      out.bytes_[i] |= static_cast<std::uint8_t>(0xff >> (prefix_length - first_bit));
    }
  }
  return out;
}

unsigned IpAddress::trailing_zero_bits() const noexcept {
  unsigned count = 0;
  for (std::size_t i = size(); i-- > 0;) {
    std::uint8_t b = bytes_[i];
    if (b == 0) {
      count += 8;
      continue;
    }
    while ((b & 1) == 0) {
      ++count;
      b >>= 1;
    }
    break;
  }
  return count;
}

std::optional<IpAddress> IpAddress::next() const noexcept {
  if (*this == all_ones(family_)) return std::nullopt;
  IpAddress out = *this;
  for (std::size_t i = size(); i-- > 0;) {
    if (++out.bytes_[i] != 0) break;
  }
  return out;
}

std::optional<IpAddress> IpAddress::previous() const noexcept {
  if (is_zero()) return std::nullopt;
  IpAddress out = *this;
  for (std::size_t i = size(); i-- > 0;) {
    if (out.bytes_[i]-- != 0) break;
  }
  return out;
}

std::string IpAddress::to_string() const {
  if (is_v4()) return format_ipv4(bytes_.data());
  return format_ipv6(bytes_, is_v4_mapped());
}

}  // namespace ike

std::size_t std::hash<ike::IpAddress>::operator()(const ike::IpAddress& address) const noexcept {
  // FNV-1a over family and bytes: cheap and deterministic. Tables keyed by
  // addresses a peer chooses freely should mix in a per-process secret.
  std::size_t hash = 1469598103934665603ull;
  auto mix = [&hash](std::uint8_t b) {
    hash ^= b;
    hash *= 1099511628211ull;
  };
  mix(static_cast<std::uint8_t>(address.family()));
  for (std::uint8_t b : address.bytes())
    mix(b);
  return hash;
}
