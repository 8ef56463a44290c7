// ESP tests of the XFRM driver for the lab kernel (tests/lab/xfrm_driver_lab.sh
// runs them in ../shared/kernel-lab's UML kernel, which has esp4/esp6 and the
// AEADs). They skip unless IKEV2D_LAB=1, since the host kernel has no ESP.

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "netns_support.hpp"
#include "xfrm/xfrm_kernel.hpp"
#include "xfrm_test_support.hpp"

namespace ikev2d::xfrm {
namespace {

using ike::sa::IpsecMode;
using ike::wire::EncryptionAlgorithm;
using ike::wire::IntegrityAlgorithm;
using test::ip;
using test::run_command;
using test::selector;

bool lab_enabled() {
  const char* lab = std::getenv("IKEV2D_LAB");
  return lab != nullptr && std::string(lab) == "1";
}

struct RecordingHandler : KernelEventHandler {
  std::vector<ike::sa::KernelAcquire> acquires;
  std::vector<ike::sa::KernelExpire> expires;
  std::vector<ike::sa::KernelMapping> mappings;
  void on_acquire(const ike::sa::KernelAcquire& acquire) override { acquires.push_back(acquire); }
  void on_expire(const ike::sa::KernelExpire& expire) override { expires.push_back(expire); }
  void on_mapping(const ike::sa::KernelMapping& mapping) override { mappings.push_back(mapping); }
};

/// One ESP algorithm choice with keys of the right sizes.
struct Algorithm {
  const char* label;
  EncryptionAlgorithm encryption;
  std::uint16_t key_bits;
  std::size_t key_bytes;
  IntegrityAlgorithm integrity;
  std::size_t integrity_key_bytes;
  /// What `ip xfrm state` prints for it.
  const char* listed;
};

const Algorithm algorithms[] = {
    {"AES-GCM-128", EncryptionAlgorithm::aes_gcm_16, 128, 20, IntegrityAlgorithm::none, 0,
     "aead rfc4106(gcm(aes))"},
    {"AES-GCM-256", EncryptionAlgorithm::aes_gcm_16, 256, 36, IntegrityAlgorithm::none, 0,
     "aead rfc4106(gcm(aes))"},
    {"ChaCha20-Poly1305", EncryptionAlgorithm::chacha20_poly1305, 0, 36, IntegrityAlgorithm::none,
     0, "aead rfc7539esp(chacha20,poly1305)"},
    {"AES-CBC-128+HMAC-SHA2-256", EncryptionAlgorithm::aes_cbc, 128, 16,
     IntegrityAlgorithm::hmac_sha2_256_128, 32, "auth-trunc hmac(sha256)"},
};

ike::Bytes key_bytes(std::size_t size, std::uint8_t seed) {
  ike::Bytes key(size);
  for (std::size_t i = 0; i < size; ++i)
    key[i] = static_cast<std::uint8_t>(seed * 31 + i * 7);
  return key;
}

ike::sa::AddSaRequest sa_request(const Algorithm& algorithm, std::string_view source,
                                 std::string_view destination, std::uint32_t spi,
                                 std::uint32_t reqid, IpsecMode mode, bool encapsulate) {
  ike::sa::AddSaRequest request;
  request.source = ip(source);
  request.destination = ip(destination);
  request.spi = spi;
  request.mode = mode;
  request.reqid = reqid;
  request.encryption = algorithm.encryption;
  request.encryption_key_bits = algorithm.key_bits;
  request.encryption_key = key_bytes(algorithm.key_bytes, static_cast<std::uint8_t>(spi));
  request.integrity = algorithm.integrity;
  request.integrity_key =
      key_bytes(algorithm.integrity_key_bytes, static_cast<std::uint8_t>(spi + 1));
  if (encapsulate) request.encapsulation = ike::sa::UdpEncapsulation{4500, 4500};
  request.story = std::string("install ") + algorithm.label + " SA " + std::to_string(spi);
  return request;
}

std::string hex_spi(std::uint32_t spi) {
  char text[16];
  std::snprintf(text, sizeof(text), "0x%08x", spi);
  return text;
}

std::unique_ptr<XfrmKernel> open_kernel(const std::filesystem::path& ledger,
                                        std::vector<std::string>* log = nullptr) {
  XfrmOptions options;
  options.ownership_ledger = ledger;
  if (log) options.log = [log](std::string_view line) { log->emplace_back(line); };
  auto kernel = XfrmKernel::open(options);
  EXPECT_TRUE(kernel) << (kernel ? "" : kernel.error().reason);
  return kernel ? std::move(*kernel) : nullptr;
}

class XfrmLab : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!lab_enabled()) GTEST_SKIP() << "ESP lab test: set IKEV2D_LAB=1 in the lab kernel";
    if (!test::running_as_root()) GTEST_SKIP() << "needs root";
    namespace_ = std::make_unique<test::FreshNetworkNamespace>();
    ASSERT_TRUE(namespace_->entered()) << namespace_->error();
    scratch_ = std::make_unique<test::ScratchDirectory>(
        std::string("lab-") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    kernel_ = open_kernel(scratch_->path() / "xfrm-owned", &log_);
    ASSERT_NE(kernel_, nullptr);
  }
  void TearDown() override {
    kernel_.reset();
    namespace_.reset();
    scratch_.reset();
  }

