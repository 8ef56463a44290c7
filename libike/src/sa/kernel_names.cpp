#include "ike/sa/kernel.hpp"

namespace ike::sa {

std::string_view to_string(IpsecMode mode) noexcept {
  return mode == IpsecMode::tunnel ? "tunnel" : "transport";
}

std::string_view to_string(PolicyDirection direction) noexcept {
  switch (direction) {
    case PolicyDirection::out:
      return "out";
    case PolicyDirection::in:
      return "in";
    case PolicyDirection::fwd:
      return "fwd";
  }
  return "?";
}

}  // namespace ike::sa
