/// The engine's table of IKE SAs, by the SPI we chose: creation (ours, a
/// responder's, a rekey's), lookup, and destruction at the end of an input.

#include <array>

#include "child_installer.hpp"
#include "engine_impl.hpp"

namespace ike::sa {

std::uint64_t Engine::Impl::allocate_spi() {
  for (;;) {
    std::array<std::uint8_t, 8> bytes{};
    services.random.fill(bytes);
    std::uint64_t spi = 0;
    for (auto byte : bytes)
      spi = spi << 8 | byte;
    if (settings.shard_bits > 0) {
      unsigned shift = 64 - settings.shard_bits;
      spi = (spi & ((std::uint64_t{1} << shift) - 1)) | (std::uint64_t{settings.shard} << shift);
    }
    if (spi != 0 && !sas.contains(spi)) return spi;
  }
}

IkeSa& Engine::Impl::create_sa(ConnectionPtr connection, bool initiator, MonoTime now) {
  auto spi = allocate_spi();
  auto sa =
      std::make_unique<IkeSa>(shard_tag().take(next_serial), std::move(connection), initiator);
  (initiator ? sa->spi_i : sa->spi_r) = spi;
  sa->created_at = now;
  sa->last_heard = now;
  auto& ref = *sa;
  touch(ref);
  by_serial.emplace(ref.serial, &ref);
  file_connection(ref);
  sas.emplace(spi, std::move(sa));
  return ref;
}

IkeSa* Engine::Impl::create_ike_sa(ConnectionPtr connection, bool initiator,
                                   std::uint64_t our_spi) {
  if (our_spi == 0 || sas.contains(our_spi)) return nullptr;
  auto sa =
      std::make_unique<IkeSa>(shard_tag().take(next_serial), std::move(connection), initiator);
  (initiator ? sa->spi_i : sa->spi_r) = our_spi;
  sa->created_at = services.now;
  sa->last_heard = services.now;
  auto* created = sa.get();
  touch(*created);
  by_serial.emplace(created->serial, created);
  file_connection(*created);
  sas.emplace(our_spi, std::move(sa));
  adopted.push_back(our_spi);
  // A rekey that fails to key its new IKE SA marks it destroying itself.
  sweep_candidates.push_back(our_spi);
  return created;
}

IkeSa* Engine::Impl::find_ike_sa(std::uint32_t serial) noexcept {
  auto it = by_serial.find(serial);
  if (it == by_serial.end() || it->second->state == IkeState::destroying) return nullptr;
  touch(*it->second);  // the caller may change it
  return it->second;
}

void Engine::Impl::start_adopted() {
  auto pending = std::move(adopted);
  adopted.clear();
  for (auto spi : pending) {
    if (auto it = sas.find(spi); it != sas.end()) start_next_request(*it->second);
  }
}

IkeSa* Engine::Impl::usable_ike_sa(const Connection& connection) {
  for (auto serial : by_connection.find(connection.name)) {
    auto* sa = by_serial.at(serial);
    if (sa->state == IkeState::established || sa->state == IkeState::rekeying ||
        (sa->initiator && (sa->state == IkeState::connecting || sa->state == IkeState::created))) {
      return sa;
    }
  }
  return nullptr;
}

void Engine::Impl::destroy_sa(IkeSa& sa, const std::string& reason, bool announce) {
  if (sa.state == IkeState::destroying) return;
  // An exchange cut short releases what it took from the kernel (task.hpp).
  if (sa.active) {
    sa.active->abandon(sa, services);
    sa.active.reset();
  }
  for (auto& child : sa.children)
    uninstall_child(sa, child, services, "IKE SA " + reason);
  sa.children.clear();
  // An IKE SA a rekey replaced lives on in its successor: no ike_down.
  bool replaced = sa.state == IkeState::rekeyed;
  bool was_up = sa.state == IkeState::established || sa.state == IkeState::rekeying ||
                sa.state == IkeState::deleting;
  if (sa.half_open_deadline && half_open > 0) --half_open;
  sa.half_open_deadline.reset();
  sa.state = IkeState::destroying;
  sweep_candidates.push_back(sa.our_spi());
  touch(sa);
  sa.requests.abandon();
  sa.last_failure = reason;
  if (!announce) return;
  if (replaced) {
    services.log(sa, LogLevel::info, "replaced IKE SA removed: " + reason);
    return;
  }
  services.publish(sa, was_up ? EventKind::ike_down : EventKind::failed, reason);
}

void Engine::Impl::sweep_destroyed() {
  auto candidates = std::move(sweep_candidates);
  sweep_candidates.clear();
  for (auto spi : candidates) {
    auto it = sas.find(spi);
    if (it == sas.end() || it->second->state != IkeState::destroying) continue;
    auto& sa = *it->second;
    unfile_timer(sa);
    unfile_keys(sa);
    by_connection.remove(sa.connection->name, sa.serial);
    if (!sa.initiator) by_initiator_spi.erase({sa.spi_i, endpoint_key(sa.remote)});
    initiations.erase(sa.serial);
    by_serial.erase(sa.serial);
    sas.erase(it);
  }
}

}  // namespace ike::sa
