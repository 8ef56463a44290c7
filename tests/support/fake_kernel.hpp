#pragma once
/// A kernel for tests: records every request, keeps the SAs and policies that
/// would be installed, and can fail the Nth request on purpose.

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "ike/sa/kernel.hpp"

namespace ike::test {

class FakeKernel final : public sa::Kernel {
 public:
  struct InstalledSa {
    sa::AddSaRequest request;
  };
  /// The key a policy is known by: selectors, direction, mark.
  using PolicyKey = std::tuple<std::string, std::string, int, std::uint32_t, std::uint32_t>;

  explicit FakeKernel(std::uint32_t first_spi = 0xc0000001) : next_spi_(first_spi) {}

  Result<std::uint32_t> allocate_spi(const sa::AllocateSpiRequest& request) override;
  Status add_sa(const sa::AddSaRequest& request) override;
  Status update_sa_addresses(const sa::UpdateSaAddressesRequest& request) override;
  Status delete_sa(const sa::DeleteSaRequest& request) override;
  Status add_policy(const sa::PolicyRequest& request) override;
  Status delete_policy(const sa::PolicyRequest& request) override;
  Result<sa::SaUsage> query_sa(const sa::SaKey& sa) override;

  /// Request number `n` (1-based, counting every call) fails with `reason`.
  void fail_request(std::size_t n, std::string reason = "injected failure") {
    fail_at_ = n;
    fail_reason_ = std::move(reason);
  }
  std::size_t request_count() const noexcept { return requests_; }
  const std::vector<std::string>& log() const noexcept { return log_; }

  /// SAs fully installed (not larval), by SPI.
  std::map<std::uint32_t, InstalledSa> sas;
  /// SPIs allocated and not yet installed or deleted.
  std::map<std::uint32_t, sa::AllocateSpiRequest> larval;
  std::map<PolicyKey, sa::PolicyRequest> policies;

  static PolicyKey key_of(const sa::PolicyRequest& request);

 private:
  Status maybe_fail(const std::string& what);

  std::uint32_t next_spi_;
  std::size_t requests_ = 0;
  std::optional<std::size_t> fail_at_;
  std::string fail_reason_;
  std::vector<std::string> log_;
};

}  // namespace ike::test
