#pragma once
/// Writes one JSON object as text, without building nlohmann::json values:
/// `ikectl status` streams one record per IKE SA, and for 100,000 SAs the
/// allocations of a json tree per record cost more than everything else.
/// Strings are escaped as RFC 8259 section 7 requires (invalid UTF-8 is
/// replaced by U+FFFD, as the control server's dump does).
///
///   JsonLine line;
///   line.begin_object();
///   line.field("type").string("ike_sa");
///   line.field("children").begin_array(); ... line.end_array();
///   line.end_object();
///   std::string text = line.take();

#include <cstdint>
#include <string>
#include <string_view>

namespace ikev2d::runtime {

class JsonLine {
 public:
  JsonLine& begin_object();
  JsonLine& end_object();
  JsonLine& begin_array();
  JsonLine& end_array();
  /// The key of the next value in the current object.
  JsonLine& field(std::string_view key);
  JsonLine& string(std::string_view value);
  JsonLine& number(std::uint64_t value);
  JsonLine& number(std::int64_t value);
  JsonLine& boolean(bool value);
  JsonLine& null();
  std::string take() { return std::move(text_); }
  const std::string& text() const noexcept { return text_; }

 private:
  void separate();
  void append_escaped(std::string_view value);

  std::string text_;
  /// A value was just written at the current nesting level.
  bool need_comma_ = false;
};

}  // namespace ikev2d::runtime
