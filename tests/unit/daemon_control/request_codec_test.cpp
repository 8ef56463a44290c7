// parse_request / encode_request: every command, every field's checks, the
// size bound, malformed JSON, wrong types, unknown and duplicate fields.

#include "control/request_codec.hpp"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ikev2d::control {
namespace {

using ::testing::HasSubstr;

Command parse_ok(std::string_view line) {
  auto parsed = parse_request(line);
  EXPECT_TRUE(parsed.ok()) << line << ": " << (parsed.ok() ? "" : parsed.error().reason);
  return parsed.ok() ? *parsed : Command{};
}

std::string parse_error(std::string_view line) {
  auto parsed = parse_request(line);
  EXPECT_FALSE(parsed.ok()) << line;
  return parsed.ok() ? std::string() : parsed.error().reason;
}

TEST(ParseRequest, EveryCommandWithItsFields) {
  EXPECT_EQ(parse_ok(R"({"command":"up","connection":"office"})"),
            Command(UpCommand{"office", ""}));
  EXPECT_EQ(parse_ok(R"({"command":"up","connection":"office","child":"net-1"})"),
            Command(UpCommand{"office", "net-1"}));
  EXPECT_EQ(parse_ok(R"({"command":"down","connection":"office"})"),
            Command(DownCommand{"office"}));
  EXPECT_EQ(parse_ok(R"({"command":"status"})"), Command(StatusCommand{}));
  EXPECT_EQ(parse_ok(R"({"command":"status","connection":"a.b_c-9"})"),
            Command(StatusCommand{"a.b_c-9"}));
  EXPECT_EQ(parse_ok(R"({"command":"reload"})"), Command(ReloadCommand{}));
  EXPECT_EQ(parse_ok(R"({"command":"list-conns"})"), Command(ListConnectionsCommand{}));
  EXPECT_EQ(parse_ok(R"({"command":"list-certs"})"), Command(ListCertificatesCommand{}));
  EXPECT_EQ(parse_ok(R"({"command":"rekey","connection":"office"})"),
            Command(RekeyCommand{"office", false}));
  EXPECT_EQ(parse_ok(R"({"command":"rekey","connection":"office","ike":true})"),
            Command(RekeyCommand{"office", true}));
  EXPECT_EQ(parse_ok(R"({"command":"rekey","connection":"office","ike":false})"),
            Command(RekeyCommand{"office", false}));
  EXPECT_EQ(parse_ok(R"({"command":"log","level":"debug"})"), Command(LogCommand{"debug", {}}));
  EXPECT_EQ(parse_ok(R"({"command":"log","level":"error","subsystem":"updown"})"),
            Command(LogCommand{"error", "updown"}));
}

TEST(ParseRequest, FieldOrderAndWhitespaceDoNotMatter) {
  EXPECT_EQ(parse_ok(" \t{ \"child\" : \"net\" ,\r\n \"connection\":\"office\", "
                     "\"command\":\"up\" }\r"),
            Command(UpCommand{"office", "net"}));
}

TEST(ParseRequest, EveryLevelAndSubsystemOfTheAllowLists) {
  for (auto level : kLogLevels) {
    for (auto subsystem : kLogSubsystems) {
      std::string line = R"({"command":"log","level":")" + std::string(level) +
                         R"(","subsystem":")" + std::string(subsystem) + "\"}";
      EXPECT_EQ(parse_ok(line), Command(LogCommand{std::string(level), std::string(subsystem)}));
    }
  }
  EXPECT_THAT(kLogSubsystems, ::testing::ElementsAre("ike", "cfg", "knl", "net", "ctl", "updown"));
}

TEST(ParseRequest, RejectsUnknownCommandsWithTheAllowList) {
  EXPECT_EQ(parse_error(R"({"command":"shutdown"})"),
            "unknown command \"shutdown\" (expected up, down, status, reload, list-conns, "
            "list-certs, rekey or log)");
  EXPECT_THAT(parse_error(R"({"command":"UP","connection":"x"})"),
              HasSubstr("unknown command \"UP\""));
  EXPECT_THAT(parse_error(R"({"command":""})"), HasSubstr("unknown command \"\""));
}

TEST(ParseRequest, CommandFieldMustBePresentAndAString) {
  EXPECT_EQ(parse_error(R"({})"), "missing field \"command\"");
  EXPECT_EQ(parse_error(R"({"connection":"office"})"), "missing field \"command\"");
  EXPECT_EQ(parse_error(R"({"command":1})"), "field \"command\" must be a string, not a number");
  EXPECT_EQ(parse_error(R"({"command":null})"), "field \"command\" must be a string, not null");
  EXPECT_EQ(parse_error(R"({"command":["up"]})"),
            "field \"command\" must be a string, not an array");
  EXPECT_EQ(parse_error(R"({"command":{"up":1}})"),
            "field \"command\" must be a string, not an object");
}

