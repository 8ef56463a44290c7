// Root tests of the XFRM driver against the running kernel, each in a fresh
// network namespace. The host kernel has XFRM but no ESP: policies, SPI
// allocation, events and socket options work; adding an ESP SA fails with
// the readable no-ESP reason (the ESP paths run in the lab, lab_test.cpp).

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "netns_support.hpp"
#include "xfrm/xfrm_kernel.hpp"
#include "xfrm/xfrm_sa_messages.hpp"
#include "xfrm_test_support.hpp"

namespace ikev2d::xfrm {
namespace {

using test::ip;
using test::run_command;
using test::selector;

/// Collects the kernel's events.
struct RecordingHandler : KernelEventHandler {
  std::vector<ike::sa::KernelAcquire> acquires;
  std::vector<ike::sa::KernelExpire> expires;
  std::vector<ike::sa::KernelMapping> mappings;
  void on_acquire(const ike::sa::KernelAcquire& acquire) override { acquires.push_back(acquire); }
  void on_expire(const ike::sa::KernelExpire& expire) override { expires.push_back(expire); }
  void on_mapping(const ike::sa::KernelMapping& mapping) override { mappings.push_back(mapping); }
};

std::string file_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class XfrmNetns : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::running_as_root()) GTEST_SKIP() << "needs root (network namespaces, XFRM)";
    namespace_ = std::make_unique<test::FreshNetworkNamespace>();
    ASSERT_TRUE(namespace_->entered()) << namespace_->error();
    scratch_ = std::make_unique<test::ScratchDirectory>(
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    kernel_ = open_kernel();
    ASSERT_NE(kernel_, nullptr);
  }
  void TearDown() override {
    kernel_.reset();
    namespace_.reset();
    scratch_.reset();
  }

  std::filesystem::path ledger_path() const { return scratch_->path() / "run" / "xfrm-owned"; }

  std::unique_ptr<XfrmKernel> open_kernel() {
    XfrmOptions options;
    options.ownership_ledger = ledger_path();
    options.log = [this](std::string_view line) { log_.emplace_back(line); };
    auto kernel = XfrmKernel::open(options);
    EXPECT_TRUE(kernel) << (kernel ? "" : kernel.error().reason);
    return kernel ? std::move(*kernel) : nullptr;
  }

  static ike::sa::PolicyRequest policy(ike::sa::PolicyDirection direction, std::uint32_t reqid) {
    ike::sa::PolicyRequest request;
    bool out = direction == ike::sa::PolicyDirection::out;
    request.source = selector(out ? "10.1.0.0/16" : "10.2.0.0/16");
    request.destination = selector(out ? "10.2.0.0/16" : "10.1.0.0/16");
    request.direction = direction;
    request.priority = 1000;
    request.tunnel_source = ip(out ? "192.0.2.1" : "192.0.2.2");
    request.tunnel_destination = ip(out ? "192.0.2.2" : "192.0.2.1");
    request.reqid = reqid;
    request.story = std::string(to_string(direction)) + " policy of test child";
    return request;
  }

  /// A veth link with 10.1.0.1/16 and a route to 10.2.0.0/16 over it (not
  /// loopback: the kernel never applies XFRM to loopback, NOXFRM).
  static void add_test_link() {
    for (const char* command :
         {"ip link add ikev2d-a type veth peer name ikev2d-b", "ip link set ikev2d-a up",
          "ip link set ikev2d-b up", "ip addr add 10.1.0.1/16 dev ikev2d-a",
          "ip route add 10.2.0.0/16 dev ikev2d-a src 10.1.0.1"}) {
      auto result = run_command(command);
      ASSERT_EQ(result.status, 0) << command << ": " << result.output;
    }
  }

  static std::string policies() { return run_command("ip xfrm policy").output; }
  static std::string states() { return run_command("ip xfrm state").output; }

