// The shards: one engine per worker thread, and which shard owns what
// (daemon.hpp, shard_pool.hpp, shard_routing.hpp).

#include <algorithm>
#include <thread>

#include "ike/sa/null_kernel.hpp"
#include "runtime/daemon.hpp"

namespace ikev2d::runtime {

ike::Status Daemon::open_shards(const setup::Configuration& loaded) {
  std::size_t count = options_.threads;
  if (count == 0) count = std::max(1U, std::thread::hardware_concurrency());
  layout_ = ShardLayout::for_count(count);
  if (options_.null_kernel) {
    null_kernel_ = std::make_unique<ike::sa::NullKernel>();
    logger_.warning(Subsystem::knl,
                    "--null-kernel: CHILD SAs are negotiated but nothing is installed; no "
                    "traffic is protected");
  }
  shared_kernel_ = std::make_unique<LockedKernel>(null_kernel_ ? *null_kernel_ : *kernel_);
  ike::sa::EngineSettings settings;
  settings.nat_keepalive_interval = loaded.setup.keep_alive;
  settings.shard_bits = layout_.bits;
  // The half-open limit is the daemon's, not each shard's: spoofed sources
  // spread evenly over the shards (shard_of_peer), so each takes its share.
  settings.cookie_threshold = std::max<std::size_t>(1, settings.cookie_threshold / layout_.count);
  settings.invalid_spi_answers =
      std::max<std::size_t>(1, settings.invalid_spi_answers / layout_.count);
  std::vector<std::unique_ptr<Shard>> shards;
  outboxes_.resize(layout_.count);
  for (std::size_t i = 0; i < layout_.count; ++i) {
    settings.shard = static_cast<std::uint8_t>(i);
    shard_events_.push_back(std::make_unique<ShardEvents>(*this, i));
    shards.push_back(std::make_unique<Shard>(settings, *shared_kernel_, *shard_events_.back(),
                                             loaded.credentials));
  }
  shards_ = std::make_unique<ShardPool>(std::move(shards));
  logger_.info(Subsystem::net, std::to_string(layout_.count) + " worker thread(s)");
  return {};
}

const ike::sa::IkeSa* Daemon::find_ike_sa(std::uint32_t serial) const {
  return (*shards_)[layout_.shard_of_tag(serial)].engine().find_ike_sa(serial);
}

std::size_t Daemon::count_ike_sas() const {
  std::size_t count = 0;
  for (std::size_t i = 0; i < shards_->size(); ++i)
    count += (*shards_)[i].engine().ike_sa_count();
  return count;
}

std::size_t Daemon::home_shard(const ike::sa::Connection& connection) const {
  if (connection.remote_address.is_zero()) return 0;
  return layout_.shard_of_peer(connection.remote_address);
}

std::size_t Daemon::shard_for_initiation(const std::string& connection) const {
  for (std::size_t i = 0; i < shards_->size(); ++i) {
    if (!(*shards_)[i].engine().ike_sas_of(connection).empty()) return i;
  }
  const auto* config = (*shards_)[0].engine().find_connection(connection);
  return config == nullptr ? 0 : home_shard(*config);
}

ike::Status Daemon::on_every_shard(const std::function<ike::Status(ike::sa::Engine&)>& command) {
  std::optional<ike::Error> first_error;
  bool done = false;
  for (std::size_t i = 0; i < shards_->size(); ++i) {
    auto result = command(engine(i));
    if (result) {
      done = true;
    } else if (!first_error) {
      first_error = result.error();
    }
  }
  if (done || !first_error) return {};
  return *first_error;
}

std::vector<std::uint32_t> Daemon::ike_sas_of(const std::string& connection) const {
  std::vector<std::uint32_t> serials;
  for (std::size_t i = 0; i < shards_->size(); ++i) {
    auto some = (*shards_)[i].engine().ike_sas_of(connection);
    serials.insert(serials.end(), some.begin(), some.end());
  }
  std::sort(serials.begin(), serials.end());
  return serials;
}

}  // namespace ikev2d::runtime
