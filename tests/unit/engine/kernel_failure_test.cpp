// A kernel that refuses the Nth request (FakeKernel::fail_request), for
// every N of a handshake, on either side: the IKE SA stays up, the CHILD SA
// exists on both sides or on neither, and no SPI, SA or policy leaks, also
// after the IKE SA is deleted.

#include <gtest/gtest.h>

#include "support/two_peer_harness.hpp"

namespace ike::test {
namespace {

using sa::EventKind;

void add_office(TwoPeerHarness& h) {
  auto [west, east] = psk_connection_pair();
  h.add_connections(west, east);
  set_psk(h, "kernel-psk-0123456789");
}

std::string kernel_log(const HarnessPeer& peer) {
  std::string out;
  for (const auto& line : peer.kernel.log())
    out += "  " + line + "\n";
  return out;
}

/// Kernel requests one side makes in a clean handshake.
std::size_t clean_handshake_requests(Side side) {
  TwoPeerHarness h;
  add_office(h);
  EXPECT_TRUE(h.a().engine.initiate("office", "", h.now()));
  h.deliver_all();
  return h.peer(side).kernel.request_count();
}

struct KernelFailure {
  Side side;
  std::size_t request;
};

std::string describe(const KernelFailure& failure) {
  return std::string(failure.side == Side::a ? "initiator" : "responder") + " fails request " +
         std::to_string(failure.request);
}

class KernelFailures : public ::testing::TestWithParam<Side> {};

TEST_P(KernelFailures, EveryFailingRequestLeavesConsistentStateAndNoLeak) {
  auto side = GetParam();
  auto total = clean_handshake_requests(side);
  // allocate SPI, inbound SA, outbound SA, out/in/fwd policy
  ASSERT_EQ(total, 6u);
  for (std::size_t n = 1; n <= total; ++n) {
    KernelFailure failure{side, n};
    SCOPED_TRACE(describe(failure));
    TwoPeerHarness h;
    add_office(h);
    h.peer(side).kernel.fail_request(n);
    ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
    h.run_for(seconds(10));

    for (auto each : {Side::a, Side::b}) {
      auto& peer = h.peer(each);
      auto sas = peer.engine.ike_sas();
      ASSERT_EQ(sas.size(), 1u) << h.dump();
      EXPECT_EQ(sas[0]->state, sa::IkeState::established) << "a CHILD SA failure keeps the IKE SA";
      EXPECT_TRUE(sas[0]->children.empty()) << "peer " << to_string(each) << "\n" << h.dump();
      EXPECT_TRUE(peer.kernel.sas.empty()) << kernel_log(peer);
      EXPECT_TRUE(peer.kernel.larval.empty()) << kernel_log(peer);
      EXPECT_TRUE(peer.kernel.policies.empty()) << kernel_log(peer);
      EXPECT_EQ(peer.events.count(EventKind::child_up) - peer.events.count(EventKind::child_down),
                0u)
          << h.dump();
    }
    // The reason reaches the initiator's events.
    EXPECT_EQ(h.a().events.count(EventKind::failed), 1u) << h.dump();

    ASSERT_TRUE(h.a().engine.terminate("office", h.now()));
    h.run_for(seconds(10));
    for (auto each : {Side::a, Side::b}) {
      EXPECT_TRUE(h.peer(each).engine.ike_sas().empty()) << h.dump();
      EXPECT_TRUE(h.peer(each).kernel.sas.empty());
      EXPECT_TRUE(h.peer(each).kernel.larval.empty());
      EXPECT_TRUE(h.peer(each).kernel.policies.empty());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(BothRoles, KernelFailures, ::testing::Values(Side::a, Side::b),
                         [](const auto& info) {
                           return std::string(info.param == Side::a ? "Initiator" : "Responder");
                         });

TEST(KernelFailures, AbandonedIkeAuthReleasesTheAllocatedSpi) {
  TwoPeerHarness h;
  add_office(h);
  // IKE_SA_INIT goes through, then the responder vanishes: the initiator
  // gives up on IKE_AUTH and must return the SPI it allocated for the child.
  h.link().set_filter([](Side from, const TraceEntry& entry, ByteView) {
    bool auth = entry.header && entry.header->exchange == wire::ExchangeType::ike_auth;
    return from == Side::b && auth ? LinkAction::drop : LinkAction::pass;
  });
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  h.deliver_all();
  EXPECT_EQ(h.a().kernel.larval.size(), 1u);
  ASSERT_TRUE(h.run_until([&] { return h.a().engine.ike_sas().empty(); }, minutes(5))) << h.dump();
  EXPECT_TRUE(h.a().kernel.larval.empty()) << kernel_log(h.a());
}

TEST(KernelFailures, TerminatingDuringIkeAuthReleasesTheAllocatedSpi) {
  TwoPeerHarness h;
  add_office(h);
  h.link().set_filter([](Side from, const TraceEntry& entry, ByteView) {
    bool auth = entry.header && entry.header->exchange == wire::ExchangeType::ike_auth;
    return from == Side::a && auth ? LinkAction::drop : LinkAction::pass;
  });
  ASSERT_TRUE(h.a().engine.initiate("office", "", h.now()));
  h.deliver_all();  // IKE_SA_INIT answered; IKE_AUTH lost
  ASSERT_EQ(h.a().kernel.larval.size(), 1u) << h.dump();
  ASSERT_TRUE(h.a().engine.terminate("office", h.now()));
  EXPECT_TRUE(h.a().engine.ike_sas().empty());
  EXPECT_TRUE(h.a().kernel.larval.empty()) << kernel_log(h.a());
}

}  // namespace
}  // namespace ike::test
