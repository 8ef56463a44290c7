#pragma once
/// Negotiating one CHILD SA, shared by IKE_AUTH (the first CHILD SA) and
/// CREATE_CHILD_SA (more CHILD SAs and rekeys): SA proposals with our SPI,
/// traffic selectors and their narrowing (RFC 7296 2.9), transport mode,
/// key derivation (RFC 7296 2.17) and installation.

#include <optional>
#include <string>
#include <vector>

#include "ike/crypto/secret_bytes.hpp"
#include "ike/proposal/crypto_proposal.hpp"
#include "ike/sa/child_sa.hpp"
#include "ike/sa/ike_sa.hpp"
#include "ike/sa/task.hpp"
#include "ike/wire/payloads.hpp"

namespace ike::sa {

/// The ESP proposals of a CHILD config, RFC 8247 defaults when none are set.
std::vector<proposal::CryptoProposal> esp_proposals(const ChildConfig& config, bool for_accepting);

/// Selectors of one side, with an empty list meaning the SA's own address.
std::vector<ts::TrafficSelector> local_selectors(const IkeSa& sa, const ChildConfig& config);
std::vector<ts::TrafficSelector> remote_selectors(const IkeSa& sa, const ChildConfig& config);

/// The initiator's side: allocates our SPI, and adds SA, TSi, TSr (and
/// USE_TRANSPORT_MODE) to `out`. `pfs_group` is set for a CREATE_CHILD_SA
/// with a KE payload (the caller adds KE and Nonce).
class ChildInitiator {
 public:
  explicit ChildInitiator(const ChildConfig& config) : config_(&config) {}
  Status build(IkeSa& sa, Services& services, std::vector<wire::Payload>& out,
               bool include_ke_groups);
  /// Handles the response: proposal and selector checks, keys, installation.
  /// On success the CHILD SA is in `sa.children` and installed.
  Result<std::uint32_t> complete(IkeSa& sa, Services& services,
                                 const std::vector<wire::Payload>& response, ByteView nonce_i,
                                 ByteView nonce_r, ByteView new_shared_secret = {});
  /// Removes the allocated SPI when the exchange fails before installation.
  void abandon(IkeSa& sa, Services& services, const std::string& why);
  const ChildConfig& config() const noexcept { return *config_; }
  std::uint32_t spi_in() const noexcept { return child_.spi_in; }

 private:
  const ChildConfig* config_;
  ChildSa child_;
  wire::SaPayload sent_;
};

/// The responder's side: picks the CHILD config, proposal and selectors for a
/// request, allocates our SPI and installs, or says which notify refuses it.
struct ChildResponse {
  /// The CHILD SA installed, by serial, when accepted.
  std::optional<std::uint32_t> child_serial;
  /// The payloads to answer with: SA, TSi, TSr (and USE_TRANSPORT_MODE), or
  /// the refusing notify.
  std::vector<wire::Payload> payloads;
  std::optional<wire::NotifyType> refusal;
  std::string reason;
};

ChildResponse respond_child(IkeSa& sa, Services& services,
                            const std::vector<wire::Payload>& request, ByteView nonce_i,
                            ByteView nonce_r, ByteView new_shared_secret = {},
                            const ChildConfig* only_config = nullptr);

}  // namespace ike::sa
