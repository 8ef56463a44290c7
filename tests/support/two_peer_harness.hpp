#pragma once
/// Two engines in one process joined by a link that can drop, duplicate,
/// reorder, delay and corrupt datagrams, with a manual clock (STYLE.md 11).
///
///   test::TwoPeerHarness h;                 // peer a = "west", peer b = "east"
///   auto [west, east] = test::psk_connection_pair("office");
///   h.add_connections(west, east);
///   h.a().engine.initiate("office", "", h.now());
///   h.deliver_all();                        // no time passes
///   h.link().drop_next(test::Side::a);      // scripted loss
///   h.run_until_quiet(minutes(5));          // deliver + advance to deadlines
///
/// Everything is deterministic: each peer's RandomSource, the kernels' SPIs
/// and the link's impairment decisions come from seeds in HarnessOptions.

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "ike/sa/engine.hpp"
#include "ike/wire/header.hpp"
#include "support/engine_fixtures.hpp"
#include "support/fake_kernel.hpp"
#include "support/test_random.hpp"

namespace ike::test {

enum class Side : std::uint8_t { a, b };
inline Side other(Side side) noexcept {
  return side == Side::a ? Side::b : Side::a;
}
std::string_view to_string(Side side) noexcept;

/// One engine with all its test doubles.
struct HarnessPeer {
  HarnessPeer(std::uint64_t seed, std::uint32_t first_kernel_spi, sa::EngineSettings settings);
  ScriptedRandom random;
  FakeKernel kernel;
  EventRecorder events;
  MemoryCredentials credentials;
  sa::Engine engine;
};

/// Random impairments applied to every datagram entering the link, in this
/// order: drop, corrupt, duplicate; then a delay in [delay, delay + jitter].
/// `reorder` is the chance that a delivery picks a later deliverable datagram
/// instead of the oldest one.
struct LinkImpairments {
  double drop = 0;
  double duplicate = 0;
  double reorder = 0;
  double corrupt = 0;
  Duration delay = Duration::zero();
  Duration jitter = Duration::zero();
};

/// What happened to a datagram that entered the link.
enum class Fate : std::uint8_t { delivered, dropped, pending };
std::string_view to_string(Fate fate) noexcept;

/// One datagram as it left an engine: for assertions on timing and content.
struct TraceEntry {
  std::uint64_t id = 0;  ///< increasing; a duplicate has its own id
  Side from = Side::a;
  MonoTime sent_at{};
  std::optional<MonoTime> delivered_at;
  Fate fate = Fate::pending;
  bool corrupted = false;
  bool duplicate = false;  ///< a copy the link made
  std::size_t size = 0;
  /// Header fields when the bytes (as sent, before corruption) have one.
  std::optional<wire::IkeHeader> header;
  std::string describe() const;
};

/// A decision a test takes per datagram leaving `from`, before random
/// impairments: e.g. drop every IKE_AUTH response.
enum class LinkAction : std::uint8_t { pass, drop, corrupt, duplicate };
using LinkFilter = std::function<LinkAction(Side from, const TraceEntry& entry, ByteView bytes)>;

class Link {
 public:
  explicit Link(std::uint64_t seed) : prng_(seed) {}

  LinkImpairments impairments;
  /// Drop the next `count` datagrams sent by `from` (scripted loss).
  void drop_next(Side from, int count = 1) { scripted_drop_[index(from)] += count; }
  /// Flip one bit in the next `count` datagrams sent by `from`.
  void corrupt_next(Side from, int count = 1) { scripted_corrupt_[index(from)] += count; }
  /// Deliver the next datagram sent by `from` twice.
  void duplicate_next(Side from, int count = 1) { scripted_duplicate_[index(from)] += count; }
  /// While down, everything sent by `from` is lost (a dead or unplugged peer).
  void set_down(Side from, bool down) { down_[index(from)] = down; }
  void set_down(bool down) { down_ = {down, down}; }
  void set_filter(LinkFilter filter) { filter_ = std::move(filter); }

  /// Puts a datagram sent by `from` at `now` on the link.
  void send(Side from, sa::Datagram datagram, MonoTime now);
  /// Datagrams on the link, deliverable now or later.
  std::size_t in_flight() const noexcept { return queue_.size(); }
  std::optional<MonoTime> next_delivery() const;
  struct Delivery {
    Side to;
    sa::Datagram datagram;  ///< already addressed for the receiver
  };
  /// Takes one datagram deliverable at `now` (the oldest, unless reordered).
  std::optional<Delivery> take(MonoTime now);
  /// Drops everything on the link.
  void clear();

