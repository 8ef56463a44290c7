/// INVALID_KE_PAYLOAD in rekeys (RFC 7296 1.3.2, 1.3.3, 2.7): the responder
/// names the group it wants, and the initiator sends the request again with
/// a KE payload for that group (new nonce, same SPI), then completes the
/// rekey with it. New CHILD SAs with PFS: create_child_sa_test.cpp.

#include <gtest/gtest.h>

#include "ike/proposal/parser.hpp"
#include "rekey_peers.hpp"

namespace ike::sa {
namespace {

using test::RekeyPeers;
using test::Side;

using test::lines;

/// True when one of `peer`'s events contains `text`.
bool logged(test::HarnessPeer& peer, std::string_view text) {
  for (const auto& event : peer.events.events) {
    if (event.message.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(IkeRekeyInvalidKe, InitiatorRetriesWithTheGroupTheResponderNamed) {
  RekeyPeers peers;
  auto [west, east] = test::rekey_connections();
  // b proposes MODP-2048 first, which a's defaults accept (RFC 8247 MUST) but
  // never offer: the IKE SA comes up with MODP-2048 when b initiates, and a's
  // rekey, unable to keep that group, sends KE for its own first choice
  // (Curve25519), which b does not accept: b asks for ECP-256.
  east->ike_proposals =
      proposal::parse_proposals("aes256gcm16-prfsha256-modp2048-ecp256", wire::ProtocolId::ike)
          ->proposals;
  peers.a().engine.add_connection(west);
  peers.b().engine.add_connection(east);
  ASSERT_TRUE(peers.b().engine.initiate("office", "office", peers.now()));
  EXPECT_EQ(peers.deliver_all(), 4);
  const auto* before = test::only_ike_sa(peers.a());
  ASSERT_NE(before, nullptr) << peers.a().events.dump();
  ASSERT_EQ(before->algorithms->ke_group, wire::KeGroup::modp2048);
  auto old_spi = before->spi_i;
  auto child_spi = test::children_of(peers.a()).front().spi_in;

  ASSERT_TRUE(peers.a().engine.rekey("office", /*ike=*/true, peers.now()));
  ASSERT_EQ(peers.describe_pending(Side::b), "CREATE_CHILD_SA request");
  ASSERT_TRUE(peers.deliver(Side::b));
  ASSERT_EQ(peers.describe_pending(Side::a), "CREATE_CHILD_SA response");
  EXPECT_EQ(peers.b().engine.ike_sas().size(), 1u) << "the refusal creates no IKE SA";
  ASSERT_TRUE(peers.deliver(Side::a));
  EXPECT_TRUE(logged(peers.b(), "refusing IKE rekey with INVALID_KE_PAYLOAD: asking for ECP_256"))
      << peers.b().events.dump();
  EXPECT_TRUE(logged(peers.a(), "peer wants ECP_256 for the IKE rekey, retrying"))
      << peers.a().events.dump();
  // The retry, its answer, then D(IKE) of the old IKE SA.
  ASSERT_EQ(peers.describe_pending(Side::b), "CREATE_CHILD_SA request") << peers.a().events.dump();
  EXPECT_EQ(peers.deliver_all(), 4);

  for (auto* peer : {&peers.a(), &peers.b()}) {
    const auto* after = test::only_ike_sa(*peer);
    ASSERT_NE(after, nullptr) << peer->events.dump();
    EXPECT_NE(after->spi_i, old_spi);
    EXPECT_EQ(after->state, IkeState::established);
    EXPECT_EQ(after->algorithms->ke_group, wire::KeGroup::ecp256);
    EXPECT_EQ(peer->events.count(EventKind::ike_rekeyed), 1u) << peer->events.dump();
    EXPECT_EQ(peer->events.count(EventKind::failed), 0u) << peer->events.dump();
    ASSERT_EQ(test::children_of(*peer).size(), 1u) << "the CHILD SA moved";
  }
  EXPECT_EQ(test::children_of(peers.a()).front().spi_in, child_spi);
  EXPECT_EQ(test::only_ike_sa(peers.a())->spi_i, test::only_ike_sa(peers.b())->spi_i);
  EXPECT_EQ(test::only_ike_sa(peers.a())->spi_r, test::only_ike_sa(peers.b())->spi_r);
  EXPECT_TRUE(test::only_ike_sa(peers.a())->initiator) << "a initiated the rekey";
  EXPECT_EQ(lines(test::check_both(peers, /*idle=*/true)), "");
  EXPECT_EQ(lines(peers.violations), "");
}

TEST(ChildRekeyInvalidKe, InitiatorRetriesWithThePfsGroupTheResponderNamed) {
  RekeyPeers peers;
  // a prefers Curve25519 for PFS and also offers ECP-256; b takes only ECP-256.
  auto [west, east] = test::rekey_connections("aes256gcm16-x25519-ecp256", "aes256gcm16-ecp256");
  peers.establish(west, east);
  auto old = test::children_of(peers.a()).front();
  ASSERT_EQ(old.algorithms.ke_group, wire::KeGroup::none) << "IKE_AUTH's CHILD SA has no KE";

  ASSERT_TRUE(peers.a().engine.rekey("office", /*ike=*/false, peers.now()));
  ASSERT_TRUE(peers.deliver(Side::b));
  EXPECT_EQ(test::children_of(peers.b()).size(), 1u) << "the refusal installs nothing";
  EXPECT_EQ(test::children_of(peers.b()).front().state, ChildState::installed);
  ASSERT_TRUE(peers.deliver(Side::a));
  ASSERT_EQ(peers.describe_pending(Side::b), "CREATE_CHILD_SA request") << peers.a().events.dump();
  // The retry, its answer, then the Delete of the old CHILD SA.
  EXPECT_EQ(peers.deliver_all(), 4);

  for (auto* peer : {&peers.a(), &peers.b()}) {
    ASSERT_EQ(test::children_of(*peer).size(), 1u) << peer->events.dump();
    const auto& fresh = test::children_of(*peer).front();
    EXPECT_EQ(fresh.algorithms.ke_group, wire::KeGroup::ecp256);
    EXPECT_EQ(peer->events.count(EventKind::child_rekeyed), 1u) << peer->events.dump();
    EXPECT_EQ(peer->events.count(EventKind::child_down), 0u) << peer->events.dump();
    EXPECT_EQ(peer->events.count(EventKind::failed), 0u) << peer->events.dump();
  }
  EXPECT_NE(test::children_of(peers.a()).front().spi_in, old.spi_in);
  EXPECT_EQ(test::children_of(peers.a()).front().reqid, old.reqid);
  EXPECT_EQ(test::children_of(peers.a()).front().spi_out,
            test::children_of(peers.b()).front().spi_in);
  EXPECT_EQ(lines(test::check_both(peers, /*idle=*/true)), "");
  EXPECT_EQ(lines(peers.violations), "");
  // Both requests carried the same allocated SPI: none is left over.
  EXPECT_TRUE(peers.a().kernel.larval.empty());
}

}  // namespace
}  // namespace ike::sa
