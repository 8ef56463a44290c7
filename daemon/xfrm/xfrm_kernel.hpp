#pragma once
/// ike::sa::Kernel over netlink XFRM with libmnl (DESIGN.md "Kernel"): the
/// production kernel driver. Requests are synchronous (one netlink round trip
/// each, answered in microseconds); kernel events arrive on a second socket
/// subscribed to the ACQUIRE, EXPIRE and MAPPING groups, which the daemon's
/// loop watches and drains with read_events().
///
/// Ownership: ikev2d removes only what it installed. Every reqid the driver
/// installs an SA or policy with is first written to the ownership ledger (a
/// file under the runtime directory), so after a crash the next start removes
/// exactly those (remove_owned) and nothing an operator or another daemon put
/// there.

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string_view>

#include "ike/error.hpp"
#include "ike/sa/kernel.hpp"

namespace ikev2d::xfrm {

struct XfrmOptions {
  /// One reqid per line; created if missing.
  std::filesystem::path ownership_ledger = "/run/ikev2d/xfrm-owned";
  /// How long one request waits for the kernel's answer (microseconds are
  /// normal; this only bounds a wedged kernel).
  std::chrono::milliseconds request_timeout{5000};
  /// Where the driver reports what it does not return as an error: ledger
  /// lines it skipped, unreadable kernel events, what remove_owned removed.
  /// Empty: not reported.
  std::function<void(std::string_view)> log{};
};

/// Receives what the kernel says unasked.
class KernelEventHandler {
 public:
  virtual ~KernelEventHandler() = default;
  virtual void on_acquire(const ike::sa::KernelAcquire& acquire) = 0;
  virtual void on_expire(const ike::sa::KernelExpire& expire) = 0;
  virtual void on_mapping(const ike::sa::KernelMapping& mapping) = 0;
};

class XfrmKernel final : public ike::sa::Kernel {
 public:
  /// Opens the request and event sockets in the caller's network namespace.
  static ike::Result<std::unique_ptr<XfrmKernel>> open(XfrmOptions options);
  ~XfrmKernel() override;

  ike::Result<std::uint32_t> allocate_spi(const ike::sa::AllocateSpiRequest& request) override;
  ike::Status add_sa(const ike::sa::AddSaRequest& request) override;
  ike::Status update_sa_addresses(const ike::sa::UpdateSaAddressesRequest& request) override;
  ike::Status delete_sa(const ike::sa::DeleteSaRequest& request) override;
  ike::Status add_policy(const ike::sa::PolicyRequest& request) override;
  ike::Status delete_policy(const ike::sa::PolicyRequest& request) override;
  ike::Result<ike::sa::SaUsage> query_sa(const ike::sa::SaKey& sa) override;

  /// The event socket's descriptor: readable when events wait.
  int event_fd() const noexcept;
  /// Reads every waiting event without blocking and hands each to `handler`.
  /// Unreadable messages are logged and skipped; fails when the kernel
  /// dropped events (the socket's buffer overflowed: the caller should
  /// resynchronise, e.g. query its SAs) or the socket broke, after handing
  /// over everything that could be read.
  ike::Status read_events(KernelEventHandler& handler);
  /// Removes every SA and policy whose reqid the ledger lists, then empties
  /// the ledger: at start-up (after a crash) and at shutdown. Policies go
  /// first (an SA without policy carries nothing), trap policies included
  /// (they carry the reqid in their template like all of ours). Entries of
  /// other reqids stay. Larval SAs of ACQUIREs (SPI 0) cannot be deleted
  /// by SPI and expire on their own. If any removal fails, the ledger is
  /// kept so the next call retries, and the error says how many failed.
  ike::Status remove_owned();

 private:
  struct Impl;
  explicit XfrmKernel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Per-socket policy bypass (IP_XFRM_POLICY / IPV6_XFRM_POLICY, in and out)
/// so IKE datagrams are never caught by our own IPsec policies (a transport
/// policy between the peers would otherwise swallow UDP 500/4500).
ike::Status bypass_ipsec_policies(int socket_fd, int address_family);
/// UDP_ENCAP_ESPINUDP on the NAT-T socket: the kernel takes ESP-in-UDP
/// packets (RFC 3948) and hands us only those with the non-ESP marker.
ike::Status enable_esp_in_udp(int socket_fd);

}  // namespace ikev2d::xfrm