TEST(ParseRequest, RequiredFieldsPerCommand) {
  EXPECT_EQ(parse_error(R"({"command":"up"})"), "command \"up\" needs field \"connection\"");
  EXPECT_EQ(parse_error(R"({"command":"down"})"), "command \"down\" needs field \"connection\"");
  EXPECT_EQ(parse_error(R"({"command":"rekey","ike":true})"),
            "command \"rekey\" needs field \"connection\"");
  EXPECT_EQ(parse_error(R"({"command":"log"})"), "command \"log\" needs field \"level\"");
  EXPECT_EQ(parse_error(R"({"command":"log","subsystem":"ike"})"),
            "command \"log\" needs field \"level\"");
}

TEST(ParseRequest, FieldsOfOtherCommandsAreNotAllowed) {
  EXPECT_EQ(parse_error(R"({"command":"down","connection":"a","child":"b"})"),
            "field \"child\" is not allowed for command \"down\"");
  EXPECT_EQ(parse_error(R"({"command":"status","ike":true})"),
            "field \"ike\" is not allowed for command \"status\"");
  EXPECT_EQ(parse_error(R"({"command":"reload","connection":"a"})"),
            "field \"connection\" is not allowed for command \"reload\"");
  EXPECT_EQ(parse_error(R"({"command":"list-conns","level":"info"})"),
            "field \"level\" is not allowed for command \"list-conns\"");
  EXPECT_EQ(parse_error(R"({"command":"list-certs","subsystem":"ike"})"),
            "field \"subsystem\" is not allowed for command \"list-certs\"");
  EXPECT_EQ(parse_error(R"({"command":"up","connection":"a","ike":true})"),
            "field \"ike\" is not allowed for command \"up\"");
  EXPECT_EQ(parse_error(R"({"command":"log","level":"info","connection":"a"})"),
            "field \"connection\" is not allowed for command \"log\"");
  EXPECT_EQ(parse_error(R"({"command":"rekey","connection":"a","child":"b"})"),
            "field \"child\" is not allowed for command \"rekey\"");
}

TEST(ParseRequest, UnknownFieldsAreErrors) {
  EXPECT_EQ(parse_error(R"({"command":"status","verbose":true})"), "unknown field \"verbose\"");
  EXPECT_EQ(parse_error(R"({"command":"reload","":1})"), "unknown field \"\"");
  EXPECT_EQ(parse_error(R"({"command":"reload","x\u0001\"y":{"deep":[1,2]}})"),
            "unknown field \"x\\x01\\x22y\"");
  // A hostile key is cut short in the reason.
  std::string long_key(3000, 'k');
  EXPECT_EQ(parse_error(R"({"command":"reload",")" + long_key + "\":1}"),
            "unknown field \"" + std::string(64, 'k') + "...\"");
}

TEST(ParseRequest, DuplicateFieldsAreErrors) {
  EXPECT_EQ(parse_error(R"({"command":"up","connection":"a","connection":"b"})"),
            "duplicate field \"connection\"");
  EXPECT_EQ(parse_error(R"({"command":"status","command":"down"})"), "duplicate field \"command\"");
}

TEST(ParseRequest, ConnectionNameChecks) {
  EXPECT_EQ(parse_error(R"({"command":"up","connection":""})"), "field \"connection\": empty name");
  EXPECT_EQ(parse_ok(R"({"command":"down","connection":")" + std::string(64, 'n') + "\"}"),
            Command(DownCommand{std::string(64, 'n')}));
  EXPECT_EQ(parse_error(R"({"command":"down","connection":")" + std::string(65, 'n') + "\"}"),
            "field \"connection\": name is 65 characters, over the 64-character limit");
  EXPECT_EQ(parse_error(R"({"command":"down","connection":"a b"})"),
            "field \"connection\": \"a b\" may only contain letters, digits, '.', '_' and '-'");
  for (std::string bad : {"a/b", "a;b", "../x", "a\\u0000b", "caf\\u00e9", "a\\nb", "$x", "a:b"}) {
    EXPECT_THAT(parse_error(R"({"command":"status","connection":")" + bad + "\"}"),
                HasSubstr("may only contain letters"))
        << bad;
  }
  EXPECT_EQ(parse_error(R"({"command":"up","connection":7})"),
            "field \"connection\" must be a string, not a number");
  EXPECT_EQ(parse_error(R"({"command":"status","connection":null})"),
            "field \"connection\" must be a string, not null");
  EXPECT_EQ(parse_error(R"({"command":"rekey","connection":true})"),
            "field \"connection\" must be a string, not a boolean");
}

