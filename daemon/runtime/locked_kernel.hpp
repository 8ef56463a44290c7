#pragma once
/// One kernel driver shared by the shards' engines, which may call it from
/// their threads at once (shard_pool.hpp). A request is a netlink round trip
/// of microseconds beside the milliseconds of a handshake's crypto, so one
/// lock costs nothing measurable and keeps the driver, its sequence numbers
/// and its ownership ledger single-threaded.

#include <mutex>

#include "ike/sa/kernel.hpp"

namespace ikev2d::runtime {

class LockedKernel final : public ike::sa::Kernel {
 public:
  explicit LockedKernel(ike::sa::Kernel& kernel) : kernel_(kernel) {}

  ike::Result<std::uint32_t> allocate_spi(const ike::sa::AllocateSpiRequest& request) override {
    std::lock_guard lock(mutex_);
    return kernel_.allocate_spi(request);
  }
  ike::Status add_sa(const ike::sa::AddSaRequest& request) override {
    std::lock_guard lock(mutex_);
    return kernel_.add_sa(request);
  }
  ike::Status update_sa_addresses(const ike::sa::UpdateSaAddressesRequest& request) override {
    std::lock_guard lock(mutex_);
    return kernel_.update_sa_addresses(request);
  }
  ike::Status delete_sa(const ike::sa::DeleteSaRequest& request) override {
    std::lock_guard lock(mutex_);
    return kernel_.delete_sa(request);
  }
  ike::Status add_policy(const ike::sa::PolicyRequest& request) override {
    std::lock_guard lock(mutex_);
    return kernel_.add_policy(request);
  }
  ike::Status delete_policy(const ike::sa::PolicyRequest& request) override {
    std::lock_guard lock(mutex_);
    return kernel_.delete_policy(request);
  }
  ike::Result<ike::sa::SaUsage> query_sa(const ike::sa::SaKey& sa) override {
    std::lock_guard lock(mutex_);
    return kernel_.query_sa(sa);
  }

 private:
  ike::sa::Kernel& kernel_;
  std::mutex mutex_;
};

}  // namespace ikev2d::runtime
