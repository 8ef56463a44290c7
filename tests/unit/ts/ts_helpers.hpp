#pragma once
// Shorthand for ts tests: selectors written the way an operator writes them.

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "ike/ts/subnet_syntax.hpp"

namespace ike::ts::test {

/// Every item of a concrete subnet list ("10.0.0.0/8[tcp], ::/0").
inline std::vector<TrafficSelector> selectors(std::string_view text) {
  auto parsed = parse_subnet_list(text);
  EXPECT_TRUE(parsed) << text << ": " << (parsed ? "" : parsed.error().reason);
  std::vector<TrafficSelector> out;
  if (!parsed) return out;
  for (const auto& entry : *parsed) {
    EXPECT_FALSE(entry.dynamic) << text;
    out.push_back(entry.selector);
  }
  return out;
}

/// The single selector of `text`.
inline TrafficSelector selector(std::string_view text) {
  auto list = selectors(text);
  EXPECT_EQ(list.size(), 1u) << text;
  return list.empty() ? TrafficSelector{} : list.front();
}

inline IpAddress address(std::string_view text) {
  auto parsed = IpAddress::parse(text);
  EXPECT_TRUE(parsed) << text;
  return parsed ? *parsed : IpAddress{};
}

}  // namespace ike::ts::test
