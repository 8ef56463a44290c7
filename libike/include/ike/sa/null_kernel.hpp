#pragma once
/// A kernel that accepts every request and installs nothing: for the load
/// generator's initiators, the handshake benchmark and `ikev2d
/// --null-kernel`, which measure IKE with CHILD SAs on a host without ESP.
/// ALLOCSPI hands out unique SPIs (never below 256, the range RFC 4303 2.1
/// reserves); installs, updates and deletes succeed. It keeps only
/// counters, so 100,000 tunnels cost no memory here.

#include <cstdint>

#include "ike/sa/kernel.hpp"

namespace ike::sa {

class NullKernel final : public Kernel {
 public:
  /// SPIs count up from `first_spi` (raised to 256), skipping 0..255 on wrap.
  explicit NullKernel(std::uint32_t first_spi = 0xc1000000);

  Result<std::uint32_t> allocate_spi(const AllocateSpiRequest& request) override;
  Status add_sa(const AddSaRequest& request) override;
  Status update_sa_addresses(const UpdateSaAddressesRequest& request) override;
  Status delete_sa(const DeleteSaRequest& request) override;
  Status add_policy(const PolicyRequest& request) override;
  Status delete_policy(const PolicyRequest& request) override;
  Result<SaUsage> query_sa(const SaKey& sa) override;

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

}  // namespace ike::sa
