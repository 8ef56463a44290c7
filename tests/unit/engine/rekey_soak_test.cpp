/// Half an hour of CHILD and IKE rekeys driven by their lifetimes over a link
/// that drops, duplicates and reorders (tests/support/two_peer_harness.hpp):
/// whatever the retransmissions and crossings, both peers end with the same
/// IKE SA and CHILD SAs, and each kernel holds exactly those.

#include <gtest/gtest.h>

#include "rekey_peers.hpp"

namespace ike::sa {
namespace {

using test::Side;
using test::TwoPeerHarness;

struct Impairment {
  const char* label;
  std::uint64_t link_seed;
  double drop;
  double duplicate;
  double reorder;
  const char* esp;
  /// Both peers on the same timers: every rekey is a collision (RFC 7296 2.8.1).
  bool same_timers = false;
};

constexpr Impairment kImpairments[] = {
    {"Clean", 3, 0, 0, 0, ""},
    {"Loss10", 4, 0.10, 0, 0, ""},
    {"Loss10Pfs", 5, 0.10, 0, 0, "aes256gcm16-x25519"},
    {"Duplicates20", 6, 0, 0.20, 0, ""},
    {"Reorder30Delay", 7, 0, 0, 0.30, "aes256gcm16-x25519"},
    {"Everything", 8, 0.08, 0.08, 0.20, "aes256gcm16-x25519"},
    {"AlwaysColliding", 9, 0, 0, 0, "", true},
    {"AlwaysCollidingPfsLossReorder", 10, 0.08, 0.05, 0.20, "aes256gcm16-x25519", true},
};

bool settled(TwoPeerHarness& h) {
  if (h.link().in_flight() != 0) return false;
  for (auto* peer : {&h.a(), &h.b()}) {
    for (const auto* ike : peer->engine.ike_sas()) {
      if (ike->requests.busy() || ike->active || !ike->queued.empty() ||
          ike->state != IkeState::established) {
        return false;
      }
      for (const auto& child : ike->children) {
        if (child.state != ChildState::installed) return false;
      }
    }
  }
  return true;
}

class RekeyUnderImpairments : public ::testing::TestWithParam<Impairment> {};

TEST_P(RekeyUnderImpairments, BothPeersAgreeAndTheKernelsHoldExactlyThat) {
  const auto& param = GetParam();
  test::HarnessOptions options;
  options.link_seed = param.link_seed;
  TwoPeerHarness h(options);
  auto [west, east] = test::rekey_connections(param.esp, param.esp);
  // CHILD SAs rekey every 200 s (a) / 220 s (b), the IKE SA every 9 / 9.5
  // minutes: a is usually first, loss and retransmissions blur it. The 200 s
  // margins cover an exchange's worst case (165 s of retransmissions), during
  // which an IKE rekey holds the CHILD rekeys back.
  for (auto& child : west->children)
    child.lifetime = LifetimePolicy{seconds(400), seconds(200), 0, true};
  for (auto& child : east->children)
    child.lifetime =
        LifetimePolicy{seconds(400), param.same_timers ? seconds(200) : seconds(180), 0, true};
  west->ike_lifetime = LifetimePolicy{minutes(10), minutes(1), 0, true};
  east->ike_lifetime =
      LifetimePolicy{minutes(10), param.same_timers ? minutes(1) : seconds(30), 0, true};
  h.add_connections(west, east);
  test::set_psk(h, "soak-psk-0123456789");
  ASSERT_TRUE(h.a().engine.initiate("office", "office", h.now()));
  ASSERT_TRUE(h.a().engine.initiate("office", "lab", h.now()));
  ASSERT_TRUE(
      h.run_until([&] { return settled(h) && test::children_of(h.b()).size() == 2; }, minutes(1)))
      << h.dump();

  h.link().impairments.drop = param.drop;
  h.link().impairments.duplicate = param.duplicate;
  h.link().impairments.reorder = param.reorder;
  h.link().impairments.jitter = milliseconds(param.reorder > 0 ? 200 : 0);
  h.run_for(minutes(30));
  h.link().impairments = {};
  ASSERT_TRUE(h.run_until([&] { return settled(h); }, minutes(5))) << h.dump();

  const auto* a = test::only_ike_sa(h.a());
  const auto* b = test::only_ike_sa(h.b());
  ASSERT_NE(a, nullptr) << h.dump();
  ASSERT_NE(b, nullptr) << h.dump();
  EXPECT_EQ(a->spi_i, b->spi_i);
  EXPECT_EQ(a->spi_r, b->spi_r);
  ASSERT_EQ(a->children.size(), 2u) << h.dump();
  ASSERT_EQ(b->children.size(), 2u) << h.dump();
  for (const auto& ours : a->children) {
    const ChildSa* theirs = nullptr;
    for (const auto& candidate : b->children)
      if (candidate.spi_in == ours.spi_out) theirs = &candidate;
    ASSERT_NE(theirs, nullptr) << "CHILD SA #" << ours.serial << " has no twin\n" << h.dump();
    EXPECT_EQ(theirs->spi_out, ours.spi_in);
    EXPECT_EQ(theirs->name(), ours.name());
  }
  for (auto side : {Side::a, Side::b}) {
    auto& peer = h.peer(side);
    auto problems = test::kernel_mismatches(peer, std::string(test::to_string(side)), true);
    std::string text;
    for (const auto& line : problems)
      text += line + "\n";
    EXPECT_EQ(text, "");
    EXPECT_EQ(peer.kernel.sas.size(), 4u);
    EXPECT_EQ(peer.kernel.policies.size(), 6u);
    EXPECT_EQ(peer.events.count(EventKind::ike_down), 0u) << peer.events.dump();
    EXPECT_EQ(peer.events.count(EventKind::child_down), 0u) << peer.events.dump();
    // ~9 rekeys per CHILD SA and 3 of the IKE SA in 30 minutes.
    EXPECT_GE(peer.events.count(EventKind::child_rekeyed), 14u) << peer.events.dump();
    EXPECT_GE(peer.events.count(EventKind::ike_rekeyed), 3u);
  }
}

INSTANTIATE_TEST_SUITE_P(Link, RekeyUnderImpairments, ::testing::ValuesIn(kImpairments),
                         [](const auto& info) { return std::string(info.param.label); });

}  // namespace
}  // namespace ike::sa
