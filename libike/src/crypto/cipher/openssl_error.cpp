#include <openssl/err.h>

#include "crypto/cipher/openssl_handles.hpp"

namespace ike::crypto::detail {

Error openssl_error(const std::string& operation) {
  unsigned long code = ERR_get_error();
  std::string reason = operation;
  if (code != 0) {
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    reason += ": ";
    reason += text;
  }
  ERR_clear_error();
  return make_error(Errc::crypto_failure, std::move(reason));
}

}  // namespace ike::crypto::detail
