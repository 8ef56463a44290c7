#pragma once
/// The command line of ikev2d-load (README.md in this folder): what to
/// initiate, from where, how fast, with which credentials and proposals, and
/// what to do once the IKE SAs are up.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ike/error.hpp"
#include "ike/sa/endpoint.hpp"
#include "ike/ts/ip_address.hpp"

namespace ikev2d::load {

/// How the initiator authenticates itself (and expects the responder to).
enum class AuthMode : std::uint8_t { psk, certificate };

struct LoadOptions {
  /// The responder under test (RESPONDER[:PORT], "[v6]:PORT").
  ike::sa::Endpoint responder;
  /// Source addresses, from --from (addresses, CIDR prefixes, ranges), in
  /// the order given; each is used with `ports_per_address` ports.
  std::vector<ike::IpAddress> sources;
  std::uint16_t first_port = 500;
  std::uint16_t ports_per_address = 1;
  std::uint64_t count = 1;
  /// Initiations per second; 0: as fast as the concurrency allows.
  double rate = 0;
  std::uint64_t concurrency = 100;
  /// Worker threads, each with its own engine, sockets and share of the
  /// source endpoints, SAs, rate and concurrency (load_threads.hpp).
  std::uint64_t threads = 1;
  AuthMode auth = AuthMode::psk;
  std::string psk;
  std::string cert_file;
  std::string key_file;
  std::vector<std::string> ca_files;
  /// Empty: the source address (PSK) or the certificate's subject.
  std::string local_id;
  /// Empty: %any.
  std::string remote_id;
  /// strongSwan proposal syntax; empty: libike's defaults.
  std::string ike_proposals;
  std::string esp_proposals;
  /// CHILD selectors (ipsec.conf subnet lists); empty: the IKE addresses.
  std::string local_ts;
  std::string remote_ts;
  /// Seconds to keep every SA up after the establishing phase.
  double hold_seconds = 0;
  bool rekey = false;
  bool down = false;
  bool json = false;
  /// A phase (establishing, rekeying, deleting) that takes longer ends here;
  /// what did not finish counts as failed ("timed out"). 0: no limit.
  double timeout_seconds = 60;
  bool help = false;
};

/// Every source endpoint, address-major: a1:p, a1:p+1, ..., a2:p, ...
std::vector<ike::sa::Endpoint> source_endpoints(const LoadOptions& options);

/// Parses argv[1..]. Errors (Errc::invalid_argument) name the option and why:
/// "--count: \"x\" is not a whole number".
ike::Result<LoadOptions> parse_load_options(const std::vector<std::string_view>& arguments);

/// Appends the addresses of one --from item: "10.77.0.1", "10.77.0.0/24"
/// (without network and broadcast addresses below /31),
/// "10.77.0.1-10.77.0.16". At most `limit` addresses in all.
ike::Status add_source_addresses(std::string_view item, std::vector<ike::IpAddress>& out,
                                 std::size_t limit);

/// Parses "10.0.0.1", "10.0.0.1:4500", "fd00::1", "[fd00::1]:4500".
ike::Result<ike::sa::Endpoint> parse_endpoint(std::string_view text);

/// The --help text.
std::string usage();

/// Errors and strict number parsing of ikev2d-load's and ikev2d-flood's
/// options; each error names the option:
///   "--count: \"x\" is not a whole number", "--count: 0 is outside 1..10000000",
///   "--rate: \"-1\" is not a number >= 0".
ike::Error option_error(std::string_view option, std::string reason);
ike::Result<std::uint64_t> parse_whole_number(std::string_view option, std::string_view text,
                                              std::uint64_t min, std::uint64_t max);
ike::Result<double> parse_nonnegative_number(std::string_view option, std::string_view text);

}  // namespace ikev2d::load
