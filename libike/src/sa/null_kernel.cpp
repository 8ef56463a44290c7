#include "ike/sa/null_kernel.hpp"

namespace ike::sa {

namespace {

constexpr std::uint32_t kFirstUsableSpi = 256;

}  // namespace

NullKernel::NullKernel(std::uint32_t first_spi)
    : next_spi_(first_spi < kFirstUsableSpi ? kFirstUsableSpi : first_spi) {}

Result<std::uint32_t> NullKernel::allocate_spi(const AllocateSpiRequest&) {
  ++counters_.spis_allocated;
  std::uint32_t spi = next_spi_;
  // 2^32 - 256 SPIs before one repeats: far beyond any run.
  next_spi_ = next_spi_ == UINT32_MAX ? kFirstUsableSpi : next_spi_ + 1;
  return spi;
}

Status NullKernel::add_sa(const AddSaRequest&) {
  ++counters_.sas_added;
  return {};
}

Status NullKernel::update_sa_addresses(const UpdateSaAddressesRequest&) {
  return {};
}

Status NullKernel::delete_sa(const DeleteSaRequest&) {
  ++counters_.sas_deleted;
  return {};
}

Status NullKernel::add_policy(const PolicyRequest&) {
  ++counters_.policies_added;
  return {};
}

Status NullKernel::delete_policy(const PolicyRequest&) {
  ++counters_.policies_deleted;
  return {};
}

Result<SaUsage> NullKernel::query_sa(const SaKey&) {
  return SaUsage{};
}

}  // namespace ike::sa
