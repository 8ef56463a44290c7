// SystemHostAddresses against the running system: the loopback addresses are
// always local, documentation addresses never are, "localhost" resolves.

#include <gtest/gtest.h>

#include "setup/configuration.hpp"
#include "setup_test_support.hpp"

namespace ikev2d::setup::test {
namespace {

TEST(SystemHostAddresses, LoopbackIsLocalAndDocumentationAddressesAreNot) {
  SystemHostAddresses host;
  EXPECT_TRUE(host.is_local(ip("127.0.0.1")));
  EXPECT_FALSE(host.is_local(ip("192.0.2.213")));
  EXPECT_FALSE(host.is_local(ip("2001:db8::213")));
}

TEST(SystemHostAddresses, LocalhostResolvesToALoopbackAddress) {
  SystemHostAddresses host;
  auto addresses = host.resolve("localhost");
  ASSERT_TRUE(addresses) << addresses.error().reason;
  bool loopback = false;
  for (const auto& address : *addresses) {
    loopback = loopback || address == ip("127.0.0.1") || address == ip("::1");
  }
  EXPECT_TRUE(loopback);
}

TEST(SystemHostAddresses, UnresolvableNameFailsWithTheName) {
  SystemHostAddresses host;
  auto addresses = host.resolve("no-such-host.invalid");
  ASSERT_FALSE(addresses);
  EXPECT_NE(addresses.error().reason.find("no-such-host.invalid"), std::string::npos);
}

TEST(SystemHostAddresses, DefaultRouteSourceIsLocalWhenThereIsOne) {
  SystemHostAddresses host;
  for (int version : {4, 6}) {
    auto source = host.default_route_source(version);
    if (!source) continue;  // a host without a default route of that family
    EXPECT_EQ(source->is_v4(), version == 4);
    EXPECT_TRUE(host.is_local(*source)) << source->to_string();
  }
}

}  // namespace
}  // namespace ikev2d::setup::test
