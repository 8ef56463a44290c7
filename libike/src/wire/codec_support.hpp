#pragma once
/// Helpers shared by the payload codecs of src/wire (private to ike_wire):
/// error construction with the payload's name in front, so every reason reads
/// "SA payload: transform 2 length 3 is below the 8-byte minimum".

#include <cstddef>
#include <string>
#include <string_view>

#include "ike/error.hpp"

namespace ike::wire::detail {

/// An invalid_syntax error whose reason starts with `where` ("KE payload").
inline Error syntax_error(std::string_view where, const std::string& detail) {
  return make_error(Errc::invalid_syntax, std::string(where) + ": " + detail);
}

/// "N bytes" with the number spelled in digits, for reasons.
inline std::string bytes_text(std::size_t count) {
  return std::to_string(count) + (count == 1 ? " byte" : " bytes");
}

/// The error for a body shorter than its fixed part.
inline Error too_short(std::string_view where, std::size_t have, std::size_t need) {
  return syntax_error(where, "body of " + bytes_text(have) + " is shorter than the " +
                                 std::to_string(need) + "-byte fixed part");
}

/// A count we may reserve for: never more elements than the input could hold
/// at `min_element_size` bytes each, so a forged count cannot make us allocate.
inline std::size_t bounded_reserve(std::size_t declared, std::size_t remaining,
                                   std::size_t min_element_size) {
  std::size_t possible = remaining / min_element_size;
  return declared < possible ? declared : possible;
}

}  // namespace ike::wire::detail