  std::unique_ptr<test::FreshNetworkNamespace> namespace_;
  std::unique_ptr<test::ScratchDirectory> scratch_;
  std::unique_ptr<XfrmKernel> kernel_;
  std::vector<std::string> log_;
};

TEST_F(XfrmNetns, AddsAndDeletesPoliciesInEveryDirection) {
  using ike::sa::PolicyDirection;
  for (auto direction : {PolicyDirection::out, PolicyDirection::in, PolicyDirection::fwd}) {
    auto added = kernel_->add_policy(policy(direction, 11));
    ASSERT_TRUE(added) << added.error().reason;
  }
  auto listed = policies();
  EXPECT_NE(listed.find("src 10.1.0.0/16 dst 10.2.0.0/16 \n\tdir out priority 1000"),
            std::string::npos)
      << listed;
  EXPECT_NE(listed.find("src 10.2.0.0/16 dst 10.1.0.0/16 \n\tdir in priority 1000"),
            std::string::npos)
      << listed;
  EXPECT_NE(listed.find("dir fwd"), std::string::npos) << listed;
  EXPECT_NE(listed.find("tmpl src 192.0.2.1 dst 192.0.2.2\n\t\tproto esp reqid 11 mode tunnel"),
            std::string::npos)
      << listed;
  EXPECT_EQ(file_text(ledger_path()), "11\n");

  for (auto direction : {PolicyDirection::out, PolicyDirection::in, PolicyDirection::fwd}) {
    auto deleted = kernel_->delete_policy(policy(direction, 11));
    ASSERT_TRUE(deleted) << deleted.error().reason;
  }
  EXPECT_EQ(policies(), "");
}

TEST_F(XfrmNetns, ExistingAndMissingPoliciesGiveReadableErrors) {
  auto request = policy(ike::sa::PolicyDirection::out, 12);
  ASSERT_TRUE(kernel_->add_policy(request));
  auto again = kernel_->add_policy(request);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ike::Errc::io_error);
  EXPECT_EQ(again.error().reason,
            "out policy of test child: XFRM_MSG_NEWPOLICY (add policy) failed: policy already "
            "exists [EEXIST]");
  ASSERT_TRUE(kernel_->delete_policy(request));
  auto missing = kernel_->delete_policy(request);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().reason,
            "out policy of test child: XFRM_MSG_DELPOLICY (delete policy) failed: no such policy "
            "[ENOENT]");
}

TEST_F(XfrmNetns, MarkedPolicyIsFoundOnlyWithItsMark) {
  auto request = policy(ike::sa::PolicyDirection::out, 13);
  request.mark = ike::sa::Mark{0x2a, 0xff};
  ASSERT_TRUE(kernel_->add_policy(request));
  EXPECT_NE(policies().find("mark 0x2a/0xff"), std::string::npos) << policies();
  auto unmarked = request;
  unmarked.mark = {};
  EXPECT_FALSE(kernel_->delete_policy(unmarked));
  EXPECT_TRUE(kernel_->delete_policy(request));
  EXPECT_EQ(policies(), "");
}

TEST_F(XfrmNetns, RangeSelectorBecomesExactPrefixPoliciesAndGoesAway) {
  auto request = policy(ike::sa::PolicyDirection::out, 14);
  request.source = selector("10.1.0.5..10.1.0.9");
  request.destination = selector("10.2.0.0/16", IPPROTO_TCP, ike::ts::PortRange::single(443));
  ASSERT_TRUE(kernel_->add_policy(request));
  auto listed = policies();
  for (const char* expected :
       {"src 10.1.0.5/32 dst 10.2.0.0/16 proto tcp dport 443", "src 10.1.0.6/31 dst 10.2.0.0/16",
        "src 10.1.0.8/31 dst 10.2.0.0/16"}) {
    EXPECT_NE(listed.find(expected), std::string::npos) << expected << "\n" << listed;
  }
  ASSERT_TRUE(kernel_->delete_policy(request));
  EXPECT_EQ(policies(), "");
}

