#pragma once
/// Generic value handlers for the keyword tables: one template per value
/// shape, instantiated with the member it fills. Internal.

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "ike/config/values.hpp"

namespace ike::config::detail {

template <class Pointer>
struct MemberOf;
template <class Class, class Value>
struct MemberOf<Value Class::*> {
  using type = Class;
};
template <auto Member>
using TargetOf = typename MemberOf<decltype(Member)>::type;

inline Error invalid_value(std::string reason) {
  return make_error(Errc::invalid_argument, std::move(reason));
}

/// Any text.
template <auto Member>
Status set_text(TargetOf<Member>& target, std::string_view text) {
  target.*Member = std::string(text);
  return {};
}

template <auto Member>
Status set_yes_no(TargetOf<Member>& target, std::string_view text) {
  auto value = parse_yes_no(text);
  if (!value) return std::move(value).error();
  target.*Member = *value;
  return {};
}

template <auto Member>
Status set_duration(TargetOf<Member>& target, std::string_view text) {
  auto value = parse_duration(text);
  if (!value) return std::move(value).error();
  target.*Member = *value;
  return {};
}

template <auto Member, std::uint64_t Max>
Status set_number(TargetOf<Member>& target, std::string_view text) {
  auto value = parse_unsigned(text, Max);
  if (!value) return std::move(value).error();
  target.*Member = static_cast<std::remove_cvref_t<decltype(target.*Member)>>(*value);
  return {};
}

/// One of the enum's names; the error lists them.
template <auto Member>
Status set_enum(TargetOf<Member>& target, std::string_view text) {
  using Enum = std::remove_cvref_t<decltype(target.*Member)>;
  if (auto value = parse_enum_name<Enum>(text)) {
    target.*Member = *value;
    return {};
  }
  std::string expected;
  auto values = all_values(Enum{});
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) expected += i + 1 == values.size() ? " or " : ", ";
    expected += name(values[i]);
  }
  return invalid_value("expected " + expected);
}

/// Comma-separated items.
template <auto Member>
Status set_list(TargetOf<Member>& target, std::string_view text) {
  auto items = split_list(text);
  if (!items) return std::move(items).error();
  target.*Member = std::move(*items);
  return {};
}

}  // namespace ike::config::detail
