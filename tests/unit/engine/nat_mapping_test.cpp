// The peer's endpoint behind a NAT (RFC 7296 2.23, RFC 3948): an
// authenticated IKE message from a new address or port moves the IKE SA and
// its CHILD SAs' encapsulation there, and so does the kernel's MAPPING event;
// unauthenticated messages, and peers with no NAT detected, move nothing.

#include <gtest/gtest.h>

#include <map>

#include "ike/wire/message.hpp"
#include "support/two_peer_harness.hpp"

namespace ike::test {
namespace {

using sa::EventKind;

/// West behind a NAT that maps each of its ports to a port of 198.51.100.7;
/// east (10.77.0.1) accepts any peer address. Datagrams go straight from
/// one engine to the other through the NAT, no time passes.
class NattedPeers {
 public:
  NattedPeers() {
    auto [west_connection, east_connection] = psk_connection_pair();
    east_connection->remote_address = IpAddress::zero(AddressFamily::ipv4);
    west.engine.add_connection(west_connection);
    east.engine.add_connection(east_connection);
    west.credentials.set_psk("nat-psk-0123456789");
    east.credentials.set_psk("nat-psk-0123456789");
  }

  HarnessPeer west{1, 0xa0000001, {}};
  HarnessPeer east{2, 0xb0000001, {}};
  MonoTime now = MonoTime{} + hours(1);
  const IpAddress public_address = *IpAddress::parse("198.51.100.7");

  /// The NAT forgets its mappings; the next ones start at `first_port`.
  void rebind(std::uint16_t first_port) {
    outside_port_.clear();
    next_port_ = first_port;
  }

  /// Delivers until both engines are quiet; returns the datagrams delivered.
  std::size_t pump() {
    std::size_t delivered = 0;
    for (bool moved = true; moved;) {
      moved = false;
      while (auto out = west.engine.poll_transmit()) {
        auto& port = outside_port_[out->local.port];
        if (port == 0) port = next_port_++;
        east.engine.handle_datagram(sa::Datagram{out->remote, {public_address, port}, out->bytes},
                                    now);
        moved = true;
        ++delivered;
      }
      while (auto out = east.engine.poll_transmit()) {
        sent_by_east.push_back(*out);
        auto inside = inside_port(out->remote);
        if (!inside) continue;  // no mapping: the NAT drops it
        west.engine.handle_datagram(
            sa::Datagram{{*IpAddress::parse("10.77.0.2"), *inside}, out->local, out->bytes}, now);
        moved = true;
        ++delivered;
      }
    }
    return delivered;
  }

  void establish() {
    ASSERT_TRUE(west.engine.initiate("office", "", now));
    pump();
    ASSERT_EQ(west.events.count(EventKind::child_up), 1u) << west.events.dump();
    ASSERT_EQ(east.events.count(EventKind::child_up), 1u) << east.events.dump();
  }

  const sa::IkeSa& east_sa() const { return *east.engine.ike_sas().front(); }
  const sa::ChildSa& east_child() const { return east_sa().children.front(); }
  /// East's ESP SAs as the kernel has them.
  const sa::AddSaRequest& east_inbound() const {
    return east.kernel.sas.at(east_child().spi_in).request;
  }
  const sa::AddSaRequest& east_outbound() const {
    return east.kernel.sas.at(east_child().spi_out).request;
  }

  std::vector<sa::Datagram> sent_by_east;

 private:
  std::optional<std::uint16_t> inside_port(const sa::Endpoint& outside) const {
    if (outside.address != public_address) return std::nullopt;
    for (const auto& [inside, port] : outside_port_) {
      if (port == outside.port) return inside;
    }
    return std::nullopt;
  }