TEST_F(XfrmNetns, FailedPartOfASplitPolicyTakesBackTheRest) {
  auto request = policy(ike::sa::PolicyDirection::out, 15);
  request.source = selector("10.1.0.5..10.1.0.9");
  // Someone else already has the last of the three kernel policies.
  ASSERT_EQ(run_command("ip xfrm policy add src 10.1.0.8/31 dst 10.2.0.0/16 dir out priority 1000")
                .status,
            0);
  auto added = kernel_->add_policy(request);
  ASSERT_FALSE(added);
  EXPECT_NE(added.error().reason.find("policy already exists"), std::string::npos);
  auto listed = policies();
  EXPECT_EQ(listed.find("10.1.0.5/32"), std::string::npos) << listed;
  EXPECT_NE(listed.find("10.1.0.8/31"), std::string::npos) << listed;
}

TEST_F(XfrmNetns, TrapPolicyMakesTheKernelSendAnAcquireWithTheReqid) {
  add_test_link();
  auto trap = policy(ike::sa::PolicyDirection::out, 21);
  trap.trap = true;
  ASSERT_TRUE(kernel_->add_policy(trap));

  int sender = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(sender, 0);
  sockaddr_in target{};
  target.sin_family = AF_INET;
  target.sin_port = htons(53);
  ::inet_pton(AF_INET, "10.2.0.9", &target.sin_addr);
  // No SA yet: the kernel holds or drops the packet and asks for one.
  (void)::sendto(sender, "query", 5, 0, reinterpret_cast<sockaddr*>(&target), sizeof(target));
  ::close(sender);

  pollfd ready{kernel_->event_fd(), POLLIN, 0};
  ASSERT_EQ(::poll(&ready, 1, 2000), 1) << "no ACQUIRE within 2 s";
  RecordingHandler handler;
  auto read = kernel_->read_events(handler);
  ASSERT_TRUE(read) << read.error().reason;
  ASSERT_EQ(handler.acquires.size(), 1u);
  EXPECT_EQ(handler.acquires[0].reqid, 21u);
  EXPECT_EQ(handler.acquires[0].source.start_address, ip("10.1.0.1"));
  EXPECT_EQ(handler.acquires[0].destination.to_string(), "10.2.0.9/32[udp/53]");
  // Draining again finds nothing.
  RecordingHandler again;
  EXPECT_TRUE(kernel_->read_events(again));
  EXPECT_TRUE(again.acquires.empty());
}

TEST_F(XfrmNetns, AllocatesSpisInOurRangeWithTheReqid) {
  ike::sa::AllocateSpiRequest request;
  request.source = ip("192.0.2.2");
  request.destination = ip("192.0.2.1");
  request.reqid = 31;
  request.story = "allocate inbound SPI for child 'test'";
  auto first = kernel_->allocate_spi(request);
  ASSERT_TRUE(first) << first.error().reason;
  auto second = kernel_->allocate_spi(request);
  ASSERT_TRUE(second);
  EXPECT_NE(*first, *second);
  for (auto spi : {*first, *second}) {
    EXPECT_GE(spi, allocated_spi_min);
    EXPECT_LE(spi, allocated_spi_max);
  }
  char spi_text[16];
  std::snprintf(spi_text, sizeof(spi_text), "0x%08x", *first);
  auto listed = states();
  EXPECT_NE(listed.find(std::string("proto esp spi ") + spi_text + " reqid 31"), std::string::npos)
      << listed;

  ike::sa::SaKey key{ip("192.0.2.1"), *first, ike::wire::ProtocolId::esp, {}};
  auto usage = kernel_->query_sa(key);
  ASSERT_TRUE(usage) << usage.error().reason;
  EXPECT_EQ(usage->bytes, 0u);
  ASSERT_TRUE(kernel_->delete_sa(ike::sa::DeleteSaRequest{key, "remove larval SA"}));
  EXPECT_EQ(states().find(spi_text), std::string::npos);
  auto gone = kernel_->query_sa(key);
  ASSERT_FALSE(gone);
  EXPECT_NE(gone.error().reason.find("no such SA [ESRCH]"), std::string::npos)
      << gone.error().reason;
  auto delete_again = kernel_->delete_sa(ike::sa::DeleteSaRequest{key, "remove it again"});
  ASSERT_FALSE(delete_again);
  EXPECT_EQ(delete_again.error().reason,
            "remove it again: XFRM_MSG_DELSA (delete SA) failed: no such SA [ESRCH]");
}