  /// `ip -s xfrm state` (with lifetimes and counters).
  static std::string states() { return run_command("ip -s xfrm state").output; }
  /// `ip xfrm state`: plain SPI and reqid numbers.
  static std::string brief_states() { return run_command("ip xfrm state").output; }

  std::unique_ptr<test::FreshNetworkNamespace> namespace_;
  std::unique_ptr<test::ScratchDirectory> scratch_;
  std::unique_ptr<XfrmKernel> kernel_;
  std::vector<std::string> log_;
};

TEST_F(XfrmLab, InstallsEveryAlgorithmInBothModesWithAndWithoutEncapsulation) {
  std::uint32_t outbound_spi = 0xc8000000;
  for (const auto& algorithm : algorithms) {
    for (auto mode : {IpsecMode::tunnel, IpsecMode::transport}) {
      for (bool encapsulate : {false, true}) {
        SCOPED_TRACE(std::string(algorithm.label) + " " + std::string(to_string(mode)) +
                     (encapsulate ? " UDP-encapsulated" : ""));
        ike::sa::AllocateSpiRequest allocate;
        allocate.source = ip("192.0.2.2");
        allocate.destination = ip("192.0.2.1");
        allocate.reqid = 5;
        auto inbound_spi = kernel_->allocate_spi(allocate);
        ASSERT_TRUE(inbound_spi) << inbound_spi.error().reason;
        auto inbound =
            sa_request(algorithm, "192.0.2.2", "192.0.2.1", *inbound_spi, 5, mode, encapsulate);
        inbound.update_allocated = true;
        inbound.inbound = true;
        auto added_in = kernel_->add_sa(inbound);
        ASSERT_TRUE(added_in) << added_in.error().reason;
        auto outbound =
            sa_request(algorithm, "192.0.2.1", "192.0.2.2", ++outbound_spi, 5, mode, encapsulate);
        auto added_out = kernel_->add_sa(outbound);
        ASSERT_TRUE(added_out) << added_out.error().reason;

        auto listed = brief_states();
        EXPECT_NE(listed.find(algorithm.listed), std::string::npos) << listed;
        EXPECT_NE(listed.find("proto esp spi " + hex_spi(*inbound_spi) + " reqid 5 mode " +
                              std::string(to_string(mode))),
                  std::string::npos)
            << listed;
        EXPECT_EQ(listed.find("encap type espinudp sport 4500 dport 4500") != std::string::npos,
                  encapsulate)
            << listed;

        ike::sa::SaKey in_key{ip("192.0.2.1"), *inbound_spi, ike::wire::ProtocolId::esp, {}};
        ike::sa::SaKey out_key{ip("192.0.2.2"), outbound_spi, ike::wire::ProtocolId::esp, {}};
        for (const auto& key : {in_key, out_key}) {
          auto usage = kernel_->query_sa(key);
          ASSERT_TRUE(usage) << usage.error().reason;
          EXPECT_EQ(usage->packets, 0u);
          ASSERT_TRUE(kernel_->delete_sa(ike::sa::DeleteSaRequest{key, "remove test SA"}));
        }
        EXPECT_EQ(run_command("ip xfrm state").output, "");
      }
    }
  }
}

