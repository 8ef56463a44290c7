#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runtime/json_line.hpp"

namespace ikev2d::runtime {
namespace {

TEST(JsonLine, NestedObjectsAndArraysWithCommas) {
  JsonLine line;
  line.begin_object();
  line.field("type").string("ike_sa");
  line.field("serial").number(std::uint64_t{7});
  line.field("delta").number(std::int64_t{-3});
  line.field("ok").boolean(true);
  line.field("rekey").null();
  line.field("children").begin_array();
  line.begin_object().field("name").string("a").end_object();
  line.begin_object().field("ts").begin_array().string("x").string("y").end_array().end_object();
  line.end_array();
  line.field("empty").begin_array().end_array();
  line.end_object();
  EXPECT_EQ(line.text(), R"({"type":"ike_sa","serial":7,"delta":-3,"ok":true,"rekey":null,)"
                         R"("children":[{"name":"a"},{"ts":["x","y"]}],"empty":[]})");
  auto parsed = nlohmann::json::parse(line.take());
  EXPECT_EQ(parsed["children"][1]["ts"][1], "y");
}

TEST(JsonLine, StringsAreEscaped) {
  JsonLine line;
  line.begin_object().field("k\"ey").string("q\"b\\n\nt\tc\x01\x1f").end_object();
  EXPECT_EQ(line.text(), R"({"k\"ey":"q\"b\\n\nt\tc\u0001\u001f"})");
  auto parsed = nlohmann::json::parse(line.text());
  EXPECT_EQ(parsed["k\"ey"], "q\"b\\n\nt\tc\x01\x1f");
}

TEST(JsonLine, Utf8IsKeptAndInvalidBytesReplaced) {
  JsonLine line;
  // "é", "€", "😀", then a lone continuation byte, a truncated sequence, an
  // overlong encoding and a surrogate.
  line.begin_object()
      .field("id")
      .string("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80|\x80|\xe2\x82|\xc0\xaf|\xed\xa0\x80")
      .end_object();
  auto parsed = nlohmann::json::parse(line.text());  // throws on invalid UTF-8
  std::string replacement = "\xef\xbf\xbd";
  EXPECT_EQ(parsed["id"], "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80|" + replacement + "|" +
                              replacement + replacement + "|" + replacement + replacement + "|" +
                              replacement + replacement + replacement);
}

TEST(JsonLine, LargeNumbers) {
  JsonLine line;
  line.begin_array()
      .number(std::uint64_t{18446744073709551615u})
      .number(std::int64_t{-9223372036854775807 - 1})
      .end_array();
  EXPECT_EQ(line.text(), "[18446744073709551615,-9223372036854775808]");
}

}  // namespace
}  // namespace ikev2d::runtime
