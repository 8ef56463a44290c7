#include "support/two_peer_harness.hpp"

#include <algorithm>
#include <cstdio>

#include "ike/ts/subnet_syntax.hpp"
#include "ike/wire/message.hpp"

namespace ike::test {

namespace {
/// Moves without the clock advancing or a datagram being delivered, after
/// which the harness declares the engines stuck (a deadline in the past that
/// handle_timeout() never clears).
constexpr int kStallLimit = 1000;

std::string millis(Duration duration) {
  return std::to_string(duration.count()) + " ms";
}
}  // namespace

std::string_view to_string(Side side) noexcept {
  return side == Side::a ? "a" : "b";
}

std::string_view to_string(Fate fate) noexcept {
  switch (fate) {
    case Fate::delivered:
      return "delivered";
    case Fate::dropped:
      return "dropped";
    case Fate::pending:
      return "pending";
  }
  return "?";
}

HarnessPeer::HarnessPeer(std::uint64_t seed, std::uint32_t first_kernel_spi,
                         sa::EngineSettings settings)
    : random(seed),
      kernel(first_kernel_spi),
      engine(settings, random, kernel, events, credentials) {}

std::string TraceEntry::describe() const {
  std::string out = "#" + std::to_string(id) + " " + std::string(to_string(from)) + "->" +
                    std::string(to_string(other(from))) + " at " +
                    millis(std::chrono::duration_cast<Duration>(sent_at.time_since_epoch()));
  if (header) {
    out += " " + wire::to_string(header->exchange) +
           (header->is_response() ? " response" : " request") + " mid " +
           std::to_string(header->message_id);
  } else {
    out += " (no IKE header)";
  }
  out += " " + std::to_string(size) + " bytes " + std::string(to_string(fate));
  if (corrupted) out += " corrupted";
  if (duplicate) out += " duplicate";
  return out;
}

// ---------------------------------------------------------------- Link

bool Link::chance(double p) {
  if (p <= 0) return false;
  return std::uniform_real_distribution<double>(0.0, 1.0)(prng_) < p;
}

Duration Link::pick_delay() {
  auto delay = impairments.delay;
  if (impairments.jitter > Duration::zero()) {
    delay += Duration(
        std::uniform_int_distribution<Duration::rep>(0, impairments.jitter.count())(prng_));
  }
  return delay;
}

void Link::corrupt(Bytes& bytes) {
  if (bytes.empty()) return;
  auto position = std::uniform_int_distribution<std::size_t>(0, bytes.size() - 1)(prng_);
  auto bit = std::uniform_int_distribution<int>(0, 7)(prng_);
  bytes[position] ^= static_cast<std::uint8_t>(1u << bit);
}

void Link::enqueue(std::size_t trace_index, Side from, sa::Datagram datagram, MonoTime now) {
  queue_.push_back(Queued{trace_index, from, std::move(datagram), now + pick_delay()});
}

void Link::send(Side from, sa::Datagram datagram, MonoTime now) {
  auto side = index(from);
  TraceEntry entry;
  entry.id = trace_.size();
  entry.from = from;
  entry.sent_at = now;
  entry.size = datagram.bytes.size();
  entry.header = wire::peek_header(datagram.bytes);
  auto action = filter_ ? filter_(from, entry, datagram.bytes) : LinkAction::pass;

  bool drop = down_[side] || action == LinkAction::drop;
  if (!drop && scripted_drop_[side] > 0) {
    --scripted_drop_[side];
    drop = true;
  }
  drop = drop || chance(impairments.drop);
  if (drop) {
    entry.fate = Fate::dropped;
    trace_.push_back(entry);
    return;
  }
  bool corrupted = action == LinkAction::corrupt;
  if (!corrupted && scripted_corrupt_[side] > 0) {
    --scripted_corrupt_[side];
    corrupted = true;
  }
  corrupted = corrupted || chance(impairments.corrupt);
  if (corrupted) corrupt(datagram.bytes);
  entry.corrupted = corrupted;

  bool duplicate = action == LinkAction::duplicate;
  if (!duplicate && scripted_duplicate_[side] > 0) {
    --scripted_duplicate_[side];
    duplicate = true;
  }
  duplicate = duplicate || chance(impairments.duplicate);

  trace_.push_back(entry);
  enqueue(trace_.size() - 1, from, datagram, now);
  if (duplicate) {
    auto copy = entry;
    copy.id = trace_.size();
    copy.duplicate = true;
    trace_.push_back(copy);
    enqueue(trace_.size() - 1, from, std::move(datagram), now);
  }
}

std::optional<MonoTime> Link::next_delivery() const {
  std::optional<MonoTime> earliest;
  for (const auto& queued : queue_) {
    if (!earliest || queued.deliver_at < *earliest) earliest = queued.deliver_at;
  }
  return earliest;
}

std::optional<Link::Delivery> Link::take(MonoTime now) {
  // Deliverable datagrams, oldest delivery time first (ties: sending order).
  std::vector<std::size_t> ready;
  for (std::size_t i = 0; i < queue_.size(); ++i) {
    if (queue_[i].deliver_at <= now) ready.push_back(i);
  }
  if (ready.empty()) return std::nullopt;
  std::stable_sort(ready.begin(), ready.end(), [&](std::size_t x, std::size_t y) {
    return queue_[x].deliver_at < queue_[y].deliver_at;
  });
  auto pick = ready.front();
  if (ready.size() > 1 && chance(impairments.reorder)) {
    pick = ready[std::uniform_int_distribution<std::size_t>(1, ready.size() - 1)(prng_)];
  }
  auto queued = std::move(queue_[pick]);
  queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(pick));
  auto& entry = trace_[queued.trace_index];
  entry.fate = Fate::delivered;
  entry.delivered_at = now;
  // The receiver sees the sender's remote as its local address and vice versa.
  return Delivery{other(queued.from), sa::Datagram{queued.datagram.remote, queued.datagram.local,
                                                   std::move(queued.datagram.bytes)}};
}