TEST_F(XfrmLab, EsnWideWindowMarkAndLifetimesReachTheKernel) {
  auto request =
      sa_request(algorithms[0], "192.0.2.1", "192.0.2.2", 0xc8100001, 6, IpsecMode::tunnel, false);
  request.extended_sequence_numbers = true;
  request.replay_window = 128;
  request.mark = ike::sa::Mark{0x17, 0xff};
  request.limits = ike::sa::SaLimits{3000, 3600, 100000000, 200000000, 0, 0};
  auto added = kernel_->add_sa(request);
  ASSERT_TRUE(added) << added.error().reason;
  auto wide =
      sa_request(algorithms[3], "192.0.2.1", "192.0.2.2", 0xc8100002, 6, IpsecMode::tunnel, false);
  wide.replay_window = 256;
  ASSERT_TRUE(kernel_->add_sa(wide));
  auto listed = states();
  EXPECT_NE(listed.find("flag af-unspec esn"), std::string::npos) << listed;
  EXPECT_NE(listed.find("mark 0x17/0xff"), std::string::npos) << listed;
  EXPECT_NE(listed.find("replay_window 128"), std::string::npos) << listed;
  EXPECT_NE(listed.find("replay_window 256"), std::string::npos) << listed;
  EXPECT_NE(listed.find("expire add: soft 3000(sec), hard 3600(sec)"), std::string::npos) << listed;
  EXPECT_NE(listed.find("soft 100000000(bytes), hard 200000000(bytes)"), std::string::npos)
      << listed;
  // Without the mark the SA is not found.
  auto unmarked = kernel_->query_sa({ip("192.0.2.2"), 0xc8100001, ike::wire::ProtocolId::esp, {}});
  EXPECT_FALSE(unmarked);
  EXPECT_TRUE(kernel_->query_sa(
      {ip("192.0.2.2"), 0xc8100001, ike::wire::ProtocolId::esp, ike::sa::Mark{0x17, 0xff}}));
}