TEST(ParseRequest, ChildNameChecks) {
  EXPECT_EQ(parse_error(R"({"command":"up","connection":"a","child":""})"),
            "field \"child\": empty name");
  EXPECT_EQ(parse_error(R"({"command":"up","connection":"a","child":"x y"})"),
            "field \"child\": \"x y\" may only contain letters, digits, '.', '_' and '-'");
  EXPECT_EQ(
      parse_error(R"({"command":"up","connection":"a","child":")" + std::string(65, 'c') + "\"}"),
      "field \"child\": name is 65 characters, over the 64-character limit");
  EXPECT_EQ(parse_error(R"({"command":"up","connection":"a","child":["net"]})"),
            "field \"child\" must be a string, not an array");
}

TEST(ParseRequest, IkeFlagMustBeBoolean) {
  EXPECT_EQ(parse_error(R"({"command":"rekey","connection":"a","ike":"true"})"),
            "field \"ike\" must be true or false, not a string");
  EXPECT_EQ(parse_error(R"({"command":"rekey","connection":"a","ike":1})"),
            "field \"ike\" must be true or false, not a number");
  EXPECT_EQ(parse_error(R"({"command":"rekey","connection":"a","ike":null})"),
            "field \"ike\" must be true or false, not null");
}

TEST(ParseRequest, LevelAndSubsystemChecks) {
  EXPECT_EQ(parse_error(R"({"command":"log","level":"trace"})"),
            "field \"level\": unknown level \"trace\" (expected debug, info, warning or error)");
  EXPECT_THAT(parse_error(R"({"command":"log","level":"INFO"})"), HasSubstr("unknown level"));
  EXPECT_EQ(parse_error(R"({"command":"log","level":"info","subsystem":"all"})"),
            "field \"subsystem\": unknown subsystem \"all\" (expected ike, cfg, knl, net, ctl or "
            "updown)");
  EXPECT_EQ(parse_error(R"({"command":"log","level":3})"),
            "field \"level\" must be a string, not a number");
  EXPECT_EQ(parse_error(R"({"command":"log","level":"info","subsystem":false})"),
            "field \"subsystem\" must be a string, not a boolean");
}

TEST(ParseRequest, SizeBound) {
  // Padding with whitespace keeps the JSON valid: only the size is wrong.
  std::string base = R"({"command":"status"})";
  std::string at_limit = base + std::string(kMaxRequestBytes - base.size(), ' ');
  EXPECT_EQ(parse_ok(at_limit), Command(StatusCommand{}));
  EXPECT_EQ(parse_error(at_limit + " "), "request is 4097 bytes, over the 4096-byte limit");
  EXPECT_EQ(parse_error(std::string(1 << 20, '{')),
            "request is 1048576 bytes, over the 4096-byte limit");
}

TEST(ParseRequest, MalformedJson) {
  EXPECT_EQ(parse_error(""), "empty request");
  EXPECT_EQ(parse_error("   \r"), "empty request");
  EXPECT_THAT(parse_error("{"), HasSubstr("malformed JSON at byte 1"));
  EXPECT_THAT(parse_error(R"({"command":"status")"), HasSubstr("malformed JSON"));
  EXPECT_THAT(parse_error(R"({"command":"status",})"), HasSubstr("malformed JSON"));
  EXPECT_THAT(parse_error(R"({'command':'status'})"), HasSubstr("malformed JSON"));
  EXPECT_THAT(parse_error(R"({"command":"status"} {})"), HasSubstr("malformed JSON"));
  EXPECT_THAT(parse_error(R"({"command":"status"}x)"), HasSubstr("malformed JSON"));
  EXPECT_THAT(parse_error("{\"command\":\"status\"}\n{\"command\":\"reload\"}"),
              HasSubstr("malformed JSON"));
  EXPECT_THAT(parse_error(std::string("{\"command\":\"st\0tus\"}", 20)),
              HasSubstr("malformed JSON"));
  EXPECT_THAT(parse_error("/* c */ {\"command\":\"status\"}"), HasSubstr("malformed JSON"));
  // Nesting deeper than any request has is parsed iteratively and rejected.
  EXPECT_EQ(parse_error(R"({"command":"status","x":)" + std::string(2000, '[') +
                        std::string(2000, ']') + "}"),
            "unknown field \"x\"");
}