  const std::vector<TraceEntry>& trace() const noexcept { return trace_; }
  /// Entries sent by `from` matching the exchange/response (nullopt: any).
  std::vector<TraceEntry> sent_by(Side from, std::optional<wire::ExchangeType> exchange = {},
                                  std::optional<bool> response = {}) const;
  std::size_t count(Fate fate) const;
  std::string dump() const;

 private:
  struct Queued {
    std::size_t trace_index;
    Side from;
    sa::Datagram datagram;
    MonoTime deliver_at;
  };
  static std::size_t index(Side side) noexcept { return side == Side::a ? 0 : 1; }
  bool chance(double p);
  Duration pick_delay();
  void corrupt(Bytes& bytes);
  void enqueue(std::size_t trace_index, Side from, sa::Datagram datagram, MonoTime now);

  std::mt19937_64 prng_;
  std::array<int, 2> scripted_drop_{};
  std::array<int, 2> scripted_corrupt_{};
  std::array<int, 2> scripted_duplicate_{};
  std::array<bool, 2> down_{};
  LinkFilter filter_;
  std::deque<Queued> queue_;
  std::vector<TraceEntry> trace_;
};

struct HarnessOptions {
  std::uint64_t seed_a = 1;
  std::uint64_t seed_b = 2;
  std::uint64_t link_seed = 3;
  std::uint32_t kernel_spi_a = 0xa0000001;
  std::uint32_t kernel_spi_b = 0xb0000001;
  sa::EngineSettings settings_a{};
  sa::EngineSettings settings_b{};
  /// Not the epoch, so code that treats a zero time as "unset" shows up.
  MonoTime start = MonoTime{} + hours(1);
};

class TwoPeerHarness {
 public:
  explicit TwoPeerHarness(HarnessOptions options = {});

  HarnessPeer& a() noexcept { return *a_; }
  HarnessPeer& b() noexcept { return *b_; }
  HarnessPeer& peer(Side side) noexcept { return side == Side::a ? *a_ : *b_; }
  Link& link() noexcept { return link_; }
  const Link& link() const noexcept { return link_; }
  MonoTime now() const noexcept { return now_; }
  /// Time since the harness started.
  Duration elapsed() const;

  /// Adds `for_a` to peer a and `for_b` to peer b.
  void add_connections(sa::ConnectionPtr for_a, sa::ConnectionPtr for_b);
  /// Puts what both engines want to send on the link. Called by every method
  /// below; call it yourself after driving an engine directly.
  void collect();
  /// Delivers one datagram deliverable now. False when there is none.
  bool step();
  /// Steps until nothing is deliverable without time passing; returns the
  /// number delivered.
  std::size_t deliver_all();
  /// Moves the clock to now + `duration`, running each engine's timers at
  /// their exact deadlines on the way; delivers nothing.
  void advance(Duration duration);
  /// Delivers datagrams and advances the clock to the next deadline or link
  /// delivery until neither engine nor the link has anything pending, or
  /// the clock would pass now + `bound`. True when quiet.
  bool run_until_quiet(Duration bound = minutes(10));
  /// As run_until_quiet(), but stops (returning true) as soon as `done()`
  /// holds after an input; false when `bound` is reached first.
  bool run_until(const std::function<bool()>& done, Duration bound);
  /// Runs for exactly `duration` (delivering and firing timers).
  void run_for(Duration duration);

  /// The earliest engine deadline, if any.
  std::optional<MonoTime> next_engine_deadline() const;
  /// Both peers' events and the link trace, for failure messages.
  std::string dump() const;

 private:
  void fire_timers_due();
  enum class Move : std::uint8_t { delivered, advanced, timers_at_same_time, nothing };
  /// One simulation move: deliver if possible, else advance to the next
  /// event not after `limit` and fire the timers due.
  Move move(MonoTime limit);

  std::unique_ptr<HarnessPeer> a_;
  std::unique_ptr<HarnessPeer> b_;
  Link link_;
  MonoTime start_;
  MonoTime now_;
};

/// A PSK connection as the psk_handshake test builds it; `local_net` and
/// `remote_net` are ipsec.conf subnet lists. keying_tries is 1 (no retries).
std::shared_ptr<sa::Connection> psk_connection(const char* name, const char* local,
                                               const char* remote, const char* local_id,
                                               const char* remote_id, const char* local_net,
                                               const char* remote_net);

/// West (10.77.0.2, west.example, 10.77.2.0/24) for peer a and east
/// (10.77.0.1, east.example, 10.77.1.0/24) for peer b, one CHILD SA named
/// like the connection. Mutable until added.
std::pair<std::shared_ptr<sa::Connection>, std::shared_ptr<sa::Connection>> psk_connection_pair(
    const char* name = "office");

/// Sets the same PSK on both peers.
void set_psk(TwoPeerHarness& harness, const std::string& secret);

}  // namespace ike::test