TEST_F(XfrmLab, UpdatesAddressesAndEncapsulation) {
  for (auto mode : {IpsecMode::tunnel, IpsecMode::transport}) {
    SCOPED_TRACE(std::string(to_string(mode)));
    auto request = sa_request(algorithms[1], "192.0.2.1", "192.0.2.2", 0xc8200001, 7, mode, true);
    ASSERT_TRUE(kernel_->add_sa(request));
    ike::sa::UpdateSaAddressesRequest move;
    move.sa = {ip("192.0.2.2"), 0xc8200001, ike::wire::ProtocolId::esp, {}};
    move.new_source = ip("198.51.100.1");
    move.new_destination = ip("198.51.100.2");
    move.encapsulation = ike::sa::UdpEncapsulation{4500, 31337};
    move.story = "move SA to 198.51.100.2";
    auto moved = kernel_->update_sa_addresses(move);
    ASSERT_TRUE(moved) << moved.error().reason;
    auto listed = states();
    EXPECT_NE(listed.find("src 198.51.100.1 dst 198.51.100.2"), std::string::npos) << listed;
    EXPECT_EQ(listed.find("192.0.2.2"), std::string::npos) << listed;
    EXPECT_NE(listed.find("encap type espinudp sport 4500 dport 31337"), std::string::npos)
        << listed;
    EXPECT_NE(listed.find("aead rfc4106(gcm(aes))"), std::string::npos) << listed;
    ike::sa::SaKey new_key{ip("198.51.100.2"), 0xc8200001, ike::wire::ProtocolId::esp, {}};
    EXPECT_TRUE(kernel_->query_sa(new_key));
    auto old = kernel_->query_sa(move.sa);
    ASSERT_FALSE(old);
    EXPECT_NE(old.error().reason.find("no such SA"), std::string::npos);
    // And back, without encapsulation.
    ike::sa::UpdateSaAddressesRequest back{new_key, ip("192.0.2.1"), ip("192.0.2.2"), std::nullopt,
                                           "move SA back"};
    ASSERT_TRUE(kernel_->update_sa_addresses(back));
    EXPECT_EQ(states().find("encap type"), std::string::npos);
    ASSERT_TRUE(kernel_->delete_sa({move.sa, "remove"}));
  }
  auto missing =
      kernel_->update_sa_addresses({{ip("192.0.2.2"), 0xc82000ff, ike::wire::ProtocolId::esp, {}},
                                    ip("192.0.2.1"),
                                    ip("192.0.2.3"),
                                    std::nullopt,
                                    "move a missing SA"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().reason.rfind("move a missing SA: XFRM_MSG_GETSA", 0), 0u)
      << missing.error().reason;
}

TEST_F(XfrmLab, SoftThenHardExpireEventsArrive) {
  auto request =
      sa_request(algorithms[2], "192.0.2.1", "192.0.2.2", 0xc8300001, 8, IpsecMode::tunnel, false);
  request.mark = ike::sa::Mark{3, 0xf};
  request.limits.soft_seconds = 1;
  request.limits.hard_seconds = 2;
  ASSERT_TRUE(kernel_->add_sa(request));
  RecordingHandler handler;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(8);
  while (handler.expires.size() < 2 && std::chrono::steady_clock::now() < deadline) {
    pollfd ready{kernel_->event_fd(), POLLIN, 0};
    (void)::poll(&ready, 1, 500);
    auto read = kernel_->read_events(handler);
    ASSERT_TRUE(read) << read.error().reason;
  }
  ASSERT_EQ(handler.expires.size(), 2u);
  EXPECT_FALSE(handler.expires[0].hard);
  EXPECT_TRUE(handler.expires[1].hard);
  for (const auto& expire : handler.expires) {
    EXPECT_EQ(expire.sa.destination, ip("192.0.2.2"));
    EXPECT_EQ(expire.sa.spi, 0xc8300001u);
    EXPECT_EQ(expire.sa.mark, (ike::sa::Mark{3, 0xf}));
  }
}

TEST_F(XfrmLab, RemoveOwnedRemovesOurEspSasAndPoliciesOnly) {
  for (std::uint32_t i = 0; i < 2; ++i) {
    ASSERT_TRUE(kernel_->add_sa(sa_request(algorithms[i], "192.0.2.1", "192.0.2.2", 0xc8400001 + i,
                                           9, IpsecMode::tunnel, i == 1)));
  }
  ike::sa::PolicyRequest policy;
  policy.source = selector("10.1.0.0/16");
  policy.destination = selector("10.2.0.0/16");
  policy.tunnel_source = ip("192.0.2.1");
  policy.tunnel_destination = ip("192.0.2.2");
  policy.reqid = 9;
  ASSERT_TRUE(kernel_->add_policy(policy));
  ASSERT_EQ(run_command("ip xfrm state add src 192.0.2.1 dst 192.0.2.9 proto esp spi 0x9999 reqid "
                        "99 mode tunnel aead 'rfc4106(gcm(aes))' "
                        "0x0102030405060708090a0b0c0d0e0f1011121314 128")
                .status,
            0);
  ASSERT_EQ(run_command("ip xfrm policy add src 10.3.0.0/16 dst 10.4.0.0/16 dir out tmpl src "
                        "192.0.2.1 dst 192.0.2.9 proto esp reqid 99 mode tunnel")
                .status,
            0);
  auto removed = kernel_->remove_owned();
  ASSERT_TRUE(removed) << removed.error().reason;
  auto listed = brief_states();
  EXPECT_EQ(listed.find("reqid 9 "), std::string::npos) << listed;
  EXPECT_NE(listed.find("spi 0x00009999 reqid 99"), std::string::npos) << listed;
  auto policies = run_command("ip xfrm policy").output;
  EXPECT_EQ(policies.find("10.1.0.0/16"), std::string::npos) << policies;
  EXPECT_NE(policies.find("10.3.0.0/16"), std::string::npos) << policies;
  ASSERT_FALSE(log_.empty());
  EXPECT_EQ(log_.back(), "remove_owned: removed 1 policies and 2 SAs of 1 reqids");
}

/// Two namespaces joined by veth, each with its own driver, ESP between them.
class XfrmLabTraffic : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (!lab_enabled()) GTEST_SKIP() << "ESP lab test: set IKEV2D_LAB=1 in the lab kernel";
    if (!test::running_as_root()) GTEST_SKIP() << "needs root";
    original_ = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    auto pid = std::to_string(::getpid());
    a_ = std::make_unique<test::NamedNetworkNamespace>("ikev2d-lab-a-" + pid);
    b_ = std::make_unique<test::NamedNetworkNamespace>("ikev2d-lab-b-" + pid);
    ASSERT_TRUE(a_->ok() && b_->ok());
    for (const std::string& command :
         {"ip link add ikev2d-va netns " + a_->name() + " type veth peer name ikev2d-vb netns " +
              b_->name(),
          "ip -n " + a_->name() + " addr add 10.9.0.1/24 dev ikev2d-va",
          "ip -n " + b_->name() + " addr add 10.9.0.2/24 dev ikev2d-vb",
          "ip -n " + a_->name() + " link set ikev2d-va up",
          "ip -n " + b_->name() + " link set ikev2d-vb up",
          "ip -n " + a_->name() + " link set lo up", "ip -n " + b_->name() + " link set lo up"}) {
      auto result = run_command(command);
      ASSERT_EQ(result.status, 0) << command << ": " << result.output;
    }
    scratch_ = std::make_unique<test::ScratchDirectory>("lab-traffic");
    kernel_a_ = open_in(*a_, scratch_->path() / "a-owned");
    kernel_b_ = open_in(*b_, scratch_->path() / "b-owned");
    ASSERT_TRUE(kernel_a_ && kernel_b_);
  }
  void TearDown() override {
    for (int fd : sockets_)
      ::close(fd);
    kernel_a_.reset();
    kernel_b_.reset();
    a_.reset();
    b_.reset();
    scratch_.reset();
    if (original_ >= 0) ::close(original_);
  }

  std::unique_ptr<XfrmKernel> open_in(const test::NamedNetworkNamespace& space,
                                      const std::filesystem::path& ledger) {
    EXPECT_TRUE(test::enter_namespace(space.fd()));
    auto kernel = open_kernel(ledger);
    EXPECT_TRUE(test::enter_namespace(original_));
    return kernel;
  }

  /// A UDP socket bound to `address`:`port` inside `space`.
  int udp_socket_in(const test::NamedNetworkNamespace& space, const char* address,
                    std::uint16_t port) {
    EXPECT_TRUE(test::enter_namespace(space.fd()));
    int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    EXPECT_TRUE(test::enter_namespace(original_));
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_port = htons(port);
    ::inet_pton(AF_INET, address, &local.sin_addr);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof(local)), 0)
        << std::strerror(errno);
    sockets_.push_back(fd);
    return fd;
  }

  static std::string receive(int fd) {
    pollfd ready{fd, POLLIN, 0};
    if (::poll(&ready, 1, 3000) != 1) return "<nothing within 3 s>";
    char buffer[256];
    auto got = ::recv(fd, buffer, sizeof(buffer), 0);
    return got < 0 ? "<error>" : std::string(buffer, static_cast<std::size_t>(got));
  }

  static void send_to(int fd, const char* address, std::uint16_t port, const std::string& text) {
    sockaddr_in target{};
    target.sin_family = AF_INET;
    target.sin_port = htons(port);
    ::inet_pton(AF_INET, address, &target.sin_addr);
    EXPECT_EQ(::sendto(fd, text.data(), text.size(), 0, reinterpret_cast<sockaddr*>(&target),
                       sizeof(target)),
              static_cast<ssize_t>(text.size()))
        << std::strerror(errno);
  }

  /// SAs and policies for one direction: `from` sends with an outbound SA,
  /// `to` receives with an inbound SA whose SPI it allocated.
  void install_direction(XfrmKernel& from, XfrmKernel& to, const char* from_address,
                         const char* to_address, const Algorithm& algorithm, IpsecMode mode,
                         bool encapsulate) {
    ike::sa::AllocateSpiRequest allocate;
    allocate.source = ip(from_address);
    allocate.destination = ip(to_address);
    allocate.reqid = 1;
    auto spi = to.allocate_spi(allocate);
    ASSERT_TRUE(spi) << spi.error().reason;
    auto inbound = sa_request(algorithm, from_address, to_address, *spi, 1, mode, encapsulate);
    inbound.update_allocated = true;
    inbound.inbound = true;
    auto added_in = to.add_sa(inbound);
    ASSERT_TRUE(added_in) << added_in.error().reason;
    auto added_out =
        from.add_sa(sa_request(algorithm, from_address, to_address, *spi, 1, mode, encapsulate));
    ASSERT_TRUE(added_out) << added_out.error().reason;
    spis_.push_back(*spi);

    ike::sa::PolicyRequest out;
    out.source = selector(std::string(from_address) + "/32");
    out.destination = selector(std::string(to_address) + "/32");
    out.direction = ike::sa::PolicyDirection::out;
    out.tunnel_source = ip(from_address);
    out.tunnel_destination = ip(to_address);
    out.mode = mode;
    out.reqid = 1;
    out.story = "outbound policy";
    auto in = out;
    in.direction = ike::sa::PolicyDirection::in;
    in.story = "inbound policy";
    ASSERT_TRUE(from.add_policy(out));
    ASSERT_TRUE(to.add_policy(in));
  }

  int original_ = -1;
  std::unique_ptr<test::NamedNetworkNamespace> a_;
  std::unique_ptr<test::NamedNetworkNamespace> b_;
  std::unique_ptr<test::ScratchDirectory> scratch_;
  std::unique_ptr<XfrmKernel> kernel_a_;
  std::unique_ptr<XfrmKernel> kernel_b_;
  std::vector<int> sockets_;
  std::vector<std::uint32_t> spis_;
};