TEST_F(XfrmNetns, EspSaOnAKernelWithoutEspFailsWithTheReadableReason) {
  ike::sa::AllocateSpiRequest allocate;
  allocate.source = ip("192.0.2.2");
  allocate.destination = ip("192.0.2.1");
  allocate.reqid = 41;
  auto spi = kernel_->allocate_spi(allocate);
  ASSERT_TRUE(spi);
  for (bool update : {true, false}) {
    ike::sa::AddSaRequest request;
    request.source = ip("192.0.2.2");
    request.destination = ip("192.0.2.1");
    request.spi = update ? *spi : 0xc1000001;
    request.update_allocated = update;
    request.reqid = 41;
    request.encryption = ike::wire::EncryptionAlgorithm::aes_gcm_16;
    request.encryption_key_bits = 128;
    request.encryption_key = ike::Bytes(20, 7);
    request.story = "install inbound ESP SA for child 'test'";
    auto added = kernel_->add_sa(request);
    if (added) GTEST_SKIP() << "this kernel has ESP";
    EXPECT_EQ(added.error().code, ike::Errc::io_error);
    EXPECT_EQ(added.error().reason.rfind("install inbound ESP SA for child 'test': XFRM_MSG_", 0),
              0u)
        << added.error().reason;
    EXPECT_NE(added.error().reason.find("kernel has no ESP support (module esp4/esp6 missing)"),
              std::string::npos)
        << added.error().reason;
  }
  // An invalid request never reaches the kernel, and still names the story.
  ike::sa::AddSaRequest invalid;
  invalid.source = ip("192.0.2.2");
  invalid.destination = ip("192.0.2.1");
  invalid.spi = 0x1234;
  invalid.encryption_key = ike::Bytes(3, 0);
  invalid.story = "install outbound ESP SA for child 'test'";
  auto refused = kernel_->add_sa(invalid);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ike::Errc::invalid_argument);
  EXPECT_EQ(refused.error().reason.rfind("install outbound ESP SA for child 'test': ", 0), 0u);
}

TEST_F(XfrmNetns, RemoveOwnedRemovesOnlyWhatTheLedgerNames) {
  // Ours: policies and a larval SA of reqid 51, left behind by a "crash".
  ASSERT_TRUE(kernel_->add_policy(policy(ike::sa::PolicyDirection::out, 51)));
  ASSERT_TRUE(kernel_->add_policy(policy(ike::sa::PolicyDirection::in, 51)));
  ike::sa::AllocateSpiRequest allocate;
  allocate.source = ip("192.0.2.2");
  allocate.destination = ip("192.0.2.1");
  allocate.reqid = 51;
  ASSERT_TRUE(kernel_->allocate_spi(allocate));
  // Not ours: an operator's policy and SA of reqid 99, and a reqid-less policy.
  ASSERT_EQ(run_command("ip xfrm policy add src 10.7.0.0/16 dst 10.8.0.0/16 dir out tmpl src "
                        "192.0.2.1 dst 192.0.2.9 proto esp reqid 99 mode tunnel")
                .status,
            0);
  ASSERT_EQ(run_command("ip xfrm policy add src 10.5.0.0/16 dst 10.6.0.0/16 dir in").status, 0);
  ASSERT_EQ(run_command("ip xfrm state allocspi src 192.0.2.9 dst 192.0.2.1 proto esp reqid 99 "
                        "mode tunnel")
                .status,
            0);
  kernel_.reset();  // the crash

  auto restarted = open_kernel();
  ASSERT_NE(restarted, nullptr);
  auto removed = restarted->remove_owned();
  ASSERT_TRUE(removed) << removed.error().reason;
  auto listed_policies = policies();
  auto listed_states = states();
  EXPECT_EQ(listed_policies.find("reqid 51"), std::string::npos) << listed_policies;
  EXPECT_EQ(listed_states.find("reqid 51"), std::string::npos) << listed_states;
  EXPECT_NE(listed_policies.find("src 10.7.0.0/16 dst 10.8.0.0/16"), std::string::npos);
  EXPECT_NE(listed_policies.find("src 10.5.0.0/16 dst 10.6.0.0/16"), std::string::npos);
  EXPECT_NE(listed_states.find("reqid 99"), std::string::npos) << listed_states;
  EXPECT_EQ(file_text(ledger_path()), "");
  ASSERT_FALSE(log_.empty());
  EXPECT_EQ(log_.back(), "remove_owned: removed 2 policies and 1 SAs of 1 reqids");
  // Nothing left to do the second time.
  EXPECT_TRUE(restarted->remove_owned());
}

