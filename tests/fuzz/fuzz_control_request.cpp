// Fuzzes the control socket's request parser (untrusted bytes from any
// process that can open the socket) and checks, for every input:
//   - no crash, no unbounded work: the parser sees at most kMaxRequestBytes
//     more than the daemon would hand it;
//   - an error has a printable, bounded reason (it goes back in a reply);
//   - an accepted command passes validate_command, and
//     parse(encode(command)) == command;
//   - the same bytes as the daemon's line reader would see them (cut at the
//     first newline) parse the same way twice (no hidden state).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "control/request_codec.hpp"

namespace {

using namespace ikev2d::control;

void check(bool condition) {
  if (!condition) std::abort();
}

void check_reason(const std::string& reason) {
  check(!reason.empty());
  check(reason.size() < 1024);
  for (char c : reason) {
    auto byte = static_cast<unsigned char>(c);
    check(byte >= 0x20 && byte < 0x7f);
  }
}

void check_line(std::string_view line) {
  auto parsed = parse_request(line);
  if (!parsed) {
    check_reason(parsed.error().reason);
    check(!parse_request(line).ok());
    return;
  }
  check(line.size() <= kMaxRequestBytes);
  check(validate_command(*parsed).ok());
  auto again = parse_request(encode_request(*parsed));
  check(again.ok() && *again == *parsed);
  check(!describe_command(*parsed).empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 2 * kMaxRequestBytes) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  check_line(input);
  if (auto newline = input.find('\n'); newline != std::string_view::npos) {
    check_line(input.substr(0, newline));
  }
  return 0;
}