TEST_P(XfrmLabTraffic, DatagramsCrossBothWaysAndCountersMove) {
  bool encapsulate = GetParam();
  // Plain ESP in tunnel mode; ESP-in-UDP in transport mode (the case where
  // the IKE sockets need their policy bypass).
  auto mode = encapsulate ? IpsecMode::transport : IpsecMode::tunnel;
  int ike_a = -1;
  int ike_b = -1;
  if (encapsulate) {
    // The NAT-T sockets that take the ESP-in-UDP packets (RFC 3948).
    ike_a = udp_socket_in(*a_, "10.9.0.1", 4500);
    ike_b = udp_socket_in(*b_, "10.9.0.2", 4500);
    for (int fd : {ike_a, ike_b}) {
      ASSERT_TRUE(enable_esp_in_udp(fd));
      ASSERT_TRUE(bypass_ipsec_policies(fd, AF_INET));
    }
  }
  install_direction(*kernel_a_, *kernel_b_, "10.9.0.1", "10.9.0.2", algorithms[1], mode,
                    encapsulate);
  install_direction(*kernel_b_, *kernel_a_, "10.9.0.2", "10.9.0.1", algorithms[2], mode,
                    encapsulate);

  int data_a = udp_socket_in(*a_, "10.9.0.1", 9999);
  int data_b = udp_socket_in(*b_, "10.9.0.2", 9999);
  send_to(data_a, "10.9.0.2", 9999, "hello-through-esp");
  EXPECT_EQ(receive(data_b), "hello-through-esp");
  send_to(data_b, "10.9.0.1", 9999, "and-back");
  EXPECT_EQ(receive(data_a), "and-back");

  if (encapsulate) {
    // An IKE message (non-ESP marker) on the bypassed NAT-T socket crosses in
    // the clear, although the transport policy covers all traffic between us.
    send_to(ike_a, "10.9.0.2", 4500, std::string("\0\0\0\0ike", 7));
    EXPECT_EQ(receive(ike_b), std::string("\0\0\0\0ike", 7));
  }

  // a->b SA: spis_[0]; b->a SA: spis_[1]. Each side counts on both.
  struct Check {
    XfrmKernel* kernel;
    const char* destination;
    std::uint32_t spi;
  };
  for (const auto& check :
       {Check{kernel_a_.get(), "10.9.0.2", spis_[0]}, Check{kernel_b_.get(), "10.9.0.2", spis_[0]},
        Check{kernel_b_.get(), "10.9.0.1", spis_[1]},
        Check{kernel_a_.get(), "10.9.0.1", spis_[1]}}) {
    auto usage =
        check.kernel->query_sa({ip(check.destination), check.spi, ike::wire::ProtocolId::esp, {}});
    ASSERT_TRUE(usage) << usage.error().reason;
    EXPECT_GE(usage->packets, 1u) << hex_spi(check.spi);
    EXPECT_GT(usage->bytes, 0u) << hex_spi(check.spi);
  }
  auto listed = a_->ip("-s xfrm state").output;
  EXPECT_NE(listed.find(encapsulate ? "encap type espinudp" : "mode tunnel"), std::string::npos)
      << listed;

  ASSERT_TRUE(kernel_a_->remove_owned());
  ASSERT_TRUE(kernel_b_->remove_owned());
  EXPECT_EQ(a_->ip("xfrm state").output, "");
  // Only the NAT-T sockets' own bypass policies are left.
  for (const auto* space : {a_.get(), b_.get()}) {
    auto policies = space->ip("xfrm policy").output;
    EXPECT_EQ(policies.find("tmpl"), std::string::npos) << policies;
  }
}

INSTANTIATE_TEST_SUITE_P(EspAndEspInUdp, XfrmLabTraffic, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? std::string("UdpEncapsulatedTransport")
                                             : std::string("PlainTunnel");
                         });

}  // namespace
}  // namespace ikev2d::xfrm
