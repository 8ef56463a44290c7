// ikectl's human output of each reply record, from JSON input: the full
// shapes, missing and mistyped fields, and hostile strings.

#include "control/reply_format.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "control_fixture.hpp"

namespace ikev2d::control {
namespace {

using json = nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(FormatIkeSa, FullRecordInStatusallShape) {
  json record = test::sample_ike_sa(1);
  record["children"][0]["encapsulated"] = true;
  EXPECT_EQ(format_ike_sa(record),
            "office[1]: ESTABLISHED, 192.0.2.1[4500] [C=CH, O=strongSwan Project, "
            "CN=moon.strongswan.org] ... 198.51.100.7[4500] [C=CH, O=strongSwan Project, "
            "CN=sun.strongswan.org]\n"
            "office[1]: IKEv2 SPIs: 0000000000000001_i* 0102030405060708_r, initiator, remote "
            "behind NAT\n"
            "office[1]: AES_GCM_16_256/PRF_HMAC_SHA2_384/CURVE_25519, established 1234 s ago, "
            "rekey in 12345 s\n"
            "net{2}:  INSTALLED, TUNNEL, reqid 1, ESP in UDP SPIs: c1a2b3c4_i c5d6e7f8_o\n"
            "net{2}:  AES_GCM_16_256, 123456789 bytes_i (98765 pkts), 987654321 bytes_o (56789 "
            "pkts), rekey in 3000 s\n"
            "net{2}:   10.1.0.0/16 === 10.2.0.0/16\n");
}

TEST(FormatIkeSa, ResponderMarksTheResponderSpiAsOurs) {
  json record = {{"type", "ike_sa"},
                 {"connection", "road"},
                 {"serial", 7},
                 {"state", "CONNECTING"},
                 {"initiator", false},
                 {"spi_i", "aaaa"},
                 {"spi_r", "bbbb"},
                 {"nat_local", true},
                 {"nat_remote", false},
                 {"rekey_in_seconds", nullptr},
                 {"established_seconds", 0}};
  EXPECT_EQ(format_ike_sa(record),
            "road[7]: CONNECTING\n"
            "road[7]: IKEv2 SPIs: aaaa_i bbbb_r*, responder, local behind NAT\n");
}

TEST(FormatIkeSa, SeveralChildrenWithSeveralSelectors) {
  json record = {{"connection", "hq"},
                 {"serial", 3},
                 {"state", "ESTABLISHED"},
                 {"children",
                  {{{"name", "lan"},
                    {"serial", 4},
                    {"state", "INSTALLED"},
                    {"mode", "transport"},
                    {"local_ts", {"10.0.0.0/24", "10.0.1.0/24"}},
                    {"remote_ts", {"0.0.0.0/0"}},
                    {"rekey_in_seconds", nullptr}},
                   {{"name", "voice"}, {"serial", 5}, {"state", "REKEYING"}}}}};
  EXPECT_EQ(format_ike_sa(record),
            "hq[3]: ESTABLISHED\n"
            "lan{4}:  INSTALLED, TRANSPORT\n"
            "lan{4}:   10.0.0.0/24, 10.0.1.0/24 === 0.0.0.0/0\n"
            "voice{5}:  REKEYING\n");
}

TEST(FormatIkeSa, LastFailureOfTheSaAndOfAChild) {
  json record = {{"connection", "office"},
                 {"serial", 2},
                 {"state", "ESTABLISHED"},
                 {"last_failure", "IKE rekey: TEMPORARY_FAILURE"},
                 {"children",
                  {{{"name", "net"},
                    {"serial", 3},
                    {"state", "INSTALLED"},
                    {"last_failure", "CHILD rekey: NO_PROPOSAL_CHOSEN"}}}}};
  EXPECT_EQ(format_ike_sa(record),
            "office[2]: ESTABLISHED\n"
            "office[2]: last failure: IKE rekey: TEMPORARY_FAILURE\n"
            "net{3}:  INSTALLED\n"
            "net{3}:  last failure: CHILD rekey: NO_PROPOSAL_CHOSEN\n");
}

TEST(FormatIkeSa, ToleratesMissingAndMistypedFields) {
  EXPECT_EQ(format_ike_sa(json::object()), "?:\n");
  EXPECT_EQ(format_ike_sa(json::array()), "");
  json odd = {{"connection", 5},
              {"serial", "x"},
              {"state", "ESTABLISHED"},
              {"established_seconds", -3},
              {"local", "192.0.2.1[500]"},
              {"children", {"not a child", {{"bytes_in", 10}}, {{"packets_out", 2}}}}};
  EXPECT_EQ(format_ike_sa(odd),
            "?: ESTABLISHED, 192.0.2.1[500] ... ?\n"
            "?:  10 bytes_i\n"
            "?:  2 pkts_o\n");
  json no_children = test::sample_ike_sa(2);
  no_children["children"] = "none";
  EXPECT_THAT(format_ike_sa(no_children), Not(HasSubstr("net{")));
}

TEST(FormatIkeSa, HostileIdentityCannotDriveTheTerminalOrForgeLines) {
  json record = {{"connection", "office"},
                 {"serial", 1},
                 {"state", "ESTABLISHED"},
                 {"local", "192.0.2.1[500]"},
                 {"remote", "192.0.2.2[500]"},
                 {"remote_id", "CN=evil\x1b]0;owned\x07\nnet{9}:  INSTALLED\xc2\x9b"}};
  std::string text = format_ike_sa(record);
  EXPECT_EQ(text,
            "office[1]: ESTABLISHED, 192.0.2.1[500] ... 192.0.2.2[500] "
            "[CN=evil\\x1b]0;owned\\x07\\x0anet{9}:  INSTALLED\\xc2\\x9b]\n");
}

TEST(FormatLogLine, LevelSaAndMessage) {
  EXPECT_EQ(format_log_line({{"type", "log"},
                             {"level", "info"},
                             {"connection", "office"},
                             {"sa", "office[1] 1a2b3c4d…/5e6f7a8b…"},
                             {"message", "sending IKE_SA_INIT request"}}),
            "[info] office[1] 1a2b3c4d…/5e6f7a8b… sending IKE_SA_INIT request\n");
  EXPECT_EQ(
      format_log_line(
          {{"type", "log"}, {"level", "error"}, {"connection", "office"}, {"message", "no route"}}),
      "[error] office no route\n");
  EXPECT_EQ(format_log_line({{"type", "log"}, {"message", "hello"}}), "[log] hello\n");
  EXPECT_EQ(format_log_line({{"type", "log"}, {"level", "debug"}, {"message", "a\nb\tc"}}),
            "[debug] a\\x0ab\\x09c\n");
}

TEST(FormatConnection, DocumentedFieldsFirstThenTheRest) {
  json record = {{"type", "connection"},
                 {"name", "office"},
                 {"zeta", "extra"},
                 {"remote", "vpn.example.org"},
                 {"auto", "start"},
                 {"local", "%any"},
                 {"local_id", "moon"},
                 {"remote_id", "sun"},
                 {"local_auth", "pubkey"},
                 {"remote_auth", "psk"},
                 {"ike_proposals", {"aes256gcm16-prfsha384-x25519", "aes128-sha256-ecp256"}},
                 {"children",
                  {{{"name", "net"},
                    {"mode", "tunnel"},
                    {"local_ts", {"10.1.0.0/16"}},
                    {"remote_ts", {"10.2.0.0/16", "10.3.0.0/16"}},
                    {"esp_proposals", {"aes256gcm16"}},
                    {"dpd", nullptr}}}}};
  EXPECT_EQ(format_connection(record),
            "office:\n"
            "  auto: start\n"
            "  local: %any\n"
            "  remote: vpn.example.org\n"
            "  local_id: moon\n"
            "  remote_id: sun\n"
            "  local_auth: pubkey\n"
            "  remote_auth: psk\n"
            "  ike_proposals: aes256gcm16-prfsha384-x25519, aes128-sha256-ecp256\n"
            "  children:\n"
            "    net:\n"
            "      mode: tunnel\n"
            "      local_ts: 10.1.0.0/16\n"
            "      remote_ts: 10.2.0.0/16, 10.3.0.0/16\n"
            "      esp_proposals: aes256gcm16\n"
            "      dpd: -\n"
            "  zeta: extra\n");
}

TEST(FormatConnection, ToleratesMissingAndOddFields) {
  EXPECT_EQ(format_connection({{"type", "connection"}}), "?:\n");
  EXPECT_EQ(format_connection({{"name", "x"},
                               {"ike_proposals", json::array()},
                               {"children", {1, {{"mode", "tunnel"}}}},
                               {"limits", {{"keyingtries", 3}}}}),
            "x:\n"
            "  ike_proposals: -\n"
            "  children:\n"
            "    - 1\n"
            "    -:\n"
            "      mode: tunnel\n"
            "  limits:\n"
            "    keyingtries: 3\n");
}

TEST(FormatCertificate, KeyValueLines) {
  json record = {{"type", "certificate"},
                 {"subject", "C=CH, O=strongSwan Project, CN=moon.strongswan.org"},
                 {"issuer", "C=CH, O=strongSwan Project, CN=strongSwan Root CA"},
                 {"serial", "1f"},
                 {"not_before", "2024-01-01T00:00:00Z"},
                 {"not_after", "2029-01-01T00:00:00Z"},
                 {"fingerprint_sha256", "ab:cd"},
                 {"has_private_key", true},
                 {"is_ca", false}};
  EXPECT_EQ(format_certificate(record),
            "C=CH, O=strongSwan Project, CN=moon.strongswan.org:\n"
            "  issuer: C=CH, O=strongSwan Project, CN=strongSwan Root CA\n"
            "  serial: 1f\n"
            "  not_before: 2024-01-01T00:00:00Z\n"
            "  not_after: 2029-01-01T00:00:00Z\n"
            "  fingerprint_sha256: ab:cd\n"
            "  has_private_key: yes\n"
            "  is_ca: no\n");
}

TEST(FormatResult, PrintsOnlyAMessage) {
  EXPECT_EQ(format_result({{"type", "result"}, {"ok", true}}), "");
  EXPECT_EQ(format_result({{"type", "result"}, {"ok", true}, {"message", "reloaded"}}),
            "reloaded\n");
  EXPECT_EQ(format_result({{"type", "result"}, {"ok", true}, {"message", 3}}), "");
}

TEST(FormatReplyLine, DispatchesByType) {
  EXPECT_EQ(format_reply_line({{"type", "log"}, {"level", "info"}, {"message", "m"}}),
            "[info] m\n");
  EXPECT_EQ(format_reply_line(test::sample_ike_sa(1)), format_ike_sa(test::sample_ike_sa(1)));
  EXPECT_EQ(format_reply_line({{"type", "connection"}, {"name", "c"}}), "c:\n");
  EXPECT_EQ(format_reply_line({{"type", "certificate"}, {"subject", "CN=x"}}), "CN=x:\n");
  EXPECT_EQ(format_reply_line({{"type", "counters"}, {"ike_rekeys", 4}}),
            "counters:\n  ike_rekeys: 4\n");
  EXPECT_EQ(format_reply_line({{"no_type", 1}}), "");
  EXPECT_EQ(format_reply_line("string"), "");
}

TEST(TerminalSafe, EscapesControlCharactersOnly) {
  EXPECT_EQ(terminal_safe("Zürich CN=é ok"), "Zürich CN=é ok");
  EXPECT_EQ(terminal_safe("\x1b[2J\x7f\r"), "\\x1b[2J\\x7f\\x0d");
  EXPECT_EQ(terminal_safe("\xc2\x9b"
                          "31m"),
            "\\xc2\\x9b31m");
  EXPECT_EQ(terminal_safe("\xc2\xa0"), "\xc2\xa0");  // NBSP is printable
  EXPECT_EQ(terminal_safe("end\xc2"), "end\xc2");
  EXPECT_EQ(terminal_safe("safe prefix\x1b[0m"), "safe prefix\\x1b[0m");
}

}  // namespace
}  // namespace ikev2d::control
