// The load driver against an in-process responder engine, joined by a link
// that delays each datagram by exactly 1 ms on a manual clock: counts,
// latencies (from the samples: 4 hops = 4 ms for a plain handshake), COOKIE
// and INVALID_KE retries counted as established, refused CHILD SAs counted
// apart from IKE SAs, rekey, delete and the per-operation timeout.

#include <gtest/gtest.h>

#include <deque>

#include "ike/crypto/pki/certificate.hpp"
#include "ike/crypto/pki/private_key.hpp"
#include "ike/crypto/pki/signature.hpp"
#include "ike/crypto/pki/trust_store.hpp"
#include "ike/proposal/defaults.hpp"
#include "ike/proposal/parser.hpp"
#include "ike/sa/engine.hpp"
#include "ike/sa/null_kernel.hpp"
#include "ike/ts/subnet_syntax.hpp"
#include "load/load_driver.hpp"
#include "load/load_threads.hpp"
#include "support/engine_fixtures.hpp"
#include "support/test_random.hpp"

namespace ikev2d::load {
namespace {

using ike::MonoTime;
using std::chrono::milliseconds;

constexpr const char* kPsk = "load-test-psk-0123456789abcdef";

/// A responder kernel without ESP, as on the host: every SA add fails.
class NoEspKernel final : public ike::sa::Kernel {
 public:
  ike::Result<std::uint32_t> allocate_spi(const ike::sa::AllocateSpiRequest& r) override {
    return inner_.allocate_spi(r);
  }
  ike::Status add_sa(const ike::sa::AddSaRequest&) override {
    return ike::make_error(ike::Errc::io_error, "kernel has no ESP support");
  }
  ike::Status update_sa_addresses(const ike::sa::UpdateSaAddressesRequest& r) override {
    return inner_.update_sa_addresses(r);
  }
  ike::Status delete_sa(const ike::sa::DeleteSaRequest& r) override { return inner_.delete_sa(r); }
  ike::Status add_policy(const ike::sa::PolicyRequest& r) override { return inner_.add_policy(r); }
  ike::Status delete_policy(const ike::sa::PolicyRequest& r) override {
    return inner_.delete_policy(r);
  }
  ike::Result<ike::sa::SaUsage> query_sa(const ike::sa::SaKey& sa) override {
    return inner_.query_sa(sa);
  }

 private:
  ike::sa::NullKernel inner_{0xd0000000};
};

struct ResponderOptions {
  ike::sa::EngineSettings settings{};
  std::string ike_proposals;  ///< empty: the defaults we accept
  bool no_esp = false;
  bool silent = false;  ///< drops everything it would send
  /// Authenticates with tests/vectors/pki's east certificate instead of the PSK.
  bool certificates = false;
};

const std::string kPki = std::string(IKE_SHARED_VECTORS_DIR) + "/pki/";

/// Initiator driver + responder engine + a 1 ms link, on a manual clock.
class LoadRun {
 public:
  LoadRun(std::vector<std::string_view> arguments, ResponderOptions responder = {})
      : responder_options_(responder), random_(7) {
    auto options = parse_load_options(arguments);
    EXPECT_TRUE(options) << options.error().reason;
    options_ = *options;
    auto setup = prepare_load(options_);
    EXPECT_TRUE(setup) << setup.error().reason;
    credentials_.set_psk(kPsk);
    if (responder.certificates) {
      auto ca = ike::pki::load_certificate_file(kPki + "ca.crt");
      EXPECT_TRUE(ca && trust_.add_ca(*ca));
      auto key = ike::pki::load_private_key_file(kPki + "east.key");
      EXPECT_TRUE(key);
      credentials_.set_signer(std::make_unique<ike::pki::InProcessSigner>(std::move(*key)));
      credentials_.set_trust_store(&trust_);
    }
    if (responder.no_esp) {
      kernel_ = std::make_unique<NoEspKernel>();
    } else {
      kernel_ = std::make_unique<ike::sa::NullKernel>(0xd0000000);
    }
    responder_ = std::make_unique<ike::sa::Engine>(responder.settings, random_, *kernel_, events_,
                                                   credentials_);
    responder_->add_connection(
        responder_connection(responder.ike_proposals, responder.certificates));
    driver_ = std::make_unique<LoadDriver>(driver_settings(options_), setup->connections,
                                           setup->credentials, ike::sa::EngineSettings{},
                                           [this] { return now_; });
  }

