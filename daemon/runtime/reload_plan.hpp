#pragma once
/// What a reload changes (DESIGN.md "Scale": a reload applies only what
/// changed). The running and the newly loaded conn sections are compared by
/// name and meaning: a section is changed when any setting differs (where it
/// was written — file, line, also= — does not count), when the resolved
/// addresses differ (a hostname resolving elsewhere), when its certificate
/// files now hold other certificates, or when auto= or leftupdown differ.
///
/// Like strongSwan's `ipsec update`: new sections are added, changed ones are
/// replaced and removed ones dropped from the engine; IKE and CHILD SAs that
/// are up stay up on the configuration they were negotiated with (the engine
/// holds it by shared pointer) until they are rekeyed, deleted or fail.
///
/// Sections that share an IKE SA (setup/shared_ike_sas.hpp) share one engine
/// connection: a section also counts as changed when the sections it shares
/// with change, and the engine drops a connection only when no loaded
/// section runs on it.

#include <string>
#include <vector>

#include "setup/configuration.hpp"

namespace ikev2d::runtime {

struct ReloadPlan {
  /// Pointers into the loaded configuration.
  std::vector<const setup::ConnectionSetup*> added;
  std::vector<const setup::ConnectionSetup*> changed;
  std::vector<std::string> removed;
  std::vector<std::string> unchanged;
  /// Engine connections no loaded section runs on any more.
  std::vector<std::string> dropped;

  bool empty() const noexcept { return added.empty() && changed.empty() && removed.empty(); }
  /// "2 added (a, b), 1 changed (c), 0 removed, 5 unchanged".
  std::string summary() const;
};

ReloadPlan plan_reload(const std::vector<setup::ConnectionSetup>& running,
                       const std::vector<setup::ConnectionSetup>& loaded);

/// Every setting equal, locations ignored.
bool same_settings(const ike::config::ConnConfig& a, const ike::config::ConnConfig& b);
/// Settings, resolved addresses, certificates, auto=, updown and the
/// sections it shares its IKE SA with equal.
bool same_setup(const setup::ConnectionSetup& a, const setup::ConnectionSetup& b);

}  // namespace ikev2d::runtime
