#include "support/fake_kernel.hpp"

namespace ike::test {

FakeKernel::PolicyKey FakeKernel::key_of(const sa::PolicyRequest& request) {
  return {request.source.to_string(), request.destination.to_string(),
          static_cast<int>(request.direction), request.mark.value, request.mark.mask};
}

Status FakeKernel::maybe_fail(const std::string& what) {
  ++requests_;
  log_.push_back(what);
  if (fail_at_ && *fail_at_ == requests_) {
    return make_error(Errc::io_error, fail_reason_);
  }
  return {};
}

Result<std::uint32_t> FakeKernel::allocate_spi(const sa::AllocateSpiRequest& request) {
  if (auto failed = maybe_fail(request.story); !failed) return std::move(failed).error();
  auto spi = next_spi_++;
  larval[spi] = request;
  return spi;
}

Status FakeKernel::add_sa(const sa::AddSaRequest& request) {
  if (auto failed = maybe_fail(request.story); !failed) return failed;
  if (request.update_allocated && !larval.erase(request.spi)) {
    return make_error(Errc::io_error, "no allocated SPI " + std::to_string(request.spi));
  }
  if (sas.contains(request.spi)) {
    return make_error(Errc::io_error, "SA with SPI " + std::to_string(request.spi) + " exists");
  }
  sas[request.spi] = InstalledSa{request};
  return {};
}

Status FakeKernel::update_sa_addresses(const sa::UpdateSaAddressesRequest& request) {
  if (auto failed = maybe_fail(request.story); !failed) return failed;
  auto it = sas.find(request.sa.spi);
  if (it == sas.end()) return make_error(Errc::io_error, "no SA to update");
  it->second.request.source = request.new_source;
  it->second.request.destination = request.new_destination;
  it->second.request.encapsulation = request.encapsulation;
  return {};
}

Status FakeKernel::delete_sa(const sa::DeleteSaRequest& request) {
  if (auto failed = maybe_fail(request.story); !failed) return failed;
  if (sas.erase(request.sa.spi) || larval.erase(request.sa.spi)) return {};
  return make_error(Errc::io_error, "no SA with SPI " + std::to_string(request.sa.spi));
}

Status FakeKernel::add_policy(const sa::PolicyRequest& request) {
  if (auto failed = maybe_fail(request.story); !failed) return failed;
  auto [it, inserted] = policies.emplace(key_of(request), request);
  if (!inserted) return make_error(Errc::io_error, "policy exists: " + request.story);
  return {};
}

Status FakeKernel::delete_policy(const sa::PolicyRequest& request) {
  if (auto failed = maybe_fail(request.story); !failed) return failed;
  if (!policies.erase(key_of(request))) {
    return make_error(Errc::io_error, "no such policy: " + request.story);
  }
  return {};
}

Result<sa::SaUsage> FakeKernel::query_sa(const sa::SaKey& key) {
  if (!sas.contains(key.spi)) return make_error(Errc::io_error, "no SA to query");
  return sa::SaUsage{};
}

}  // namespace ike::test
