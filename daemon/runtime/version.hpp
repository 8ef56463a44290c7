#pragma once
/// The version `ikev2d --version` prints (CMakeLists.txt's project version).

#include <string_view>

namespace ikev2d::runtime {

inline constexpr std::string_view kVersion = "0.1.0";

}  // namespace ikev2d::runtime