void Link::clear() {
  for (const auto& queued : queue_)
    trace_[queued.trace_index].fate = Fate::dropped;
  queue_.clear();
}

std::vector<TraceEntry> Link::sent_by(Side from, std::optional<wire::ExchangeType> exchange,
                                      std::optional<bool> response) const {
  std::vector<TraceEntry> out;
  for (const auto& entry : trace_) {
    if (entry.from != from || entry.duplicate) continue;
    if (exchange && (!entry.header || entry.header->exchange != *exchange)) continue;
    if (response && (!entry.header || entry.header->is_response() != *response)) continue;
    out.push_back(entry);
  }
  return out;
}

std::size_t Link::count(Fate fate) const {
  return static_cast<std::size_t>(
      std::count_if(trace_.begin(), trace_.end(), [&](const auto& e) { return e.fate == fate; }));
}

std::string Link::dump() const {
  std::string out;
  for (const auto& entry : trace_)
    out += entry.describe() + "\n";
  return out;
}

// ---------------------------------------------------------------- harness

TwoPeerHarness::TwoPeerHarness(HarnessOptions options)
    : a_(std::make_unique<HarnessPeer>(options.seed_a, options.kernel_spi_a, options.settings_a)),
      b_(std::make_unique<HarnessPeer>(options.seed_b, options.kernel_spi_b, options.settings_b)),
      link_(options.link_seed),
      start_(options.start),
      now_(options.start) {}

Duration TwoPeerHarness::elapsed() const {
  return std::chrono::duration_cast<Duration>(now_ - start_);
}

void TwoPeerHarness::add_connections(sa::ConnectionPtr for_a, sa::ConnectionPtr for_b) {
  a_->engine.add_connection(std::move(for_a));
  b_->engine.add_connection(std::move(for_b));
}

void TwoPeerHarness::collect() {
  for (auto side : {Side::a, Side::b}) {
    while (auto out = peer(side).engine.poll_transmit())
      link_.send(side, std::move(*out), now_);
  }
}

bool TwoPeerHarness::step() {
  collect();
  auto delivery = link_.take(now_);
  if (!delivery) return false;
  peer(delivery->to).engine.handle_datagram(delivery->datagram, now_);
  collect();
  return true;
}

std::size_t TwoPeerHarness::deliver_all() {
  std::size_t delivered = 0;
  while (step())
    ++delivered;
  return delivered;
}

