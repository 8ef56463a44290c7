/// Races around a new CHILD SA that the property test (property_test.cpp)
/// found: the responder installs a CHILD SA when it answers, so until the
/// answer arrives the initiator does not know it, yet the responder may
/// already rekey or delete it; and an initiator that cannot install what
/// the responder accepted (new CHILD SA or rekey) must not leave the
/// responder's half behind.
/// After each, both peers hold the same CHILD SAs and both kernels exactly
/// theirs.

#include <gtest/gtest.h>

#include "rekey_peers.hpp"

namespace ike::sa {
namespace {

using test::RekeyPeers;
using test::Side;

using test::lines;

const ChildSa* child_named(test::HarnessPeer& peer, std::string_view name) {
  for (const auto& child : test::children_of(peer)) {
    if (child.name() == name) return &child;
  }
  return nullptr;
}

/// Index of the first message waiting for `to` that `describe_pending` calls
/// `what`, e.g. "INFORMATIONAL request".
std::size_t pending_index(RekeyPeers& peers, Side to, std::string_view what) {
  for (std::size_t i = 0; i < peers.pending(to); ++i) {
    if (peers.describe_pending(to, i) == what) return i;
  }
  ADD_FAILURE() << "no " << what << " waiting for " << test::to_string(to);
  return 0;
}

/// The kernel removes `spi` at its hard lifetime and tells the engine (XFRM).
void hard_expire(RekeyPeers& peers, Side side, std::uint32_t spi) {
  auto& peer = peers.peer(side);
  auto request = peer.kernel.sas.at(spi).request;
  peer.kernel.sas.erase(spi);
  KernelExpire expire;
  expire.sa = SaKey{request.destination, spi, wire::ProtocolId::esp, request.mark};
  expire.hard = true;
  peer.engine.handle_kernel_expire(expire, peers.now());
}

/// Both peers have the same CHILD SAs (by SPI pair) and nothing else.
void expect_agreement(RekeyPeers& peers) {
  const auto& a = test::children_of(peers.a());
  const auto& b = test::children_of(peers.b());
  ASSERT_EQ(a.size(), b.size()) << peers.a().events.dump() << peers.b().events.dump();
  for (const auto& ours : a) {
    bool twin = false;
    for (const auto& theirs : b)
      twin |= theirs.spi_in == ours.spi_out && theirs.spi_out == ours.spi_in;
    EXPECT_TRUE(twin) << "CHILD SA '" << ours.name() << "' #" << ours.serial << " has no twin";
  }
  EXPECT_EQ(lines(test::check_both(peers, /*idle=*/true)), "");
}

// ------------------------------------------------------------------------
// The initiator cannot install what the responder accepted.

/// Of the five kernel requests that install a new CHILD SA at the initiator
/// (inbound SA, outbound SA, out/in/fwd policies), the one that fails.
class CreateChildInstallFailure : public ::testing::TestWithParam<int> {};

TEST_P(CreateChildInstallFailure, InitiatorDeletesTheHalfTheResponderInstalled) {
  RekeyPeers peers;
  auto [west, east] = test::rekey_connections();
  peers.establish(west, east);
  ASSERT_TRUE(peers.a().engine.initiate("office", "lab", peers.now()));
  ASSERT_TRUE(peers.deliver(Side::b));  // b installs 'lab' and answers
  ASSERT_NE(child_named(peers.b(), "lab"), nullptr);
  peers.a().kernel.fail_request(peers.a().kernel.request_count() + 1 + GetParam());
  ASSERT_TRUE(peers.deliver(Side::a));
  EXPECT_EQ(child_named(peers.a(), "lab"), nullptr);
  EXPECT_EQ(peers.a().events.count(EventKind::failed), 1u) << peers.a().events.dump();
  ASSERT_EQ(peers.describe_pending(Side::b), "INFORMATIONAL request") << "the Delete for b's half";
  EXPECT_EQ(peers.deliver_all(), 2);
  EXPECT_EQ(child_named(peers.b(), "lab"), nullptr) << peers.b().events.dump();
  ASSERT_NE(child_named(peers.a(), "office"), nullptr);
  expect_agreement(peers);
}

INSTANTIATE_TEST_SUITE_P(EachKernelRequest, CreateChildInstallFailure, ::testing::Range(0, 5));

/// Of the two kernel requests that install the new SAs of a CHILD rekey at
/// its initiator (inbound, outbound; the policies stay), the one that fails.
class ChildRekeyInstallFailure : public ::testing::TestWithParam<int> {};

TEST_P(ChildRekeyInstallFailure, InitiatorDeletesTheNewHalfAndBothKeepTheOldChildSa) {
  RekeyPeers peers;
  auto [west, east] = test::rekey_connections();
  peers.establish(west, east);
  auto old = test::children_of(peers.a()).front();
  ASSERT_TRUE(peers.a().engine.rekey("office", /*ike=*/false, peers.now()));
  ASSERT_TRUE(peers.deliver(Side::b));  // b installs the new CHILD SA, old REKEYED
  ASSERT_EQ(test::children_of(peers.b()).size(), 2u);
  peers.a().kernel.fail_request(peers.a().kernel.request_count() + 1 + GetParam());
  ASSERT_TRUE(peers.deliver(Side::a));
  ASSERT_EQ(peers.describe_pending(Side::b), "INFORMATIONAL request") << "the Delete for b's half";
  EXPECT_EQ(peers.deliver_all(), 2);
  for (auto* peer : {&peers.a(), &peers.b()}) {
    ASSERT_EQ(test::children_of(*peer).size(), 1u) << peer->events.dump();
    EXPECT_EQ(test::children_of(*peer).front().state, ChildState::installed);
    EXPECT_EQ(peer->events.count(EventKind::child_rekeyed), peer == &peers.b() ? 1u : 0u);
  }
  EXPECT_EQ(test::children_of(peers.a()).front().spi_in, old.spi_in);
  expect_agreement(peers);
  peers.run_for(seconds(30));  // a tries the rekey again after 10-20 s
  EXPECT_EQ(peers.a().events.count(EventKind::child_rekeyed), 1u) << peers.a().events.dump();
  EXPECT_NE(test::children_of(peers.a()).front().spi_in, old.spi_in);
  expect_agreement(peers);
}

INSTANTIATE_TEST_SUITE_P(EachKernelRequest, ChildRekeyInstallFailure, ::testing::Range(0, 2));

// ------------------------------------------------------------------------
// The responder rekeys the new CHILD SA before its answer reached us.

TEST(NewChildSaRace, RekeyOfAChildSaWeDoNotKnowYetIsRetriedNotDropped) {
  RekeyPeers peers;
  auto [west, east] = test::rekey_connections();
  peers.establish(west, east);
  ASSERT_TRUE(peers.a().engine.initiate("office", "lab", peers.now()));
  ASSERT_TRUE(peers.deliver(Side::b));  // b installs 'lab'; its answer waits
  const auto* lab = child_named(peers.b(), "lab");
  ASSERT_NE(lab, nullptr);
  // b's kernel asks for a rekey of the new CHILD SA at once.
  KernelExpire soft;
  soft.sa = SaKey{*IpAddress::parse("10.77.0.1"), lab->spi_in, wire::ProtocolId::esp, {}};
  peers.b().engine.handle_kernel_expire(soft, peers.now());
  ASSERT_TRUE(peers.deliver(Side::a, pending_index(peers, Side::a, "CREATE_CHILD_SA request")));
  // a does not know the SPI yet, but its own CREATE_CHILD_SA is in flight:
  // TEMPORARY_FAILURE, not CHILD_SA_NOT_FOUND (which would make b drop it).
  EXPECT_EQ(child_named(peers.a(), "lab"), nullptr);
  peers.deliver_all();
  ASSERT_NE(child_named(peers.a(), "lab"), nullptr) << peers.a().events.dump();
  ASSERT_NE(child_named(peers.b(), "lab"), nullptr) << peers.b().events.dump();
  EXPECT_EQ(peers.b().events.count(EventKind::child_down), 0u) << peers.b().events.dump();
  peers.run_for(seconds(30));  // b's retry after 10-20 s
  EXPECT_EQ(peers.b().events.count(EventKind::child_rekeyed), 1u) << peers.b().events.dump();
  expect_agreement(peers);
  EXPECT_EQ(test::children_of(peers.a()).size(), 2u);
}

// ------------------------------------------------------------------------
// The responder deletes the new CHILD SA before its answer reached us.

TEST(NewChildSaRace, DeleteThatOvertakesTheCreateChildSaAnswerLeavesNothingBehind) {
  RekeyPeers peers;
  auto [west, east] = test::rekey_connections();
  peers.establish(west, east);
  ASSERT_TRUE(peers.a().engine.initiate("office", "lab", peers.now()));
  ASSERT_TRUE(peers.deliver(Side::b));
  const auto* lab = child_named(peers.b(), "lab");
  ASSERT_NE(lab, nullptr);
  hard_expire(peers, Side::b, lab->spi_in);
  ASSERT_TRUE(peers.deliver(Side::a, pending_index(peers, Side::a, "INFORMATIONAL request")));
  peers.deliver_all();  // the CREATE_CHILD_SA answer comes last
  EXPECT_EQ(child_named(peers.a(), "lab"), nullptr) << peers.a().events.dump();
  EXPECT_EQ(child_named(peers.b(), "lab"), nullptr) << peers.b().events.dump();
  expect_agreement(peers);
}

TEST(NewChildSaRace, DeleteThatOvertakesTheIkeAuthAnswerLeavesNothingBehind) {
  RekeyPeers peers;
  auto [west, east] = test::rekey_connections();
  peers.a().engine.add_connection(west);
  peers.b().engine.add_connection(east);
  ASSERT_TRUE(peers.a().engine.initiate("office", "office", peers.now()));
  ASSERT_TRUE(peers.deliver(Side::b));  // IKE_SA_INIT
  ASSERT_TRUE(peers.deliver(Side::a));
  ASSERT_TRUE(peers.deliver(Side::b));  // IKE_AUTH: b installs 'office', answers
  const auto* office = child_named(peers.b(), "office");
  ASSERT_NE(office, nullptr);
  hard_expire(peers, Side::b, office->spi_in);
  ASSERT_TRUE(peers.deliver(Side::a, pending_index(peers, Side::a, "INFORMATIONAL request")));
  peers.deliver_all();
  ASSERT_NE(test::only_ike_sa(peers.a()), nullptr);
  EXPECT_EQ(test::only_ike_sa(peers.a())->state, IkeState::established);
  EXPECT_TRUE(test::children_of(peers.a()).empty()) << peers.a().events.dump();
  EXPECT_TRUE(test::children_of(peers.b()).empty()) << peers.b().events.dump();
  expect_agreement(peers);
}

TEST(NewChildSaRace, RekeyResponderWhoseNewChildSaGoesFirstKeepsTheOldOne) {
  RekeyPeers peers;
  auto [west, east] = test::rekey_connections();
  peers.establish(west, east);
  auto old_spi_out = test::children_of(peers.a()).front().spi_out;
  ASSERT_TRUE(peers.a().engine.rekey("office", /*ike=*/false, peers.now()));
  ASSERT_TRUE(peers.deliver(Side::b));  // b answers the rekey: old REKEYED
  ASSERT_EQ(test::children_of(peers.b()).size(), 2u);
  const auto& fresh = test::children_of(peers.b()).back();
  hard_expire(peers, Side::b, fresh.spi_in);
  ASSERT_TRUE(peers.deliver(Side::a, pending_index(peers, Side::a, "INFORMATIONAL request")));
  peers.deliver_all();
  // For a the rekey did not happen: it keeps the old CHILD SA, and so does b,
  // instead of waiting REKEYED for a Delete that never comes.
  ASSERT_EQ(test::children_of(peers.a()).size(), 1u) << peers.a().events.dump();
  ASSERT_EQ(test::children_of(peers.b()).size(), 1u) << peers.b().events.dump();
  EXPECT_EQ(test::children_of(peers.a()).front().spi_out, old_spi_out);
  EXPECT_EQ(test::children_of(peers.b()).front().state, ChildState::installed);
  expect_agreement(peers);
  peers.run_for(seconds(30));  // a tries the rekey again after 10-20 s
  EXPECT_EQ(peers.a().events.count(EventKind::child_rekeyed), 1u) << peers.a().events.dump();
  EXPECT_NE(test::children_of(peers.a()).front().spi_out, old_spi_out);
  expect_agreement(peers);
}

}  // namespace
}  // namespace ike::sa
