// Every configuration shipped in etc/ loads with our parsers, without a single
// warning (an example must not teach a deprecated or doubtful setting), and
// says what its comments say it does.
#include <gtest/gtest.h>

#include <algorithm>

#include "ike/config/disk_file_source.hpp"
#include "ike/config/ipsec_conf.hpp"
#include "ike/config/ipsec_secrets.hpp"
#include "unit/config_examples/example_files.hpp"

namespace ike::config {
namespace {

using test::etc_dir;
using test::etc_files;

std::string warnings_of(const std::vector<Warning>& warnings) {
  std::string text;
  for (const auto& warning : warnings)
    text += "\n  " + warning.to_string();
  return text;
}

Config load_conf(const std::string& name) {
  DiskFileSource files;
  auto config = load_ipsec_conf(files, (etc_dir() / name).string());
  EXPECT_TRUE(config) << name << ": " << config.error().reason;
  return config ? std::move(*config) : Config{};
}

Secrets load_secrets(const std::string& name) {
  DiskFileSource files;
  auto secrets = load_ipsec_secrets(files, (etc_dir() / name).string());
  EXPECT_TRUE(secrets) << name << ": " << secrets.error().reason;
  return secrets ? std::move(*secrets) : Secrets{};
}

const ConnConfig& conn(const Config& config, const std::string& name) {
  static const ConnConfig missing;
  const auto* found = config.find_conn(name);
  EXPECT_NE(found, nullptr) << "no conn " << name;
  return found ? *found : missing;
}

pki::Identity identity(const std::string& text) {
  auto parsed = pki::Identity::parse(text);
  EXPECT_TRUE(parsed) << text;
  return parsed ? *parsed : pki::Identity::any();
}

/// A PSK line names exactly these two identities (in either order).
bool has_psk_for(const Secrets& secrets, const pki::Identity& a, const pki::Identity& b) {
  return std::any_of(secrets.shared.begin(), secrets.shared.end(), [&](const SharedSecret& s) {
    if (s.type != SharedSecretType::psk || s.identities.size() != 2) return false;
    return (s.identities[0] == a && s.identities[1] == b) ||
           (s.identities[0] == b && s.identities[1] == a);
  });
}

TEST(ExampleFiles, EveryIpsecConfInEtcLoadsWithoutWarnings) {
  auto files = etc_files("ipsec.conf");
  // ipsec.conf (installed) and the site-to-site, road-warrior and transport
  // examples at least.
  ASSERT_GE(files.size(), 4u);
  for (const auto& path : files) {
    DiskFileSource source;
    auto config = load_ipsec_conf(source, path.string());
    ASSERT_TRUE(config) << config.error().reason;
    EXPECT_TRUE(config->warnings.empty()) << path << warnings_of(config->warnings);
  }
}

TEST(ExampleFiles, EveryIpsecSecretsInEtcLoadsWithoutWarnings) {
  auto files = etc_files("ipsec.secrets");
  ASSERT_GE(files.size(), 2u);
  for (const auto& path : files) {
    DiskFileSource source;
    auto secrets = load_ipsec_secrets(source, path.string());
    ASSERT_TRUE(secrets) << secrets.error().reason;
    EXPECT_TRUE(secrets->warnings.empty()) << path << warnings_of(secrets->warnings);
  }
}

TEST(ExampleFiles, InstalledDefaultsDefineNoConnectionAndNoSecret) {
  auto config = load_conf("ipsec.conf");
  EXPECT_TRUE(config.conns.empty());
  auto secrets = load_secrets("ipsec.secrets");
  EXPECT_TRUE(secrets.shared.empty());
  EXPECT_TRUE(secrets.private_keys.empty());
}

TEST(ExampleFiles, SiteToSiteIsACertificateTunnelBetweenTwoLans) {
  auto config = load_conf("ipsec.conf.site-to-site");
  ASSERT_EQ(config.conns.size(), 1u);
  const auto& net = conn(config, "net-net");
  EXPECT_EQ(net.type, ConnType::tunnel);
  EXPECT_EQ(net.auto_action, AutoAction::start);
  EXPECT_EQ(net.left.auth.method, AuthMethod::pubkey);
  EXPECT_EQ(net.right.auth.method, AuthMethod::pubkey);
  EXPECT_EQ(net.left.cert, "moonCert.pem");
  EXPECT_EQ(net.left.sendcert, SendCert::always);
  EXPECT_EQ(net.left.host.text, "10.0.0.1");
  EXPECT_EQ(net.right.host.text, "10.0.0.2");
  EXPECT_EQ(net.left.subnet_text, "10.1.0.0/24");
  EXPECT_EQ(net.right.subnet_text, "10.2.0.0/24");
  ASSERT_TRUE(net.right.identity);
  EXPECT_EQ(*net.right.identity, identity("C=CH, O=Example, CN=sun.example.net"));
  // From conn %default: strict proposals, PFS, restart on a dead peer.
  ASSERT_TRUE(net.ike && net.esp);
  EXPECT_TRUE(net.ike->strict);
  EXPECT_TRUE(net.esp->strict);
  EXPECT_EQ(net.dpdaction, PeerAction::restart);
  EXPECT_EQ(net.keyingtries, 0u);  // %forever
  EXPECT_EQ(net.ikelifetime, std::chrono::hours(8));
  ASSERT_EQ(config.cas.size(), 1u);
  EXPECT_EQ(config.cas[0].cacert, "exampleCA.pem");
  EXPECT_EQ(config.cas[0].auto_action, CaAuto::add);

  // Its key is in the secrets example.
  auto secrets = load_secrets("ipsec.secrets.example");
  EXPECT_TRUE(std::any_of(secrets.private_keys.begin(), secrets.private_keys.end(),
                          [](const PrivateKeyRef& key) { return key.file == "moonKey.pem"; }));
}

TEST(ExampleFiles, RoadWarriorGatewayAnswersAnyoneAndEachClientHasAPsk) {
  auto config = load_conf("ipsec.conf.roadwarrior");
  const auto& gateway = conn(config, "rw-gateway");
  EXPECT_EQ(gateway.auto_action, AutoAction::add);
  EXPECT_EQ(gateway.right.host.kind, HostKind::any);
  EXPECT_EQ(gateway.left.auth.method, AuthMethod::psk);
  EXPECT_EQ(gateway.right.auth.method, AuthMethod::psk);
  ASSERT_TRUE(gateway.right.identity);
  EXPECT_TRUE(gateway.right.identity->is_any());
  EXPECT_FALSE(gateway.rekey);
  // No virtual IPs: ikev2d does not implement them yet (man ikev2d.conf).
  EXPECT_TRUE(gateway.right.sourceip.empty());

  const auto& client = conn(config, "rw-client");
  EXPECT_EQ(client.auto_action, AutoAction::ignore);
  EXPECT_EQ(client.left.host.kind, HostKind::defaultroute);
  EXPECT_TRUE(client.forceencaps);
  EXPECT_EQ(client.left.auth.method, AuthMethod::psk);
  EXPECT_TRUE(client.left.sourceip.empty());

  auto secrets = load_secrets("ipsec.secrets.example");
  auto gw = identity("@gw.example.net");
  ASSERT_TRUE(gateway.left.identity);
  EXPECT_EQ(*gateway.left.identity, gw);
  ASSERT_TRUE(client.left.identity && client.right.identity);
  EXPECT_EQ(*client.right.identity, gw);
  EXPECT_TRUE(has_psk_for(secrets, gw, *client.left.identity));
  EXPECT_TRUE(has_psk_for(secrets, gw, identity("@bob.example.net")));
}

TEST(ExampleFiles, TransportModeBetweenTwoHostsWithAPostgresOnlyVariant) {
  auto config = load_conf("ipsec.conf.transport");
  const auto& all = conn(config, "app-db");
  EXPECT_EQ(all.type, ConnType::transport);
  EXPECT_EQ(all.auto_action, AutoAction::start);
  // Transport mode: the selectors are the hosts' own addresses.
  EXPECT_TRUE(all.left.subnet_text.empty());
  EXPECT_TRUE(all.right.subnet_text.empty());

  const auto& postgres = conn(config, "app-db-postgres");
  EXPECT_EQ(postgres.type, ConnType::transport);
  EXPECT_EQ(postgres.auto_action, AutoAction::ignore);
  EXPECT_EQ(postgres.left.host.text, "10.0.5.10");
  EXPECT_EQ(postgres.right.protoport.protocol, 6);  // tcp
  EXPECT_EQ(postgres.right.protoport.ports, ts::PortRange::single(5432));
  EXPECT_TRUE(postgres.left.protoport.ports.is_any());
  EXPECT_EQ(postgres.reqid, 54u);

  auto secrets = load_secrets("ipsec.secrets.example");
  ASSERT_TRUE(all.left.identity && all.right.identity);
  EXPECT_TRUE(has_psk_for(secrets, *all.left.identity, *all.right.identity));
}

}  // namespace
}  // namespace ike::config
