#pragma once
/// From the operator's files to what the engine runs: ipsec.conf,
/// ipsec.secrets and ipsec.d/ become sa::Connections (left/right resolved to
/// local/remote, proposals, selectors, lifetimes) and a Credentials store
/// (PSKs, private keys, our certificates, CAs and CRLs). Errors name the file,
/// line and reason; nothing is half-applied.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ike/config/conn_config.hpp"
#include "ike/crypto/pki/certificate.hpp"
#include "ike/error.hpp"
#include "ike/sa/connection.hpp"
#include "ike/sa/credentials.hpp"
#include "ike/sa/time.hpp"
#include "ike/ts/ip_address.hpp"

namespace ikev2d::setup {

struct Paths {
  std::filesystem::path ipsec_conf = "/etc/ikev2d/ipsec.conf";
  std::filesystem::path ipsec_secrets = "/etc/ikev2d/ipsec.secrets";
  /// cacerts/, certs/, private/, crls/ below it.
  std::filesystem::path ipsec_d = "/etc/ikev2d/ipsec.d";
};

/// What the host knows about its own addresses: which of left/right is us,
/// what %defaultroute means, and what a hostname resolves to.
class HostAddresses {
 public:
  virtual ~HostAddresses() = default;
  virtual bool is_local(const ike::IpAddress& address) const = 0;
  /// The source address of the default route for the family (4 or 6).
  virtual std::optional<ike::IpAddress> default_route_source(int ip_version) const = 0;
  virtual ike::Result<std::vector<ike::IpAddress>> resolve(const std::string& hostname) const = 0;
};

/// Reads the running system: getifaddrs, the source address a connected UDP
/// socket picks for a default-route destination, getaddrinfo.
class SystemHostAddresses final : public HostAddresses {
 public:
  bool is_local(const ike::IpAddress& address) const override;
  std::optional<ike::IpAddress> default_route_source(int ip_version) const override;
  ike::Result<std::vector<ike::IpAddress>> resolve(const std::string& hostname) const override;
};

/// One conn section the daemon runs.
struct ConnectionSetup {
  /// The section's name, which is also the name of its CHILD.
  std::string name;
  /// What the engine runs for it: the section alone, or the Connection it
  /// shares with other sections (shared_ike_sas.hpp), named after the first
  /// of them and holding their CHILDs too.
  ike::sa::ConnectionPtr connection;
  ike::config::AutoAction auto_action = ike::config::AutoAction::ignore;
  /// leftupdown (of the local side), empty when unset.
  std::string updown_script;
  /// lefthostaccess of the local side (PLUTO_HOST_ACCESS for the script).
  bool updown_hostaccess = false;
  /// True when right= turned out to be this host, so right* is local.
  bool swapped = false;
  /// The section as parsed, for `ikectl list-conns` and reload diffs.
  std::shared_ptr<const ike::config::ConnConfig> source;
};

struct Configuration {
  std::vector<ConnectionSetup> connections;
  std::shared_ptr<const ike::sa::Credentials> credentials;
  /// Every certificate loaded (ours and CAs), for `ikectl list-certs`.
  std::vector<ike::pki::CertificatePtr> certificates;
  ike::config::SetupConfig setup;
  /// Everything accepted but worth telling the operator, one line each and
  /// prefixed with file and line: deprecated keywords from the parser,
  /// settings the engine stores but does not act on, a left/right guess.
  /// Never contains a secret.
  std::vector<std::string> warnings;
};

/// Loads and checks everything; an error names file, line and reason
/// ("/etc/ikev2d/ipsec.conf:12: conn office: leftcert: /etc/ikev2d/ipsec.d/certs/gw.pem:
/// cannot open: No such file or directory"). Every conn is mapped, auto=ignore
/// ones included (so `ikectl up` can use them). How left/right, IDs, keywords
/// and refusals are decided: setup/end_resolution.hpp, setup/connection_mapping.hpp
/// (and the .cpp files it names), setup/psk_table.hpp. `now` is only used to
/// check our own certificates (a warning when they would not verify).
ike::Result<Configuration> load_configuration(const Paths& paths, const HostAddresses& host,
                                              ike::WallTime now);

}  // namespace ikev2d::setup
