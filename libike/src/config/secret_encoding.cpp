#include "config/secret_encoding.hpp"

namespace ike::config::detail {
namespace {

int base64_digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::optional<Bytes> decode_base64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::size_t padding = 0;
  if (text.back() == '=') ++padding;
  if (text.size() >= 2 && text[text.size() - 2] == '=') ++padding;
  Bytes out;
  out.reserve(text.size() / 4 * 3);
  std::uint32_t group = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    int digit = 0;
    if (i >= text.size() - padding) {
      if (text[i] != '=') return std::nullopt;
    } else {
      digit = base64_digit(text[i]);
      if (digit < 0) return std::nullopt;
    }
    group = group << 6 | static_cast<std::uint32_t>(digit);
    if (i % 4 == 3) {
      out.push_back(static_cast<std::uint8_t>(group >> 16));
      out.push_back(static_cast<std::uint8_t>(group >> 8));
      out.push_back(static_cast<std::uint8_t>(group));
      group = 0;
    }
  }
  out.resize(out.size() - padding);
  return out;
}

}  // namespace ike::config::detail
