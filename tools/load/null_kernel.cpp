#include "load/null_kernel.hpp"

namespace ikev2d::load {

namespace {

constexpr std::uint32_t kFirstUsableSpi = 256;

}  // namespace

NullKernel::NullKernel(std::uint32_t first_spi)
    : next_spi_(first_spi < kFirstUsableSpi ? kFirstUsableSpi : first_spi) {}

ike::Result<std::uint32_t> NullKernel::allocate_spi(const ike::sa::AllocateSpiRequest&) {
  ++counters_.spis_allocated;
  std::uint32_t spi = next_spi_;
  // 2^32 - 256 SPIs before one repeats: far beyond any run.
  next_spi_ = next_spi_ == UINT32_MAX ? kFirstUsableSpi : next_spi_ + 1;
  return spi;
}

ike::Status NullKernel::add_sa(const ike::sa::AddSaRequest&) {
  ++counters_.sas_added;
  return {};
}

ike::Status NullKernel::update_sa_addresses(const ike::sa::UpdateSaAddressesRequest&) {
  return {};
}

ike::Status NullKernel::delete_sa(const ike::sa::DeleteSaRequest&) {
  ++counters_.sas_deleted;
  return {};
}

ike::Status NullKernel::add_policy(const ike::sa::PolicyRequest&) {
  ++counters_.policies_added;
  return {};
}

ike::Status NullKernel::delete_policy(const ike::sa::PolicyRequest&) {
  ++counters_.policies_deleted;
  return {};
}

ike::Result<ike::sa::SaUsage> NullKernel::query_sa(const ike::sa::SaKey&) {
  return ike::sa::SaUsage{};
}

}  // namespace ikev2d::load
