#pragma once
/// Two engines for CREATE_CHILD_SA and collision tests (RFC 7296 1.3, 2.8.1,
/// 2.25): one queue per direction, so a test decides which pending message
/// reaches which peer first, a manual clock, and checks that each fake kernel
/// holds exactly what the engine believes it installed.

#include <deque>
#include <map>
#include <string>
#include <vector>

#include "ike/sa/engine.hpp"
#include "support/two_peer_harness.hpp"

namespace ike::test {

class RekeyPeers {
 public:
  RekeyPeers();

  HarnessPeer& a() noexcept { return a_; }
  HarnessPeer& b() noexcept { return b_; }
  HarnessPeer& peer(Side side) noexcept { return side == Side::a ? a_ : b_; }
  MonoTime now() const noexcept { return now_; }

  /// Adds the connection pair (after `tune` changed both) and brings up the
  /// IKE SA and its first CHILD SA from peer a.
  void establish(sa::ConnectionPtr for_a, sa::ConnectionPtr for_b);

  /// Moves what both engines want to send into the queues; what is sent to a
  /// peer that is down is lost.
  void collect();
  /// While down, everything sent to `to` is lost (a dead or unplugged peer).
  void set_down(Side to, bool down) { down_[to == Side::a ? 0 : 1] = down; }
  /// Messages waiting for `to`.
  std::size_t pending(Side to);
  /// The exchange and request/response of the `index`-th message waiting for
  /// `to`, e.g. "CREATE_CHILD_SA request".
  std::string describe_pending(Side to, std::size_t index = 0);
  /// Hands the `index`-th message waiting for `to` to its engine, then checks
  /// both kernels (check_both, not idle) into `violations`. False when there
  /// is none.
  bool deliver(Side to, std::size_t index = 0);
  /// Loses the `index`-th message waiting for `to`. False when there is none.
  bool drop(Side to, std::size_t index = 0);
  /// Delivers in the order sent until both queues are empty; returns how many.
  int deliver_all();
  /// Moves the clock on by `duration` and fires both engines' timers once,
  /// delivering nothing (what they send waits in the queues).
  void advance(Duration duration);
  /// Advances the clock by `duration`, firing both engines' timers at their
  /// deadlines on the way and delivering everything after each firing.
  void run_for(Duration duration);

  /// Kernel check failures after any delivery or timer, with the step.
  std::vector<std::string> violations;
  /// Steps after which a peer's newest outbound SA of a reqid (the one the
  /// kernel sends with) had only a larval SA at the other peer, i.e. traffic
  /// would be dropped. Counted from the end of establish() (IKE_AUTH has such
  /// a step by design: its responder installs first).
  int larval_windows = 0;

  /// When `spi` first appeared in `side`'s kernel: later means newer (the
  /// kernel sends with a reqid's newest outbound SA).
  std::uint64_t installed_at(Side side, std::uint32_t spi) const;
  /// Records the SAs that appeared since the last call.
  void note_installs();

 private:
  struct Pending {
    Side to;
    sa::Datagram datagram;
  };
  void check(const std::string& step);

  HarnessPeer a_;
  HarnessPeer b_;
  std::map<std::uint32_t, std::uint64_t> seen_[2];
  bool down_[2] = {false, false};
  std::uint64_t install_clock_ = 0;
  std::deque<Pending> queue_;
  MonoTime now_ = MonoTime{} + hours(1);
};

/// Differences between what `peer`'s engine says it installed and what its
/// fake kernel holds: every installed SA flag has its SA (inbound ones
/// marked inbound, with the CHILD SA's reqid), no other SA, no larval SA left
/// when `idle`, the policies are those of the CHILD SAs owning them, and every
/// reqid with policies of a CHILD SA not being deleted has an inbound and an
/// outbound SA (no gap). `who` prefixes each line.
std::vector<std::string> kernel_mismatches(HarnessPeer& peer, const std::string& who, bool idle);

/// Both kernels at once, plus: for each reqid the newest outbound SA (the one
/// the kernel sends with) is an inbound SA of the other peer with the same
/// key; when `idle`, every outbound SA is. A larval counterpart counts (in
/// `peers.larval_windows`) when not idle.
std::vector<std::string> check_both(RekeyPeers& peers, bool idle);

/// The CHILD SAs of the only IKE SA of `peer` (empty without one).
const std::vector<sa::ChildSa>& children_of(HarnessPeer& peer);
const sa::IkeSa* only_ike_sa(HarnessPeer& peer);

/// A PSK pair like psk_connection_pair(), with `esp` as the ESP proposals of
/// every CHILD config on both sides (empty: defaults) and a second CHILD
/// config "lab" (10.88.2.0/24 === 10.88.1.0/24).
std::pair<std::shared_ptr<sa::Connection>, std::shared_ptr<sa::Connection>> rekey_connections(
    const std::string& esp_a = "", const std::string& esp_b = "");

/// 32 octets all `value`: a nonce to pin with ScriptedRandom::push.
Bytes nonce_of(std::uint8_t value);

/// The mismatches of kernel_mismatches()/check_both() as one line each, for
/// assertion messages.
std::string lines(const std::vector<std::string>& all);

}  // namespace ike::test