  /// Runs until the driver finished; false if it did not within `bound`.
  bool run(ike::Duration bound = ike::minutes(10)) {
    MonoTime end = now_ + bound;
    driver_->start(now_, wall());
    while (!driver_->finished()) {
      collect();
      auto next = next_event();
      if (!next || *next > end) return false;
      now_ = std::max(now_, *next);
      deliver_due();
      if (auto d = driver_->next_deadline(); d && *d <= now_) driver_->handle_timeout(now_, wall());
      if (auto d = responder_->next_deadline(); d && *d <= now_) responder_->handle_timeout(now_);
    }
    // Let the last Delete responses arrive.
    collect();
    while (!link_.empty()) {
      now_ = std::max(now_, link_.front().at);
      deliver_due();
      collect();
    }
    return true;
  }

  LoadReport report() const { return driver_->report(); }
  const LoadDriver& driver() const { return *driver_; }
  std::size_t responder_ike_sas() const { return responder_->ike_sas().size(); }
  std::size_t initiator_ike_sas() const { return driver_->engine().ike_sas().size(); }
  const ike::test::EventRecorder& responder_events() const { return events_; }

 private:
  struct InTransit {
    MonoTime at;
    bool to_responder;
    ike::sa::Datagram datagram;
  };

  static ike::WallTime wall() { return std::chrono::system_clock::now(); }

  ike::sa::ConnectionPtr responder_connection(const std::string& ike_text, bool certificates) {
    auto connection = std::make_shared<ike::sa::Connection>();
    connection->name = "rw";
    connection->local_address = options_.responder.address;
    connection->remote_address = ike::IpAddress();  // %any
    connection->local_id = *ike::pki::Identity::parse("@responder.example");
    if (certificates) {
      auto east = *ike::pki::load_certificate_file(kPki + "east.crt");
      connection->local_id = ike::pki::Identity::dn(east->subject_der());
      connection->local_auth = ike::sa::AuthClass::pubkey;
      connection->remote_auth = ike::sa::AuthClass::pubkey;
      connection->local_certificates = {east};
      connection->send_certificate = ike::sa::SendCert::always;
    }
    ike::proposal::ProposalConfig ike_config;
    if (!ike_text.empty())
      ike_config = *ike::proposal::parse_proposals(ike_text, ike::wire::ProtocolId::ike);
    connection->ike_proposals =
        ike::proposal::proposals_for(ike_config, ike::proposal::DefaultsUse::accept);
    ike::sa::ChildConfig child;
    child.name = "rw";
    child.local_ts = ike::ts::default_side_selectors();
    child.remote_ts = ike::ts::default_side_selectors();
    ike::proposal::ProposalConfig esp_config;
    esp_config.protocol = ike::wire::ProtocolId::esp;
    child.esp_proposals =
        ike::proposal::proposals_for(esp_config, ike::proposal::DefaultsUse::accept);
    // Several ports of one address: same selectors, one policy table.
    child.install_policy = false;
    connection->children.push_back(child);
    return connection;
  }

  /// Puts what both sides want to send on the link, 1 ms away.
  void collect() {
    while (auto out = driver_->poll_transmit())
      link_.push_back({now_ + milliseconds(1), true, std::move(*out)});
    while (auto out = responder_->poll_transmit()) {
      if (responder_options_.silent) continue;
      link_.push_back({now_ + milliseconds(1), false, std::move(*out)});
    }
  }

  void deliver_due() {
    while (!link_.empty() && link_.front().at <= now_) {
      auto entry = std::move(link_.front());
      link_.pop_front();
      // The receiver sees the sender's endpoints swapped.
      std::swap(entry.datagram.local, entry.datagram.remote);
      if (entry.to_responder) {
        responder_->set_wall_time(wall());
        responder_->handle_datagram(entry.datagram, now_);
      } else {
        driver_->handle_datagram(entry.datagram, now_, wall());
      }
      collect();
    }
  }

  std::optional<MonoTime> next_event() const {
    std::optional<MonoTime> next;
    auto consider = [&next](std::optional<MonoTime> t) {
      if (t && (!next || *t < *next)) next = t;
    };
    if (!link_.empty()) consider(link_.front().at);
    consider(driver_->next_deadline());
    consider(responder_->next_deadline());
    return next;
  }