TEST_F(XfrmNetns, SocketBypassAndEspInUdpOnUdpSockets) {
  for (int family : {AF_INET, AF_INET6}) {
    int fd = ::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    auto bypass = bypass_ipsec_policies(fd, family);
    EXPECT_TRUE(bypass) << bypass.error().reason;
    auto encap = enable_esp_in_udp(fd);
    EXPECT_TRUE(encap) << encap.error().reason;
    ::close(fd);
  }
  int tcp = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  auto not_udp = enable_esp_in_udp(tcp);
  ASSERT_FALSE(not_udp);
  EXPECT_NE(not_udp.error().reason.find("enabling ESP-in-UDP (UDP_ENCAP_ESPINUDP) on socket"),
            std::string::npos);
  ::close(tcp);
  auto wrong_family = bypass_ipsec_policies(0, AF_UNIX);
  ASSERT_FALSE(wrong_family);
  EXPECT_EQ(wrong_family.error().code, ike::Errc::invalid_argument);
}

TEST_F(XfrmNetns, BypassedSocketIsNotCaughtByAPolicyThatCatchesOthers) {
  // A transport policy for all traffic to the peer, with no SA: a plain
  // socket's datagram makes the kernel ask for an SA (ACQUIRE), a bypassed
  // socket's datagram leaves in the clear without asking.
  add_test_link();
  auto catch_all = policy(ike::sa::PolicyDirection::out, 61);
  catch_all.source = selector("10.1.0.1/32");
  catch_all.destination = selector("10.1.0.2/32");
  catch_all.mode = ike::sa::IpsecMode::transport;
  ASSERT_TRUE(kernel_->add_policy(catch_all));
  auto send_and_count_acquires = [this](bool bypass) {
    int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (bypass) {
      EXPECT_TRUE(bypass_ipsec_policies(fd, AF_INET));
    }
    sockaddr_in target{};
    target.sin_family = AF_INET;
    target.sin_port = htons(4500);
    ::inet_pton(AF_INET, "10.1.0.2", &target.sin_addr);
    (void)::sendto(fd, "x", 1, 0, reinterpret_cast<sockaddr*>(&target), sizeof(target));
    ::close(fd);
    pollfd ready{kernel_->event_fd(), POLLIN, 0};
    (void)::poll(&ready, 1, 500);
    RecordingHandler handler;
    EXPECT_TRUE(kernel_->read_events(handler));
    return handler.acquires.size();
  };
  EXPECT_EQ(send_and_count_acquires(true), 0u);
  EXPECT_EQ(send_and_count_acquires(false), 1u);
}

}  // namespace
}  // namespace ikev2d::xfrm