std::optional<MonoTime> TwoPeerHarness::next_engine_deadline() const {
  auto x = a_->engine.next_deadline();
  auto y = b_->engine.next_deadline();
  if (!x) return y;
  if (!y) return x;
  return std::min(*x, *y);
}

void TwoPeerHarness::fire_timers_due() {
  for (auto side : {Side::a, Side::b}) {
    auto deadline = peer(side).engine.next_deadline();
    if (deadline && *deadline <= now_) peer(side).engine.handle_timeout(now_);
  }
  collect();
}

TwoPeerHarness::Move TwoPeerHarness::move(MonoTime limit) {
  if (step()) return Move::delivered;
  auto next = next_engine_deadline();
  if (auto delivery = link_.next_delivery(); delivery && (!next || *delivery < *next)) {
    next = delivery;
  }
  if (!next || *next > limit) return Move::nothing;
  bool later = *next > now_;
  now_ = std::max(now_, *next);
  fire_timers_due();
  return later ? Move::advanced : Move::timers_at_same_time;
}

void TwoPeerHarness::advance(Duration duration) {
  collect();  // what the test made an engine send before time moves
  auto limit = now_ + duration;
  int stalled = 0;
  for (auto next = next_engine_deadline(); next && *next <= limit; next = next_engine_deadline()) {
    if (*next <= now_ && ++stalled > kStallLimit) {
      std::fprintf(stderr, "TwoPeerHarness: an engine deadline stays at or before now\n");
      break;
    }
    if (*next > now_) stalled = 0;
    now_ = std::max(now_, *next);
    fire_timers_due();
  }
  now_ = limit;
}

bool TwoPeerHarness::run_until(const std::function<bool()>& done, Duration bound) {
  auto limit = now_ + bound;
  int stalled = 0;
  while (!done()) {
    switch (move(limit)) {
      case Move::nothing:
        now_ = limit;
        return done();
      case Move::timers_at_same_time:
        if (++stalled > kStallLimit) {
          std::fprintf(stderr, "TwoPeerHarness: an engine deadline stays at or before now\n");
          return false;
        }
        break;
      case Move::delivered:
      case Move::advanced:
        stalled = 0;
        break;
    }
  }
  return true;
}

bool TwoPeerHarness::run_until_quiet(Duration bound) {
  return run_until(
      [this] {
        collect();
        return link_.in_flight() == 0 && !next_engine_deadline();
      },
      bound);
}

void TwoPeerHarness::run_for(Duration duration) {
  run_until([] { return false; }, duration);
}

std::string TwoPeerHarness::dump() const {
  return "--- peer a events\n" + a_->events.dump() + "--- peer b events\n" + b_->events.dump() +
         "--- link\n" + link_.dump();
}

// ---------------------------------------------------------------- connections

std::shared_ptr<sa::Connection> psk_connection(const char* name, const char* local,
                                               const char* remote, const char* local_id,
                                               const char* remote_id, const char* local_net,
                                               const char* remote_net) {
  auto connection = std::make_shared<sa::Connection>();
  connection->name = name;
  connection->local_address = *IpAddress::parse(local);
  connection->remote_address = *IpAddress::parse(remote);
  connection->local_id = *pki::Identity::parse(local_id);
  connection->remote_id = *pki::Identity::parse(remote_id);
  // One attempt, so a failure is one `failed` event; keyingtries tests set more.
  connection->keying_tries = 1;
  sa::ChildConfig child;
  child.name = name;
  child.local_ts = *ts::parse_subnet_list(local_net);
  child.remote_ts = *ts::parse_subnet_list(remote_net);
  connection->children.push_back(child);
  return connection;
}

std::pair<std::shared_ptr<sa::Connection>, std::shared_ptr<sa::Connection>> psk_connection_pair(
    const char* name) {
  return {psk_connection(name, "10.77.0.2", "10.77.0.1", "west.example", "east.example",
                         "10.77.2.0/24", "10.77.1.0/24"),
          psk_connection(name, "10.77.0.1", "10.77.0.2", "east.example", "west.example",
                         "10.77.1.0/24", "10.77.2.0/24")};
}

void set_psk(TwoPeerHarness& harness, const std::string& secret) {
  harness.a().credentials.set_psk(secret);
  harness.b().credentials.set_psk(secret);
}

}  // namespace ike::test