  ResponderOptions responder_options_;
  LoadOptions options_;
  MonoTime now_ = MonoTime{} + ike::hours(1);
  ike::test::SeededRandom random_;
  std::unique_ptr<ike::sa::Kernel> kernel_;
  ike::test::EventRecorder events_;
  ike::pki::TrustStore trust_;
  ike::test::MemoryCredentials credentials_;
  std::unique_ptr<ike::sa::Engine> responder_;
  std::unique_ptr<LoadDriver> driver_;
  std::deque<InTransit> link_;
};

std::vector<std::string_view> base_arguments() {
  return {"10.99.0.2", "--from", "10.77.0.1-10.77.0.4", "--ports", "2", "--psk", kPsk};
}

std::vector<std::string_view> with(std::vector<std::string_view> extra) {
  auto arguments = base_arguments();
  arguments.insert(arguments.end(), extra.begin(), extra.end());
  return arguments;
}

TEST(LoadDriver, EstablishesRekeysAndDeletesEveryIkeSa) {
  LoadRun run(with({"--count", "20", "--concurrency", "5", "--rekey", "--down"}));
  ASSERT_TRUE(run.run());
  auto report = run.report();
  EXPECT_EQ(report.requested, 20u);
  EXPECT_EQ(report.ike.attempted, 20u);
  EXPECT_EQ(report.ike.succeeded, 20u);
  EXPECT_EQ(report.ike.failed, 0u) << to_text(report);
  EXPECT_EQ(report.child.succeeded, 20u);
  EXPECT_EQ(report.child.failed, 0u);
  // IKE_SA_INIT and IKE_AUTH: four 1-ms hops, for every sample.
  EXPECT_EQ(report.ike_latency.count, 20u);
  EXPECT_DOUBLE_EQ(report.ike_latency.p50_ms, 4);
  EXPECT_DOUBLE_EQ(report.ike_latency.p99_ms, 4);
  EXPECT_DOUBLE_EQ(report.child_latency.max_ms, 4);
  // 5 at a time, 4 ms each: 4 rounds, 16 ms.
  EXPECT_DOUBLE_EQ(report.establish_seconds, 0.016);
  EXPECT_DOUBLE_EQ(report.handshakes_per_second, 1250);
  EXPECT_EQ(report.rekey.attempted, 20u);
  EXPECT_EQ(report.rekey.succeeded, 20u);
  EXPECT_EQ(report.rekey.failed, 0u);
  EXPECT_EQ(report.down.succeeded, 20u);
  EXPECT_EQ(report.ike_lost, 0u);
  EXPECT_EQ(run.responder_ike_sas(), 0u);
  EXPECT_EQ(run.initiator_ike_sas(), 0u);
}

// --threads: one report from several drivers (load_threads.hpp).
TEST(LoadDriver, ReportsOfSeveralDriversCombine) {
  LoadRun fast(with({"--count", "20", "--concurrency", "5"}));
  ResponderOptions refusing;
  refusing.no_esp = true;
  LoadRun slow(with({"--count", "8", "--concurrency", "1"}), refusing);
  ASSERT_TRUE(fast.run());
  ASSERT_TRUE(slow.run());
  auto combined = combine_reports({&fast.driver(), &slow.driver()});
  EXPECT_EQ(combined.requested, 28u);
  EXPECT_EQ(combined.ike.attempted, 28u);
  EXPECT_EQ(combined.ike.succeeded, 28u);
  EXPECT_EQ(combined.child.succeeded, 20u);
  EXPECT_EQ(combined.child.failed, 8u);
  EXPECT_EQ(combined.child.failures, slow.report().child.failures);
  // Every sample of both: 4 ms each.
  EXPECT_EQ(combined.ike_latency.count, 28u);
  EXPECT_DOUBLE_EQ(combined.ike_latency.p99_ms, 4);
  EXPECT_EQ(combined.child_latency.count, 20u);
  // The slower driver's 8 rounds of 4 ms set the duration of the phase.
  EXPECT_DOUBLE_EQ(combined.establish_seconds, 0.032);
  EXPECT_DOUBLE_EQ(combined.handshakes_per_second, 28 / 0.032);
}

TEST(LoadDriver, CookiesAreAnsweredAndCountedAsEstablished) {
  ResponderOptions responder;
  responder.settings.cookie_threshold = 0;  // every IKE_SA_INIT gets a COOKIE first
  LoadRun run(with({"--count", "8"}), responder);
  ASSERT_TRUE(run.run());
  auto report = run.report();
  EXPECT_EQ(report.ike.succeeded, 8u) << to_text(report);
  EXPECT_EQ(report.ike.failed, 0u);
  EXPECT_EQ(report.cookies_received, 8u);
  EXPECT_NE(to_text(report).find("COOKIE answers (responder asked for cookies): 8"),
            std::string::npos);
  EXPECT_NE(to_json(report).find("\"cookies_received\":8"), std::string::npos);
  // One more round trip for the cookie.
  EXPECT_DOUBLE_EQ(report.ike_latency.p50_ms, 6);
}

TEST(LoadDriver, InvalidKePayloadIsAnsweredAndCountedAsEstablished) {
  ResponderOptions responder;
  responder.ike_proposals = "aes128gcm16-prfsha256-ecp256!";
  LoadRun run(
      with({"--count", "8", "--ike", "aes128gcm16-prfsha256-x25519,aes128gcm16-prfsha256-ecp256!"}),
      responder);
  ASSERT_TRUE(run.run());
  auto report = run.report();
  EXPECT_EQ(report.ike.succeeded, 8u) << to_text(report);
  EXPECT_EQ(report.ike.failed, 0u);
  EXPECT_DOUBLE_EQ(report.ike_latency.p50_ms, 6);
}

TEST(LoadDriver, RefusedChildSasAreCountedApartFromIkeSas) {
  ResponderOptions responder;
  responder.no_esp = true;
  LoadRun run(with({"--count", "6", "--down"}), responder);
  ASSERT_TRUE(run.run());
  auto report = run.report();
  EXPECT_EQ(report.ike.succeeded, 6u) << to_text(report);
  EXPECT_EQ(report.ike.failed, 0u);
  EXPECT_EQ(report.child.attempted, 6u);
  EXPECT_EQ(report.child.succeeded, 0u);
  EXPECT_EQ(report.child.failed, 6u);
  ASSERT_EQ(report.child.failures.size(), 1u);
  EXPECT_NE(report.child.failures.begin()->first.find("NO_PROPOSAL_CHOSEN"), std::string::npos)
      << report.child.failures.begin()->first;
  EXPECT_EQ(report.ike_latency.count, 6u);
  EXPECT_EQ(report.child_latency.count, 0u);
  EXPECT_EQ(report.down.succeeded, 6u);
  EXPECT_EQ(run.responder_ike_sas(), 0u);
}

TEST(LoadDriver, CertificatesFromFilesAuthenticateBothSides) {
  ResponderOptions responder;
  responder.certificates = true;
  std::string cert = kPki + "west.crt";
  std::string key = kPki + "west.key";
  std::string ca = kPki + "ca.crt";
  LoadRun run({"10.99.0.2", "--from", "10.77.0.1-10.77.0.2", "--cert", cert, "--key", key, "--ca",
               ca, "--count", "4", "--down"},
              responder);
  ASSERT_TRUE(run.run());
  auto report = run.report();
  EXPECT_EQ(report.ike.succeeded, 4u) << to_text(report);
  EXPECT_EQ(report.child.succeeded, 4u);
  EXPECT_EQ(report.down.succeeded, 4u);
  EXPECT_EQ(run.responder_ike_sas(), 0u);
}

TEST(LoadDriver, UnreadableFilesAreReportedByOption) {
  LoadOptions options;
  options.auth = AuthMode::certificate;
  options.cert_file = "/nonexistent/west.crt";
  options.key_file = kPki + "west.key";
  options.ca_files = {kPki + "ca.crt"};
  options.sources = {*ike::IpAddress::parse("10.77.0.1")};
  auto setup = prepare_load(options);
  ASSERT_FALSE(setup);
  EXPECT_TRUE(setup.error().reason.starts_with("--cert: ")) << setup.error().reason;
  options.cert_file = kPki + "east.crt";
  setup = prepare_load(options);
  ASSERT_FALSE(setup);
  EXPECT_TRUE(setup.error().reason.starts_with("--key: ")) << setup.error().reason;
  options.auth = AuthMode::psk;
  options.psk = "x";
  options.ike_proposals = "aes128-sha265-modp3072";
  setup = prepare_load(options);
  ASSERT_FALSE(setup);
  EXPECT_TRUE(setup.error().reason.starts_with("--ike: ")) << setup.error().reason;
}

TEST(LoadDriver, RateSpacesTheInitiations) {
  // 500 per second: one every 2 ms, each done 4 ms after it started.
  LoadRun run(with({"--count", "10", "--rate", "500"}));
  ASSERT_TRUE(run.run());
  auto report = run.report();
  EXPECT_EQ(report.ike.succeeded, 10u);
  EXPECT_DOUBLE_EQ(report.establish_seconds, 0.018 + 0.004);
  EXPECT_DOUBLE_EQ(report.ike_latency.max_ms, 4);
}

TEST(LoadDriver, UnansweredHandshakesTimeOut) {
  ResponderOptions responder;
  responder.silent = true;
  LoadRun run(with({"--count", "3", "--timeout", "5"}), responder);
  ASSERT_TRUE(run.run());
  auto report = run.report();
  EXPECT_EQ(report.ike.succeeded, 0u);
  EXPECT_EQ(report.ike.failed, 3u);
  EXPECT_EQ(report.ike.failures.at("timed out after 5 s"), 3u);
  EXPECT_EQ(report.ike_latency.count, 0u);
}

TEST(LoadDriver, ReportAsJson) {
  LoadRun run(with({"--count", "2"}));
  ASSERT_TRUE(run.run());
  auto json = to_json(run.report());
  EXPECT_NE(json.find("\"established\":2"), std::string::npos) << json;
  EXPECT_NE(json.find("\"failed\":0"), std::string::npos) << json;
  EXPECT_NE(json.find("\"p99_ms\":4.0"), std::string::npos) << json;
}

}  // namespace
}  // namespace ikev2d::load