TEST(ParseRequest, InvalidUtf8IsMalformed) {
  EXPECT_THAT(parse_error("{\"command\":\"st\xff\"}"), HasSubstr("malformed JSON"));
  EXPECT_THAT(parse_error("{\"command\":\"\xc3\"}"), HasSubstr("malformed JSON"));
  EXPECT_THAT(parse_error("{\"command\":\"\xed\xa0\x80\"}"), HasSubstr("malformed JSON"));
  // A lone surrogate escape is not a character.
  EXPECT_THAT(parse_error(R"({"command":"\ud800"})"), HasSubstr("malformed JSON"));
  // The reason quotes the bad bytes printably.
  std::string reason = parse_error("{\"command\":\"\xff\"}");
  for (char c : reason)
    EXPECT_TRUE(c >= 0x20 && c < 0x7f) << reason;
}

TEST(ParseRequest, TopLevelMustBeAnObject) {
  EXPECT_EQ(parse_error(R"(["command","status"])"), "request must be a JSON object, not an array");
  EXPECT_EQ(parse_error(R"("status")"), "request must be a JSON object, not a string");
  EXPECT_EQ(parse_error("42"), "request must be a JSON object, not a number");
  EXPECT_EQ(parse_error("null"), "request must be a JSON object, not null");
  EXPECT_EQ(parse_error("true"), "request must be a JSON object, not a boolean");
}

std::vector<Command> every_command_shape() {
  return {UpCommand{"office", ""},       UpCommand{"office", "net"},
          DownCommand{"office"},         StatusCommand{},
          StatusCommand{"office"},       ReloadCommand{},
          ListConnectionsCommand{},      ListCertificatesCommand{},
          RekeyCommand{"office", false}, RekeyCommand{"office", true},
          LogCommand{"warning", {}},     LogCommand{"debug", "knl"}};
}

TEST(EncodeRequest, RoundTripsEveryCommand) {
  for (const auto& command : every_command_shape()) {
    std::string line = encode_request(command);
    EXPECT_EQ(line.find('\n'), std::string::npos);
    EXPECT_EQ(parse_ok(line), command) << line;
    EXPECT_TRUE(validate_command(command).ok()) << line;
  }
}

TEST(EncodeRequest, ExactText) {
  EXPECT_EQ(encode_request(UpCommand{"office", "net"}),
            R"({"child":"net","command":"up","connection":"office"})");
  EXPECT_EQ(encode_request(RekeyCommand{"office", true}),
            R"({"command":"rekey","connection":"office","ike":true})");
  EXPECT_EQ(encode_request(StatusCommand{}), R"({"command":"status"})");
}

TEST(ValidateCommand, RefusesWhatTheDaemonWouldRefuse) {
  EXPECT_EQ(validate_command(UpCommand{"a b", ""}).error().reason,
            "field \"connection\": \"a b\" may only contain letters, digits, '.', '_' and '-'");
  EXPECT_EQ(validate_command(DownCommand{""}).error().reason, "field \"connection\": empty name");
  EXPECT_EQ(validate_command(LogCommand{"loud", {}}).error().reason,
            "field \"level\": unknown level \"loud\" (expected debug, info, warning or error)");
  EXPECT_FALSE(validate_command(UpCommand{"office", "\xff"}).ok());
}

TEST(DescribeCommand, WordsAsTyped) {
  EXPECT_EQ(describe_command(UpCommand{"office", "net"}), "up office net");
  EXPECT_EQ(describe_command(UpCommand{"office", ""}), "up office");
  EXPECT_EQ(describe_command(StatusCommand{}), "status");
  EXPECT_EQ(describe_command(RekeyCommand{"office", true}), "rekey office --ike");
  EXPECT_EQ(describe_command(LogCommand{"debug", "ike"}), "log debug ike");
  EXPECT_EQ(describe_command(ListCertificatesCommand{}), "list-certs");
}

TEST(QuoteForMessage, EscapesAndCuts) {
  EXPECT_EQ(quote_for_message("a\"b\\c\x1b[31m"), "\"a\\x22b\\x5cc\\x1b[31m\"");
  EXPECT_EQ(quote_for_message("abcdef", 3), "\"abc...\"");
  EXPECT_EQ(printable_for_message("it's \"x\"\x7f"), "it's \"x\"\\x7f");
}

}  // namespace
}  // namespace ikev2d::control
