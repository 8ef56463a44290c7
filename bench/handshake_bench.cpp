/// Complete IKE_SA_INIT + IKE_AUTH handshakes (with one CHILD SA) between two
/// in-process engines: handshakes per second, the heap held per established
/// IKE SA, and the cost of the cryptography alone, so the protocol's own
/// overhead shows as a ratio. No sockets, no kernel (a null kernel answers).

#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "ike/crypto/key_exchange.hpp"
#include "ike/crypto/pki/signature.hpp"
#include "ike/proposal/parser.hpp"
#include "ike/sa/engine.hpp"
#include "ike/sa/null_kernel.hpp"
#include "ike/ts/subnet_syntax.hpp"
#include "support/bench_pki.hpp"
#include "support/heap_counter.hpp"

namespace ike::bench {
namespace {

class QuietEvents final : public sa::EventSink {
 public:
  void publish(const sa::Event& event) override {
    if (event.kind == sa::EventKind::ike_up) ++ike_up;
    if (event.kind == sa::EventKind::child_up) ++child_up;
    if (event.kind == sa::EventKind::failed) {
      std::fprintf(stderr, "handshake failed: %s\n", event.message.c_str());
      std::abort();
    }
  }
  std::size_t ike_up = 0;
  std::size_t child_up = 0;
};

class BenchCredentials final : public sa::Credentials {
 public:
  std::optional<crypto::SecretBytes> shared_key(const pki::Identity&,
                                                const pki::Identity&) const override {
    return crypto::SecretBytes(as_bytes("benchmark-psk-0123456789"));
  }
  pki::Signer* signer(const sa::Connection&) const override { return own_signer.get(); }
  const pki::TrustStore* trust_store() const override { return trust; }
  std::unique_ptr<pki::Signer> own_signer;
  const pki::TrustStore* trust = nullptr;
};

enum class Case { psk_x25519, ecdsa_p256_x25519, rsa_2048_ecp256 };

const char* case_name(Case c) {
  switch (c) {
    case Case::psk_x25519:
      return "PSK + x25519";
    case Case::ecdsa_p256_x25519:
      return "ECDSA P-256 certs + x25519";
    case Case::rsa_2048_ecp256:
      return "RSA-2048 certs + ecp256";
  }
  return "?";
}

const char* ike_proposal(Case c) {
  return c == Case::rsa_2048_ecp256 ? "aes256gcm16-prfsha256-ecp256!"
                                    : "aes256gcm16-prfsha256-x25519!";
}

std::unique_ptr<pki::Signer> signer_for(const pki::EvpPkeyPtr& key) {
  EVP_PKEY_up_ref(key.get());
  auto parsed = pki::PrivateKey::from_evp(pki::EvpPkeyPtr(key.get()), "bench key");
  if (!parsed) std::abort();
  return std::make_unique<pki::InProcessSigner>(std::move(*parsed));
}

struct Side {
  explicit Side(sa::EngineSettings settings = {})
      : engine(settings, random, kernel, events, credentials) {}
  SystemRandom random;
  sa::NullKernel kernel;
  QuietEvents events;
  BenchCredentials credentials;
  sa::Engine engine;
};

/// `host` tells the initiator's connections apart: each protects its own
/// host behind west (10.2.x.y/32, as road warriors do), since the kernel holds
/// one policy per selector pair.
std::shared_ptr<sa::Connection> connection(Case c, const std::string& name, bool west,
                                           const BenchPki* pki, std::size_t host = 0) {
  auto conn = std::make_shared<sa::Connection>();
  conn->name = name;
  conn->local_address = *IpAddress::parse(west ? "10.0.0.2" : "10.0.0.1");
  conn->remote_address = *IpAddress::parse(west ? "10.0.0.1" : "10.0.0.2");
  conn->local_id = *pki::Identity::parse(west ? "west.example" : "east.example");
  conn->remote_id = *pki::Identity::parse(west ? "east.example" : "west.example");
  conn->ike_proposals =
      proposal::parse_proposals(ike_proposal(c), wire::ProtocolId::ike)->proposals;
  if (pki) {
    conn->local_auth = conn->remote_auth = sa::AuthClass::pubkey;
    conn->local_certificates = {west ? pki->west_certificate : pki->east_certificate};
    conn->send_certificate = sa::SendCert::always;
  }
  sa::ChildConfig child;
  child.name = "net";
  std::string west_host =
      "10.2." + std::to_string(host / 256 % 256) + "." + std::to_string(host % 256) + "/32";
  child.local_ts = *ts::parse_subnet_list(west ? west_host : "10.1.0.0/16");
  child.remote_ts = *ts::parse_subnet_list(west ? "10.1.0.0/16" : "10.2.0.0/16");
  child.esp_proposals = proposal::parse_proposals("aes256gcm16!", wire::ProtocolId::esp)->proposals;
  conn->children.push_back(child);
  return conn;
}

const BenchPki* pki_for(Case c) {
  static const auto ecdsa = make_bench_pki(BenchKey::ecdsa_p256);
  static const auto rsa = make_bench_pki(BenchKey::rsa_2048);
  switch (c) {
    case Case::psk_x25519:
      return nullptr;
    case Case::ecdsa_p256_x25519:
      return ecdsa.get();
    case Case::rsa_2048_ecp256:
      return rsa.get();
  }
  return nullptr;
}

/// Two engines; the initiator has `west_connections` identical connections
/// (c0, c1, ...) so that each initiate() makes a new IKE SA.
struct Pair {
  Pair(Case c, std::size_t west_connections) : kind(c) {
    make_east();
    make_west(west_connections);
  }
  Pair(Case c) : kind(c) {}
  void make_east() {
    const auto* pki = pki_for(kind);
    east = std::make_unique<Side>();
    if (pki) {
      east->credentials.own_signer = signer_for(pki->east_key);
      east->credentials.trust = &pki->trust;
    }
    // Certificates are checked for validity at this time.
    east->engine.set_wall_time(std::chrono::system_clock::now());
    east->engine.add_connection(connection(kind, "office", false, pki));
  }
  void make_west(std::size_t connections) {
    const auto* pki = pki_for(kind);
    west = std::make_unique<Side>();
    if (pki) {
      west->credentials.own_signer = signer_for(pki->west_key);
      west->credentials.trust = &pki->trust;
    }
    west->engine.set_wall_time(std::chrono::system_clock::now());
    for (std::size_t i = 0; i < connections; ++i) {
      west->engine.add_connection(connection(kind, "c" + std::to_string(i), true, pki, i));
    }
  }
  void pump(MonoTime now) {
    for (bool progress = true; progress;) {
      progress = false;
      while (auto out = west->engine.poll_transmit()) {
        east->engine.handle_datagram(sa::Datagram{out->remote, out->local, std::move(out->bytes)},
                                     now);
        progress = true;
      }
      while (auto out = east->engine.poll_transmit()) {
        west->engine.handle_datagram(sa::Datagram{out->remote, out->local, std::move(out->bytes)},
                                     now);
        progress = true;
      }
    }
  }
  Case kind;
  std::unique_ptr<Side> west;
  std::unique_ptr<Side> east;
};

void BM_Handshake(benchmark::State& state) {
  auto c = static_cast<Case>(state.range(0));
  Pair pair(c, 1);
  MonoTime now{};
  for (auto _ : state) {
    if (!pair.west->engine.initiate("c0", "", now)) std::abort();
    pair.pump(now);
    state.PauseTiming();
    (void)pair.west->engine.terminate("c0", now);
    pair.pump(now);
    state.ResumeTiming();
  }
  if (pair.east->events.child_up != static_cast<std::size_t>(state.iterations())) std::abort();
  state.counters["handshakes/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetLabel(case_name(c));
}

/// The cryptography one handshake needs, nothing else: two key pairs and two
/// shared secrets, and for certificates two AUTH signatures and four
/// verifications (two AUTH values, two end-entity certificates).
void BM_CryptoOnly(benchmark::State& state) {
  auto c = static_cast<Case>(state.range(0));
  SystemRandom random;
  auto group = c == Case::rsa_2048_ecp256 ? wire::KeGroup::ecp256 : wire::KeGroup::curve25519;
  const auto* pki = pki_for(c);
  std::unique_ptr<pki::Signer> signer = pki ? signer_for(pki->west_key) : nullptr;
  auto scheme = c == Case::rsa_2048_ecp256 ? pki::SignatureScheme::rsa_pss_sha256
                                           : pki::SignatureScheme::ecdsa_sha256;
  Bytes octets(400, 0x5a);
  for (auto _ : state) {
    auto a = crypto::KeyExchange::create(group, random);
    auto b = crypto::KeyExchange::create(group, random);
    auto s1 = (*a)->shared_secret((*b)->public_value());
    auto s2 = (*b)->shared_secret((*a)->public_value());
    benchmark::DoNotOptimize(s1);
    benchmark::DoNotOptimize(s2);
    if (signer) {
      for (int i = 0; i < 2; ++i) {
        auto signature = signer->sign(octets, scheme);
        for (int j = 0; j < 2; ++j) {
          auto ok = pki::verify_signature(pki->west_certificate->public_key(), scheme, octets,
                                          *signature);
          if (!ok) std::abort();
        }
      }
    }
  }
  state.counters["handshakes/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetLabel(case_name(c));
}

BENCHMARK(BM_Handshake)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond)->MinTime(2.0);
BENCHMARK(BM_CryptoOnly)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

/// Heap held per established IKE SA with one CHILD SA, measured over `count`
/// SAs: for both peers together, and for the responder alone (by freeing the
/// initiator's engine and seeing what the responder still holds).
void report_heap_per_sa(Case c, std::size_t count) {
  MonoTime now{};
  Pair pair(c);
  pki_for(c);
  std::size_t before_east = live_heap_bytes();
  pair.make_east();
  std::size_t east_empty = live_heap_bytes();
  pair.make_west(count);
  // Warm-up: the first handshake fills caches (parsed certificates, fetched algorithms).
  if (!pair.west->engine.initiate("c0", "", now)) std::abort();
  pair.pump(now);
  std::size_t warm = live_heap_bytes();
  for (std::size_t i = 1; i < count; ++i) {
    if (!pair.west->engine.initiate("c" + std::to_string(i), "", now)) std::abort();
    pair.pump(now);
  }
  std::size_t established = live_heap_bytes();
  if (pair.east->events.child_up != count) std::abort();
  pair.west.reset();
  std::size_t responder_only = live_heap_bytes();
  double both = static_cast<double>(established - warm) / static_cast<double>(count - 1);
  double responder = static_cast<double>(responder_only - east_empty) / static_cast<double>(count);
  std::printf(
      "heap per IKE SA + 1 CHILD SA, %-27s: responder %6.0f B, initiator %6.0f B, both %6.0f B "
      "(%zu SAs; responder engine empty: %zu B)\n",
      case_name(c), responder, both - responder, both, count, east_empty - before_east);
}

}  // namespace
}  // namespace ike::bench

int main(int argc, char** argv) {
  ike::bench::install_openssl_allocator();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  for (auto c : {ike::bench::Case::psk_x25519, ike::bench::Case::ecdsa_p256_x25519,
                 ike::bench::Case::rsa_2048_ecp256}) {
    ike::bench::report_heap_per_sa(c, 2001);
  }
  return 0;
}
