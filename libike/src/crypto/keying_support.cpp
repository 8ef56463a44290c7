#include "crypto/keying_support.hpp"

#include <openssl/err.h>

#include <cassert>

namespace ike::crypto::keying {

Error openssl_error(Errc code, std::string what) {
  unsigned long first = ERR_get_error();
  if (first != 0) {
    what += ": ";
    // The reason alone ("not a public key") reads better in a log line than
    // the packed "error:1C8000DC:..." form, which is the fallback.
    if (const char* reason = ERR_reason_error_string(first)) {
      what += reason;
    } else {
      char text[256];
      ERR_error_string_n(first, text, sizeof text);
      what += text;
    }
  }
  ERR_clear_error();
  return make_error(code, std::move(what));
}

void discard_openssl_errors() noexcept {
  ERR_clear_error();
}

bool all_zero_ct(ByteView data) noexcept {
  unsigned accumulated = 0;
  for (std::uint8_t byte : data)
    accumulated |= byte;
  return accumulated == 0;
}

bool less_than_ct(ByteView a, ByteView b) noexcept {
  assert(a.size() == b.size());
  // Scans every octet: `less` latches at the first difference, `equal` says
  // whether all octets so far matched. (x - y) >> 8 is 1 exactly when x < y
  // for octets widened to unsigned.
  unsigned less = 0;
  unsigned equal = 1;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const unsigned x = a[i];
    const unsigned y = b[i];
    less |= equal & ((x - y) >> 8 & 1);
    equal &= ((x ^ y) - 1) >> 8 & 1;
  }
  return less == 1;
}

}  // namespace ike::crypto::keying
