/// The public API: each input sets the time, hands over to Engine::Impl
/// (engine_impl.hpp says which file does what) and finishes the input.

#include "ike/sa/engine.hpp"

#include <algorithm>

#include "engine_impl.hpp"

namespace ike::sa {

void Engine::Impl::begin_input(MonoTime now, WallTime wall_now) {
  services.now = now;
  services.wall_now = wall_now;
}

void Engine::Impl::finish_input() {
  start_adopted();
  sweep_destroyed();
  start_due_initiations(services.now);
  file_touched_keys();
  file_touched_timers();
}

Engine::Engine(EngineSettings settings, RandomSource& random, Kernel& kernel, EventSink& events,
               const Credentials& credentials)
    : impl_(std::make_unique<Impl>(settings, random, kernel, events, credentials)) {
  impl_->services.registry = impl_.get();
  impl_->services.reqids = &impl_->reqids;
  impl_->services.prfs = &impl_->prfs;
}

Engine::~Engine() = default;

void Engine::add_connection(ConnectionPtr connection) {
  impl_->add_connection(std::move(connection));
}

void Engine::remove_connection(std::string_view name) {
  impl_->remove_connection(name);
}

const Connection* Engine::find_connection(std::string_view name) const noexcept {
  auto it = impl_->connections.find(name);
  return it == impl_->connections.end() ? nullptr : it->second.get();
}

std::vector<ConnectionPtr> Engine::connections() const {
  std::vector<ConnectionPtr> out;
  out.reserve(impl_->connections.size());
  for (const auto& [name, connection] : impl_->connections)
    out.push_back(connection);
  return out;
}

void Engine::set_nat_keepalive_interval(Duration interval) noexcept {
  impl_->settings.nat_keepalive_interval = interval;
  impl_->file_all_timers();  // every keepalive deadline moves
}

void Engine::handle_datagram(const Datagram& datagram, MonoTime now) {
  impl_->begin_input(now, wall_now_);
  impl_->route_datagram(datagram);
  impl_->finish_input();
}

void Engine::handle_timeout(MonoTime now) {
  impl_->begin_input(now, wall_now_);
  impl_->run_timers(now);
  impl_->finish_input();
}

void Engine::handle_kernel_expire(const KernelExpire& expire, MonoTime now) {
  impl_->begin_input(now, wall_now_);
  impl_->handle_kernel_expire(expire);
  impl_->finish_input();
}

void Engine::handle_kernel_acquire(const KernelAcquire& acquire, MonoTime now) {
  impl_->begin_input(now, wall_now_);
  impl_->handle_kernel_acquire(acquire, now);
  impl_->finish_input();
}

void Engine::handle_kernel_mapping(const KernelMapping& mapping, MonoTime now) {
  impl_->begin_input(now, wall_now_);
  impl_->handle_kernel_mapping(mapping);
  impl_->finish_input();
}

Status Engine::route(std::string_view connection, MonoTime now) {
  impl_->begin_input(now, wall_now_);
  auto status = impl_->route(connection);
  impl_->finish_input();
  return status;
}

Status Engine::unroute(std::string_view connection) {
  return impl_->unroute(connection);
}

bool Engine::is_routed(std::string_view connection) const noexcept {
  return impl_->routes.contains(connection);
}

Result<std::uint32_t> Engine::initiate(std::string_view connection, std::string_view child,
                                       MonoTime now) {
  impl_->begin_input(now, wall_now_);
  auto serial = impl_->initiate(connection, child, now);
  impl_->finish_input();
  return serial;
}

Status Engine::terminate(std::string_view connection, MonoTime now) {
  impl_->begin_input(now, wall_now_);
  auto status = impl_->terminate(connection);
  impl_->finish_input();
  return status;
}

Status Engine::terminate_ike_sa(std::uint32_t serial, MonoTime now) {
  impl_->begin_input(now, wall_now_);
  auto status = impl_->terminate_ike_sa(serial);
  impl_->finish_input();
  return status;
}

Status Engine::rekey(std::string_view connection, bool ike, MonoTime now) {
  impl_->begin_input(now, wall_now_);
  auto status = impl_->rekey(connection, ike);
  impl_->finish_input();
  return status;
}

Status Engine::rekey_child(std::string_view connection, std::string_view child, MonoTime now) {
  impl_->begin_input(now, wall_now_);
  auto status = impl_->rekey_child(connection, child);
  impl_->finish_input();
  return status;
}

Status Engine::terminate_child(std::string_view connection, std::string_view child, MonoTime now) {
  impl_->begin_input(now, wall_now_);
  auto status = impl_->terminate_child(connection, child);
  impl_->finish_input();
  return status;
}

std::optional<Datagram> Engine::poll_transmit() {
  if (impl_->outbox.empty()) return std::nullopt;
  auto out = std::move(impl_->outbox.front());
  impl_->outbox.pop_front();
  return out;
}

std::optional<MonoTime> Engine::next_deadline() const {
  return impl_->next_deadline();
}

std::vector<const IkeSa*> Engine::ike_sas() const {
  // Sorted on copies of the serials: a comparator that follows the pointers
  // misses the cache on every comparison, which made this the slowest part
  // of `ikectl status` on 100,000 IKE SAs.
  std::vector<std::pair<std::uint32_t, const IkeSa*>> by_serial;
  by_serial.reserve(impl_->sas.size());
  for (const auto& [spi, sa] : impl_->sas)
    by_serial.emplace_back(sa->serial, sa.get());
  std::sort(by_serial.begin(), by_serial.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<const IkeSa*> out;
  out.reserve(by_serial.size());
  for (const auto& entry : by_serial)
    out.push_back(entry.second);
  return out;
}

std::size_t Engine::ike_sa_count() const noexcept {
  return impl_->sas.size();
}

const IkeSa* Engine::find_ike_sa(std::uint32_t serial) const noexcept {
  auto it = impl_->by_serial.find(serial);
  return it == impl_->by_serial.end() ? nullptr : it->second;
}

std::vector<std::uint32_t> Engine::ike_sas_of(std::string_view connection) const {
  std::vector<std::uint32_t> out;
  for (auto serial : impl_->by_connection.find(connection)) {
    if (impl_->live_ike_sa(serial)) out.push_back(serial);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> Engine::timer_index_mismatches() const {
  return impl_->timer_index_mismatches();
}

std::vector<std::string> Engine::sa_index_mismatches() const {
  return impl_->sa_index_mismatches();
}

std::size_t Engine::half_open_count() const noexcept {
  return impl_->half_open;
}

}  // namespace ike::sa
