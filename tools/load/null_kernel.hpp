#pragma once
/// The initiator's kernel in ikev2d-load: accepts every request and sends
/// nothing anywhere. ALLOCSPI hands out unique SPIs (never below 256, the
/// range RFC 4303 2.1 reserves); installs, updates and deletes succeed. It
/// keeps only counters, so a run of 100,000 tunnels costs no memory here.

#include <cstdint>

#include "ike/sa/kernel.hpp"

namespace ikev2d::load {

class NullKernel final : public ike::sa::Kernel {
 public:
  /// SPIs count up from `first_spi` (raised to 256), skipping 0..255 on wrap.
  explicit NullKernel(std::uint32_t first_spi = 0xc1000000);

  ike::Result<std::uint32_t> allocate_spi(const ike::sa::AllocateSpiRequest& request) override;
  ike::Status add_sa(const ike::sa::AddSaRequest& request) override;
  ike::Status update_sa_addresses(const ike::sa::UpdateSaAddressesRequest& request) override;
  ike::Status delete_sa(const ike::sa::DeleteSaRequest& request) override;
  ike::Status add_policy(const ike::sa::PolicyRequest& request) override;
  ike::Status delete_policy(const ike::sa::PolicyRequest& request) override;
  ike::Result<ike::sa::SaUsage> query_sa(const ike::sa::SaKey& sa) override;

  struct Counters {
    std::uint64_t spis_allocated = 0;
    std::uint64_t sas_added = 0;
    std::uint64_t sas_deleted = 0;
    std::uint64_t policies_added = 0;
    std::uint64_t policies_deleted = 0;
  };
  const Counters& counters() const noexcept { return counters_; }

 private:
  std::uint32_t next_spi_;
  Counters counters_;
};

}  // namespace ikev2d::load