  std::map<std::uint16_t, std::uint16_t> outside_port_;
  std::uint16_t next_port_ = 40001;
};

TEST(NatMapping, ResponderFollowsTheInitiatorsNatPortForIkeAuthAndEsp) {
  NattedPeers peers;
  peers.establish();
  const auto& sa = peers.east_sa();
  EXPECT_TRUE(sa.nat_there);
  // IKE_SA_INIT came from port 40001 (west's 500), IKE_AUTH from 40002
  // (west's 4500): east answers and encapsulates to the latter.
  EXPECT_EQ(sa.remote, (sa::Endpoint{peers.public_address, 40002}));
  ASSERT_TRUE(peers.east_inbound().encapsulation);
  EXPECT_EQ(*peers.east_inbound().encapsulation, (sa::UdpEncapsulation{40002, 4500}));
  EXPECT_EQ(*peers.east_outbound().encapsulation, (sa::UdpEncapsulation{4500, 40002}));
  EXPECT_EQ(peers.east_outbound().destination, peers.public_address);
}

TEST(NatMapping, AuthenticatedRequestFromANewPortMovesTheIkeSaAndTheChildSas) {
  NattedPeers peers;
  peers.establish();
  auto updates_before = peers.east.kernel.request_count();
  peers.rebind(40010);
  // West's liveness check after dpd_delay goes out through the new mapping.
  peers.now += seconds(30);
  peers.west.engine.handle_timeout(peers.now);
  peers.sent_by_east.clear();
  ASSERT_EQ(peers.pump(), 2u);

  sa::Endpoint moved{peers.public_address, 40010};
  EXPECT_EQ(peers.east_sa().remote, moved);
  ASSERT_EQ(peers.sent_by_east.size(), 1u);
  EXPECT_EQ(peers.sent_by_east[0].remote, moved) << "the answer goes to the new mapping";
  EXPECT_EQ(*peers.east_inbound().encapsulation, (sa::UdpEncapsulation{40010, 4500}));
  EXPECT_EQ(*peers.east_outbound().encapsulation, (sa::UdpEncapsulation{4500, 40010}));
  // Two SA updates, no policy change (the address is the same).
  EXPECT_EQ(peers.east.kernel.request_count() - updates_before, 2u);
  EXPECT_EQ(peers.east.kernel.policies.size(), 3u);
}

TEST(NatMapping, UnauthenticatedMessageFromANewPortMovesNothing) {
  NattedPeers peers;
  peers.establish();
  peers.now += seconds(30);
  peers.west.engine.handle_timeout(peers.now);
  auto request = peers.west.engine.poll_transmit();
  ASSERT_TRUE(request);
  request->bytes.back() ^= 0x01;  // the ICV no longer verifies
  auto requests_before = peers.east.kernel.request_count();
  peers.east.engine.handle_datagram(
      sa::Datagram{request->remote, {peers.public_address, 40077}, request->bytes}, peers.now);
  EXPECT_EQ(peers.east_sa().remote, (sa::Endpoint{peers.public_address, 40002}));
  EXPECT_EQ(peers.east.kernel.request_count(), requests_before);
  EXPECT_FALSE(peers.east.engine.poll_transmit());
}

TEST(NatMapping, KernelMappingEventMovesThePeerOfANattedIkeSa) {
  NattedPeers peers;
  peers.establish();
  sa::KernelMapping mapping;
  mapping.sa.destination = *IpAddress::parse("10.77.0.1");
  mapping.sa.spi = peers.east_child().spi_in;
  mapping.new_address = *IpAddress::parse("198.51.100.8");
  mapping.new_port = 40020;
  peers.east.engine.handle_kernel_mapping(mapping, peers.now);

  sa::Endpoint moved{mapping.new_address, 40020};
  EXPECT_EQ(peers.east_sa().remote, moved);
  EXPECT_EQ(peers.east_inbound().source, mapping.new_address);
  EXPECT_EQ(*peers.east_inbound().encapsulation, (sa::UdpEncapsulation{40020, 4500}));
  EXPECT_EQ(peers.east_outbound().destination, mapping.new_address);
  EXPECT_EQ(*peers.east_outbound().encapsulation, (sa::UdpEncapsulation{4500, 40020}));
  // A new address: the tunnel policies name it now.
  for (const auto& [key, policy] : peers.east.kernel.policies) {
    auto peer_end = policy.direction == sa::PolicyDirection::out ? policy.tunnel_destination
                                                                 : policy.tunnel_source;
    EXPECT_EQ(peer_end, mapping.new_address) << policy.story;
  }
  EXPECT_EQ(peers.east.kernel.policies.size(), 3u);
  // The engine's index by peer address followed the move.
  EXPECT_TRUE(peers.east.engine.sa_index_mismatches().empty());

  // East's next IKE request goes there too.
  peers.now += seconds(30);
  peers.east.engine.handle_timeout(peers.now);
  auto check = peers.east.engine.poll_transmit();
  ASSERT_TRUE(check);
  EXPECT_EQ(check->remote, moved);
}

TEST(NatMapping, MappingEventWithoutNatOrForUnknownSpiIsIgnored) {
  TwoPeerHarness h;
  auto [west, east] = psk_connection_pair();
  h.add_connections(west, east);
  set_psk(h, "nat-psk-0123456789");
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  h.deliver_all();
  const auto* sa = h.b().engine.ike_sas().front();
  ASSERT_FALSE(sa->nat_there || sa->nat_here);
  auto remote = sa->remote;
  auto requests = h.b().kernel.request_count();

  sa::KernelMapping mapping;
  mapping.sa.destination = *IpAddress::parse("10.77.0.1");
  mapping.sa.spi = sa->children.front().spi_in;
  mapping.new_address = *IpAddress::parse("198.51.100.8");
  mapping.new_port = 40020;
  h.b().engine.handle_kernel_mapping(mapping, h.now());
  mapping.sa.spi = 0x12345678;
  h.b().engine.handle_kernel_mapping(mapping, h.now());

  EXPECT_EQ(h.b().engine.ike_sas().front()->remote, remote);
  EXPECT_EQ(h.b().kernel.request_count(), requests);
}

TEST(NatMapping, WithoutNatAnAuthenticatedMessageFromAnotherPortMovesNothing) {
  TwoPeerHarness h;
  auto [west, east] = psk_connection_pair();
  h.add_connections(west, east);
  set_psk(h, "nat-psk-0123456789");
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  h.deliver_all();
  auto later = h.now() + seconds(30);
  h.a().engine.handle_timeout(later);
  auto request = h.a().engine.poll_transmit();
  ASSERT_TRUE(request);
  h.b().engine.handle_datagram(
      sa::Datagram{request->remote, {request->local.address, 4501}, request->bytes}, later);
  auto answer = h.b().engine.poll_transmit();
  ASSERT_TRUE(answer) << "the request is valid and answered";
  EXPECT_EQ(answer->remote, (sa::Endpoint{*IpAddress::parse("10.77.0.2"), 500}));
  EXPECT_EQ(h.b().engine.ike_sas().front()->remote.port, 500);
}

}  // namespace
}  // namespace ike::test
