#pragma once
/// The command line of ikev2d-flood (README.md in this folder): whom to
/// flood with IKE_SA_INIT requests, from which spoofed addresses, how fast
/// and for how long.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ike/error.hpp"
#include "ike/sa/endpoint.hpp"
#include "ike/ts/ip_prefix.hpp"

namespace ikev2d::load {

struct FloodOptions {
  /// The responder under test (IPv4, RESPONDER[:PORT]).
  ike::sa::Endpoint responder;
  /// --from: the spoofed sources, one random host address of it per request.
  ike::IpPrefix spoofed;
  /// --source-port: every spoofed request comes from this port.
  std::uint16_t source_port = 500;
  /// Requests per second; 0 (--rate max, the default): as fast as the
  /// kernel takes them.
  double rate = 0;
  /// Seconds to flood; 0: until SIGINT/SIGTERM.
  double duration_seconds = 0;
  /// strongSwan proposal syntax for the SA payload; empty: libike's defaults.
  std::string ike_proposals;
  std::size_t nonce_size = 32;
  /// Requests handed to the kernel per sendmmsg call.
  std::size_t batch = 64;
  /// Count the responder's answers to the spoofed addresses (they must be
  /// routed back and local to this namespace, README.md).
  bool count_answers = true;
  bool json = false;
  bool help = false;
};

/// Parses argv[1..]. Errors (Errc::invalid_argument) name the option and
/// why. The responder and the spoofed prefix must be IPv4 and private (RFC
/// 1918): the flood is a lab tool, its traffic stays in test namespaces.
ike::Result<FloodOptions> parse_flood_options(const std::vector<std::string_view>& arguments);

/// The spoofed source for the request numbered by `random`: a host address
/// of `prefix` (neither the network nor the broadcast address when the
/// prefix is shorter than /31), uniformly enough for a flood.
ike::IpAddress spoofed_address(const ike::IpPrefix& prefix, std::uint32_t random) noexcept;

/// The --help text.
std::string flood_usage();

}  // namespace ikev2d::load
