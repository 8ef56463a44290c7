#include "control/request_fields.hpp"

#include <cstddef>

#include "control/request_codec.hpp"

namespace ikev2d::control {
namespace {

using json = nlohmann::json;

ike::Error invalid(std::string reason) {
  return ike::make_error(ike::Errc::invalid_argument, std::move(reason));
}

/// nlohmann's what() is "[json.exception.parse_error.101] parse error at
/// line 1, column 9: syntax error while parsing ..."; keep what comes after
/// the position, which says what was wrong.
std::string describe_parse_error(std::size_t position, const std::string& what) {
  std::string_view text = what;
  if (auto bracket = text.find("] "); bracket != std::string_view::npos) {
    text.remove_prefix(bracket + 2);
  }
  if (text.starts_with("parse error")) {
    if (auto colon = text.find(": "); colon != std::string_view::npos) {
      text.remove_prefix(colon + 2);
    }
  }
  // nlohmann counts characters read, the offending one (or the end) included.
  std::size_t offset = position > 0 ? position - 1 : 0;
  return "malformed JSON at byte " + std::to_string(offset) + ": " + printable_for_message(text);
}

/// "a string", "an object", "null": for "must be a string, not ...".
std::string article_type(const json& value) {
  if (value.is_null()) return "null";
  return std::string(value.is_array() || value.is_object() ? "an " : "a ") + value.type_name();
}

/// Collects the members of a top-level object; skips everything nested.
class MemberCollector {
 public:
  explicit MemberCollector(std::vector<std::pair<std::string, json>>& members)
      : members_(members) {}

  bool null() { return scalar(nullptr); }
  bool boolean(bool value) { return scalar(value); }
  bool number_integer(json::number_integer_t value) { return scalar(value); }
  bool number_unsigned(json::number_unsigned_t value) { return scalar(value); }
  bool number_float(json::number_float_t value, const std::string&) { return scalar(value); }
  bool string(std::string& value) { return scalar(value); }
  bool binary(json::binary_t&) { return fail("request must be JSON text"); }
  bool start_object(std::size_t) { return open(json::object()); }
  bool start_array(std::size_t) { return open(json::array()); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }

  bool key(std::string& name) {
    if (depth_ != 1) return true;
    for (const auto& member : members_) {
      if (member.first == name) return fail("duplicate field " + quote_for_message(name));
    }
    members_.emplace_back(std::move(name), nullptr);
    return true;
  }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    if (error_.empty()) error_ = describe_parse_error(position, e.what());
    return false;
  }

  const std::string& error() const { return error_; }

 private:
  bool fail(std::string reason) {
    error_ = std::move(reason);
    return false;
  }

  bool scalar(json value) {
    if (depth_ == 0) return fail("request must be a JSON object, not " + article_type(value));
    if (depth_ == 1) members_.back().second = std::move(value);
    return true;
  }

  bool open(json container) {
    if (depth_ == 0 && !container.is_object()) {
      return fail("request must be a JSON object, not " + article_type(container));
    }
    if (depth_ == 1) members_.back().second = std::move(container);
    ++depth_;
    return true;
  }

  bool close() {
    --depth_;
    return true;
  }

  std::vector<std::pair<std::string, json>>& members_;
  std::size_t depth_ = 0;
  std::string error_;
};

}  // namespace

ike::Result<RequestFields> RequestFields::parse(std::string_view text) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return invalid("empty request");
  }
  RequestFields fields;
  MemberCollector collector(fields.members_);
  bool parsed = json::sax_parse(text.begin(), text.end(), &collector);
  if (!parsed) {
    return invalid(collector.error().empty() ? std::string("malformed JSON") : collector.error());
  }
  return fields;
}

const nlohmann::json* RequestFields::find(std::string_view name) const {
  for (const auto& [member, value] : members_) {
    if (member == name) return &value;
  }
  return nullptr;
}

ike::Result<std::string> RequestFields::string(std::string_view name) const {
  const json* value = find(name);
  if (value == nullptr) return invalid("missing field \"" + std::string(name) + "\"");
  if (!value->is_string()) {
    return invalid("field \"" + std::string(name) + "\" must be a string, not " +
                   article_type(*value));
  }
  return value->get<std::string>();
}

ike::Result<std::optional<bool>> RequestFields::boolean(std::string_view name) const {
  const json* value = find(name);
  if (value == nullptr) return std::optional<bool>{};
  if (!value->is_boolean()) {
    return invalid("field \"" + std::string(name) + "\" must be true or false, not " +
                   article_type(*value));
  }
  return std::optional<bool>(value->get<bool>());
}

}  // namespace ikev2d::control
