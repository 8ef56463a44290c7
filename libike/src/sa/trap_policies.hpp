#pragma once
/// The engine's policy table: trap policies (auto=route) next to the
/// policies of installed CHILD SAs, each known by selectors, direction and
/// mark, with a use count.
///
/// Policies of CHILD SAs are shared, as in strongSwan's kernel interface:
/// CHILD SAs of two IKE SAs with the same config and selectors (both peers
/// initiated at once) get the same reqid (reqid_registry.hpp), so their
/// policies are the same and either CHILD SA's SAs serve them. The first
/// user adds the policy to the kernel, later users with the same template
/// (reqid, tunnel endpoints, mode) only count, and the policy leaves the
/// kernel with its last user. A policy with the same key but another template
/// is refused, as XFRM refuses a duplicate (EEXIST).
///
/// The kernel knows a policy by selectors, direction and mark (kernel.hpp),
/// so a trap and the out policy of a CHILD SA negotiated for it, which has
/// the same selectors, cannot both be there. As in strongSwan, the installed
/// CHILD SA's policy takes over while it exists and the trap comes back when
/// it goes. TrapPolicyKernel sits between the engine's tasks and the real
/// Kernel and does that bookkeeping: the tasks install and remove CHILD SA
/// policies as always, the engine adds and removes traps, and neither needs
/// to know about the other.
///
/// Takeover is "delete the trap, add the CHILD SA's policy" (and the reverse
/// when it goes): Kernel has no atomic replace, so for the microseconds in
/// between no out policy matches those selectors.

#include <map>
#include <memory>
#include <tuple>

#include "ike/sa/kernel.hpp"

namespace ike::sa {

class TrapPolicyKernel final : public Kernel {
 public:
  explicit TrapPolicyKernel(Kernel& kernel) : kernel_(kernel) {}

  // SAs pass through.
  Result<std::uint32_t> allocate_spi(const AllocateSpiRequest& request) override {
    return kernel_.allocate_spi(request);
  }
  Status add_sa(const AddSaRequest& request) override { return kernel_.add_sa(request); }
  Status update_sa_addresses(const UpdateSaAddressesRequest& request) override {
    return kernel_.update_sa_addresses(request);
  }
  Status delete_sa(const DeleteSaRequest& request) override { return kernel_.delete_sa(request); }
  Result<SaUsage> query_sa(const SaKey& sa) override { return kernel_.query_sa(sa); }

  /// A CHILD SA's policy: replaces a trap with the same key (which comes back
  /// if the add fails); only counts one more user when the same policy is in.
  Status add_policy(const PolicyRequest& request) override;
  /// A CHILD SA's policy: one user fewer; with the last one it leaves the
  /// kernel and the trap with the same key, if any, comes back.
  Status delete_policy(const PolicyRequest& request) override;

  /// Installs a trap, or only records it while a CHILD SA's policy holds its
  /// key. Fails when a trap with the same key exists.
  Status add_trap(const PolicyRequest& trap);
  /// Removes a trap added with add_trap (from the kernel, unless a CHILD SA's
  /// policy holds its key).
  void remove_trap(const PolicyRequest& trap);
  /// Policies of CHILD SAs plus traps being tracked (for tests of boundedness).
  std::size_t tracked() const noexcept { return by_key_.size(); }

 private:
  using Key = std::tuple<ts::TrafficSelector, ts::TrafficSelector, PolicyDirection, std::uint32_t,
                         std::uint32_t>;
  static Key key_of(const PolicyRequest& request);
  /// What makes policies with one key interchangeable: they find the same
  /// SAs. Only this is kept of a CHILD SA's policy, not the whole request
  /// (a table entry per policy, three per CHILD SA: issue 6, heap per SA).
  struct Template {
    IpAddress tunnel_source;
    IpAddress tunnel_destination;
    IpsecMode mode = IpsecMode::tunnel;
    std::uint32_t reqid = 0;

    static Template of(const PolicyRequest& request);
    friend bool operator==(const Template&, const Template&) = default;
  };
  struct Entry {
    /// Few connections are routed: a trap is kept whole, to reinstall it.
    std::unique_ptr<PolicyRequest> trap;
    /// Users of the CHILD SA policy with this key in the kernel.
    unsigned installed = 0;
    /// That policy's template, while installed > 0.
    Template policy;
  };
  void forget_if_unused(std::map<Key, Entry>::iterator it);

  Kernel& kernel_;
  std::map<Key, Entry> by_key_;
};

}  // namespace ike::sa
