#pragma once
/// The first step of request parsing: one JSON object's top-level members,
/// collected by a SAX pass so duplicates are caught (a DOM keeps only the
/// last) and nested values never become objects we walk.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "ike/error.hpp"

namespace ikev2d::control {

class RequestFields {
 public:
  /// The members of the object `text`. Errors: malformed JSON or UTF-8,
  /// trailing bytes, a top-level value that is not an object, a duplicate
  /// member. A nested object or array member is kept as an empty object or
  /// array: its type is all a later check needs.
  static ike::Result<RequestFields> parse(std::string_view text);

  bool has(std::string_view name) const { return find(name) != nullptr; }

  /// The member's string value; an error naming the field if it is absent or
  /// not a string.
  ike::Result<std::string> string(std::string_view name) const;

  /// nullopt if absent; an error if present and not a boolean.
  ike::Result<std::optional<bool>> boolean(std::string_view name) const;

  const std::vector<std::pair<std::string, nlohmann::json>>& members() const { return members_; }

 private:
  const nlohmann::json* find(std::string_view name) const;

  std::vector<std::pair<std::string, nlohmann::json>> members_;
};

}  // namespace ikev2d::control
