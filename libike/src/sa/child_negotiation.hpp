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

  /// Makes this the rekey of `old` (RFC 7296 1.3.3, 2.8): the new CHILD SA
  /// keeps its reqid, mode and traffic selectors, and complete() installs only
  /// its SAs (the policies stay: they find SAs by reqid, so traffic moves to
  /// the new SAs without a gap) and publishes no child_up (the rekey task
  /// reports child_rekeyed). Call before build().
  void replace(const ChildSa& old);
  /// The group of the KE payload we send (PFS); complete() refuses a response
  /// that selected another one. Without a call, no group may be selected.
  void expect_ke_group(wire::KeGroup group) noexcept { expected_ke_group_ = group; }

 private:
  /// What a rekey keeps of the CHILD SA it replaces.
  struct Replaced {
    std::uint32_t reqid = 0;
    IpsecMode mode = IpsecMode::tunnel;
    std::vector<ts::TrafficSelector> local_ts;
    std::vector<ts::TrafficSelector> remote_ts;
  };

  const ChildConfig* config_;
  ChildSa child_;
  wire::SaPayload sent_;
  std::optional<Replaced> replaced_;
  wire::KeGroup expected_ke_group_ = wire::KeGroup::none;
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

/// The first CHILD SA, in IKE_AUTH: keyed from the IKE SA's key exchange,
/// key exchange transforms are ignored (RFC 7296 1.2).
ChildResponse respond_child(IkeSa& sa, Services& services,
                            const std::vector<wire::Payload>& request, ByteView nonce_i,
                            ByteView nonce_r);

/// What a CREATE_CHILD_SA request adds (RFC 7296 1.3.1, 1.3.3).
struct CreateChildContext {
  /// The CHILD SA a rekey replaces: only its config is considered, the new
  /// CHILD SA takes its reqid, and only the SAs are installed (the policies
  /// stay with the reqid; see ChildInitiator::replace). nullptr for a new one.
  const ChildSa* replacing = nullptr;
  /// The initiator's KE payload (PFS), or nullptr when it sent none.
  const wire::KePayload* initiator_ke = nullptr;
};

/// A CHILD SA requested with CREATE_CHILD_SA. For a rekey only the inbound SA
/// goes in now; the outbound one waits in ChildSa::deferred_outbound until the
/// replaced CHILD SA is deleted (child_replacement.hpp). Key exchange transforms are
/// negotiated: when a group is selected, g^ir from the initiator's KE payload
/// goes into KEYMAT (RFC 7296 2.17) and our KE payload is among the response
/// payloads; when the initiator's KE is for another group than the one we
/// select, or missing, the refusal is N(INVALID_KE_PAYLOAD) carrying the
/// group we want (RFC 7296 1.3). The caller adds the Nonce.
ChildResponse respond_create_child(IkeSa& sa, Services& services,
                                   const std::vector<wire::Payload>& request, ByteView nonce_i,
                                   ByteView nonce_r, const CreateChildContext& context);

}  // namespace ike::sa
