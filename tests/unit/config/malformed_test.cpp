// Broken ipsec.conf files: each is refused with the exact message an
// operator reads, naming file, line, section and reason.
#include <gtest/gtest.h>

#include "ike/config/ipsec_conf.hpp"

namespace ike::config {
namespace {

struct Malformed {
  const char* name;
  const char* text;
  const char* message;
};

std::ostream& operator<<(std::ostream& out, const Malformed& c) {
  return out << c.name;
}

class MalformedConf : public testing::TestWithParam<Malformed> {};

TEST_P(MalformedConf, IsRefusedWithTheExactMessage) {
  auto config = parse_ipsec_conf(GetParam().text);
  ASSERT_FALSE(config) << "accepted";
  EXPECT_EQ(config.error().code, Errc::invalid_syntax);
  EXPECT_EQ(config.error().reason, GetParam().message);
}

// clang-format off
const Malformed kCases[] = {
  // Structure.
  {"UnindentedSetting", "conn a\nleft=10.0.0.1\n",
   "ipsec.conf:2: setting 'left' is not indented (settings belong indented under a section)"},
  {"UnknownSectionKeyword", "connection office\n",
   "ipsec.conf:1: unexpected 'connection' at column 0 (expected 'config setup', 'conn NAME', "
   "'ca NAME' or 'include')"},
  {"QuotedSectionKeyword", "\"conn foo\"\n",
   "ipsec.conf:1: unexpected \"conn foo\" at column 0 (expected 'config setup', 'conn NAME', "
   "'ca NAME' or 'include')"},
  {"ConnWithoutName", "conn\n\tleft=1.2.3.4\n", "ipsec.conf:1: conn section without a name"},
  {"CaWithEmptyName", "ca \"\"\n", "ipsec.conf:1: ca section without a name"},
  {"ConnNameWithBlank", "conn foo bar\n",
   "ipsec.conf:1: unexpected 'bar' after conn name 'foo'"},
  {"ConfigWithoutSetup", "config\n", "ipsec.conf:1: expected 'config setup'"},
  {"ConfigSetupTrailing", "config setup now\n",
   "ipsec.conf:1: unexpected 'now' after 'config setup'"},
  {"SettingBeforeAnySection", "# start\n\tleft=10.0.0.1\n",
   "ipsec.conf:2: setting 'left' outside of any section"},
  {"MissingEquals", "conn a\n\tleft 10.0.0.1\n",
   "ipsec.conf:2: expected '=' after 'left', found '10.0.0.1'"},
  {"KeyWithoutValueOrEquals", "conn a\n\tauto\n", "ipsec.conf:2: expected 'auto=value'"},
  {"EqualsWithoutKey", "conn a\n\t=add\n", "ipsec.conf:2: setting without a name"},
  {"QuotedWholeSetting", "conn a\n\t\"key=val\"\n",
   "ipsec.conf:2: expected 'keyword=value', found \"key=val\""},
  {"EqualsInsideValue", "conn a\n\tleftid=C=CH, O=x\n",
   "ipsec.conf:2: unexpected '=' in the value of 'leftid' (quote values that contain '=')"},
  {"UnterminatedQuote", "conn a\n\tleftid=\"C=CH\n\tright=1.2.3.4\n",
   "ipsec.conf:2: unterminated quoted string"},
  {"ControlCharacter", "conn a\n\tleft=1.2.3.4\x01\n",
   "ipsec.conf:2: control character 0x01 is not allowed"},
  {"IncludeWithoutPattern", "include\n", "ipsec.conf:1: include without a file pattern"},
  {"IncludeMissingFile", "conn a\ninclude conns/office.conf\n",
   "ipsec.conf:2: cannot read 'conns/office.conf': No such file or directory"},
  {"IncludeTwoPatterns", "include a.conf b.conf\n",
   "ipsec.conf:1: unexpected 'b.conf' after the include pattern (quote paths with blanks)"},
  // Keywords.
  {"UnknownKeyword", "conn office\n\tleft=10.0.0.1\n\tlefsubnet=10.1.0.0/16\n",
   "ipsec.conf:3: conn office: unknown keyword 'lefsubnet'"},
  {"LibreswanOnlyKeyword", "config setup\n\tprotostack=netkey\n",
   "ipsec.conf:2: config setup: unknown keyword 'protostack'"},
  {"UnknownKeywordInDefault", "conn %default\n\tikelifetme=3h\n",
   "ipsec.conf:2: conn %default: unknown keyword 'ikelifetme'"},
  {"ConnKeywordInSetup", "config setup\n\tleft=10.0.0.1\n",
   "ipsec.conf:2: config setup: 'left' is a conn keyword, not valid in config setup"},
  {"SetupKeywordInConn", "conn a\n\tuniqueids=no\n",
   "ipsec.conf:2: conn a: 'uniqueids' is a config setup keyword, not valid in conn"},
  {"CaKeywordInConn", "conn a\n\tcacert=ca.pem\n",
   "ipsec.conf:2: conn a: 'cacert' is a ca keyword, not valid in conn"},
  {"AlsoInSetup", "config setup\n\talso=x\n",
   "ipsec.conf:2: config setup: 'also' is a ca keyword, not valid in config setup"},
  {"AlsoInDefault", "conn %default\n\talso=base\nconn base\n",
   "ipsec.conf:2: conn %default: also= is not allowed in %default"},
  // Values.
  {"Ikev1Refused", "conn a\n\tkeyexchange=ikev1\n",
   "ipsec.conf:2: conn a: keyexchange=ikev1: IKEv1 is not supported (ikev2d speaks IKEv2 only)"},
  {"BadKeyexchange", "conn a\n\tkeyexchange=ikev3\n",
   "ipsec.conf:2: conn a: keyexchange=ikev3: expected ikev2 or ike"},
  {"BadAuto", "conn a\n\tauto=yes\n",
   "ipsec.conf:2: conn a: auto=yes: expected ignore, add, route or start"},
  {"BadType", "conn a\n\ttype=tunel\n",
   "ipsec.conf:2: conn a: type=tunel: expected tunnel, transport, transport_proxy, passthrough "
   "or drop"},
  {"BadTime", "conn office\n\tikelifetime=3x\n",
   "ipsec.conf:2: conn office: ikelifetime=3x: expected a time such as 30s, 10m, 3h or 1d"},
  {"NegativeTime", "conn a\n\tdpddelay=-5s\n",
   "ipsec.conf:2: conn a: dpddelay=-5s: expected a time such as 30s, 10m, 3h or 1d"},
  {"HugeTime", "conn a\n\tlifetime=99999999999d\n",
   "ipsec.conf:2: conn a: lifetime=99999999999d: time is too large (at most 4294967295 seconds)"},
  {"AliasKeepsItsSpelling", "conn a\n\tkeylife=1 hour\n",
   "ipsec.conf:2: conn a: keylife=1 hour: expected a time such as 30s, 10m, 3h or 1d"},
  {"FuzzWithoutPercent", "conn a\n\trekeyfuzz=100\n",
   "ipsec.conf:2: conn a: rekeyfuzz=100: expected a percentage such as 100%"},
  {"BadYesNo", "conn a\n\trekey=true\n", "ipsec.conf:2: conn a: rekey=true: expected yes or no"},
  {"BadKeyingtries", "conn a\n\tkeyingtries=forever\n",
   "ipsec.conf:2: conn a: keyingtries=forever: expected a number or %forever"},
  {"BadDpdaction", "conn a\n\tdpdaction=reset\n",
   "ipsec.conf:2: conn a: dpdaction=reset: expected none, clear, hold or restart"},
  {"BadFragmentation", "conn a\n\tfragmentation=maybe\n",
   "ipsec.conf:2: conn a: fragmentation=maybe: expected no, accept, yes or force"},
  {"XauthAuthby", "conn a\n\tauthby=xauthpsk\n",
   "ipsec.conf:2: conn a: authby=xauthpsk: XAuth is IKEv1-only (ikev2d speaks IKEv2 only)"},
  {"BadAuthby", "conn a\n\tauthby=password\n",
   "ipsec.conf:2: conn a: authby=password: expected pubkey, rsasig, ecdsasig, psk (or secret) or "
   "never"},
  {"BadLeftauth", "conn a\n\trightauth=certificate\n",
   "ipsec.conf:2: conn a: rightauth=certificate: expected pubkey, rsa, ecdsa, ed25519, ed448, "
   "psk, eap[-TYPE] or null"},
  {"BadSendcert", "conn a\n\tleftsendcert=sometimes\n",
   "ipsec.conf:2: conn a: leftsendcert=sometimes: expected never (or no), ifasked, or always "
   "(or yes)"},
  {"BadAddress", "conn a\n\tright=10.0.0.256\n",
   "ipsec.conf:2: conn a: right=10.0.0.256: \"10.0.0.256\" is not an IPv4 address: part 4 "
   "(\"256\") is above 255"},
  {"BadHostName", "conn a\n\tright=vpn_gw!.example\n",
   "ipsec.conf:2: conn a: right=vpn_gw!.example: 'vpn_gw!.example' is neither an address nor a "
   "valid host name"},
  {"BadPrefix", "conn a\n\tleft=10.0.0.0/33,10.1.0.0/16\n",
   "ipsec.conf:2: conn a: left=10.0.0.0/33,10.1.0.0/16: prefix length 33 is above 32 for IPv4"},
  {"EmptyListItem", "conn a\n\tleftsubnet=10.1.0.0/16,,10.2.0.0/16\n",
   "ipsec.conf:2: conn a: leftsubnet=10.1.0.0/16,,10.2.0.0/16: traffic selector list "
   "\"10.1.0.0/16,,10.2.0.0/16\": item 2 is empty"},
  {"EmptyHostListItem", "conn a\n\tright=10.0.0.1,\n",
   "ipsec.conf:2: conn a: right=10.0.0.1,: empty item in comma-separated list"},
  {"PortZero", "conn a\n\trightikeport=0\n",
   "ipsec.conf:2: conn a: rightikeport=0: expected a port from 1 to 65535"},
  {"BadMark", "conn a\n\tmark=0x1g\n",
   "ipsec.conf:2: conn a: mark=0x1g: expected VALUE[/MASK] with decimal or 0x numbers, or "
   "%unique or %unique-dir"},
  {"BadReqid", "conn a\n\treqid=4294967296\n",
   "ipsec.conf:2: conn a: reqid=4294967296: expected a number from 0 to 4294967295"},
  {"BadIkedscp", "conn a\n\tikedscp=46\n",
   "ipsec.conf:2: conn a: ikedscp=46: expected six binary digits such as 101110"},
  {"BadUniqueids", "config setup\n\tuniqueids=always\n",
   "ipsec.conf:2: config setup: uniqueids=always: expected no, yes, never, replace or keep"},
  {"BadKeepAlive", "config setup\n\tkeep_alive=often\n",
   "ipsec.conf:2: config setup: keep_alive=often: expected a time such as 30s, 10m, 3h or 1d"},
  {"BadCharondebug", "config setup\n\tcharondebug=\"ike 2, knl loud\"\n",
   "ipsec.conf:2: config setup: charondebug=ike 2, knl loud: 'knl loud': expected SUBSYSTEM "
   "LEVEL with a level from -1 to 4"},
  {"BadCaAuto", "ca root\n\tauto=start\n",
   "ipsec.conf:2: ca root: auto=start: expected ignore or add"},
  {"BadValueInDefaultNamesDefault", "conn a\nconn %default\n\tmobike=off\n",
   "ipsec.conf:3: conn %default: mobike=off: expected yes or no"},
  {"LongValueIsShortened",
   "conn a\n\tdpddelay=1234567890123456789012345678901234567890123456789012345678901234567890\n",
   "ipsec.conf:2: conn a: dpddelay=1234567890123456789012345678901234567890123456789012345678901234"
   "...: time is too large (at most 4294967295 seconds)"},
  // Values checked by the proposal, traffic selector and identity parsers.
  {"BadIkeProposal", "conn office\n\tike=aes128-sha265-modp3072\n",
   "ipsec.conf:2: conn office: ike=aes128-sha265-modp3072: ike proposal 1 "
   "\"aes128-sha265-modp3072\": unknown algorithm \"sha265\" (keyword 2, column 8)"},
  {"EspWithoutIntegrity", "conn a\n\tike=aes256gcm16-prfsha384-x25519\n\tesp=aes128\n",
   "ipsec.conf:3: conn a: esp=aes128: esp proposal 1 \"aes128\" (column 1): classic "
   "encryption needs an integrity algorithm (e.g. sha256)"},
  {"BadSubnet", "conn a\n\trightsubnet=10.2.0.0/16[tcp/99999]\n",
   "ipsec.conf:2: conn a: rightsubnet=10.2.0.0/16[tcp/99999]: traffic selector "
   "\"10.2.0.0/16[tcp/99999]\": port 99999 is above 65535"},
  {"BadProtoport", "conn a\n\tleftprotoport=tcpp/80\n", "ipsec.conf:2: conn a: leftprotoport=tcpp/80: protocol/port \"tcpp/80\": unknown "
   "protocol \"tcpp\""},
  {"BadLeftid", "conn a\n\tleftid=\"XY=foo, CN=moon\"\n", "ipsec.conf:2: conn a: leftid=XY=foo, CN=moon: DN attribute \"XY\" is unknown"},
  {"BadLeftca", "conn a\n\trightca=strongSwan Root CA\n", "ipsec.conf:2: conn a: rightca=strongSwan Root CA: DN component \"strongSwan Root CA\" "
   "has no '='"},
  // also= and whole-conn rules.
  {"AlsoUnknown", "conn a\n\talso=templat\nconn template\n",
   "ipsec.conf:2: conn a: also=templat: no conn named 'templat'"},
  {"AlsoSelf", "conn a\n\talso=a\n", "ipsec.conf:2: conn a: also=a: inheritance loop a -> a"},
  {"AlsoLoop", "conn a\n\talso=b\nconn b\n\talso=c\nconn c\n\tauto=add\n\talso=a\n",
   "ipsec.conf:7: conn c: also=a: inheritance loop a -> b -> c -> a"},
  {"AlsoAcrossKinds", "ca root\n\talso=office\nconn office\n",
   "ipsec.conf:2: ca root: also=office: no ca named 'office'"},
  {"MarginNotBelowLifetime", "conn %default\n\tlifetime=5m\nconn office\n\tauto=add\n",
   "ipsec.conf:2: conn office: margintime (9m) must be shorter than lifetime (5m)"},
  {"MarginNotBelowIkeLifetime", "conn a\n\tikelifetime=1h\n\tmargintime=1h\n\tlifetime=2h\n",
   "ipsec.conf:3: conn a: margintime (1h) must be shorter than ikelifetime (1h)"},
};
// clang-format on

INSTANTIATE_TEST_SUITE_P(Cases, MalformedConf, testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(MalformedConf, AtLeastThirtyCases) {
  EXPECT_GE(std::size(kCases), 30u);
}

TEST(MalformedConf, ErrorInIncludedFileNamesThatFile) {
  MemoryFileSource files;
  files.add("/etc/ikev2d/ipsec.conf", "conn %default\n\tauto=add\ninclude conf.d/*.conf\n");
  files.add("/etc/ikev2d/conf.d/office.conf", "conn office\n\n\tleft=10.0.0.1\n\trekey=nope\n");
  auto config = load_ipsec_conf(files, "/etc/ikev2d/ipsec.conf");
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().reason,
            "/etc/ikev2d/conf.d/office.conf:4: conn office: rekey=nope: expected yes or no");
}

TEST(MalformedConf, DeepAlsoChainsAreRefused) {
  std::string text;
  for (int i = 0; i < 40; ++i)
    text += "conn c" + std::to_string(i) + "\n\talso=c" + std::to_string(i + 1) + "\n";
  text += "conn c40\n";
  auto config = parse_ipsec_conf(text);
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().reason, "ipsec.conf:65: conn c32: also= nested deeper than 32 levels");
}

}  // namespace
}  // namespace ike::config
