#pragma once
/// The sans-I/O IKEv2 engine (DESIGN.md "The core is sans-I/O"). Inputs: a
/// datagram arrived, time passed, an operator command, a kernel event; each
/// takes `now`. Outputs: datagrams to send (poll_transmit), the next deadline,
/// kernel requests (through Kernel), events (through EventSink).
///
///   engine.handle_datagram(datagram, now);
///   while (auto out = engine.poll_transmit()) socket.send(*out);
///   timer.expires_at(engine.next_deadline());

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ike/crypto/cipher_algorithms.hpp"
#include "ike/random.hpp"
#include "ike/sa/connection.hpp"
#include "ike/sa/credentials.hpp"
#include "ike/sa/endpoint.hpp"
#include "ike/sa/events.hpp"
#include "ike/sa/ike_sa.hpp"
#include "ike/sa/kernel.hpp"
#include "ike/sa/task.hpp"

namespace ike::sa {

struct EngineSettings {
  /// Half-open IKE SAs beyond which IKE_SA_INIT requests must return a COOKIE
  /// first (RFC 7296 2.6).
  std::size_t cookie_threshold = 1000;
  /// How long one cookie secret is used before a new one replaces it; the
  /// previous secret stays valid for one more interval (RFC 7296 2.6).
  Duration cookie_secret_lifetime = minutes(2);
  /// A responder's half-open SA is dropped after this long without IKE_AUTH.
  Duration half_open_timeout = seconds(30);
  /// Nonce size we send (RFC 7296 2.10: at least half the PRF key size).
  std::size_t nonce_size = 32;
  /// Tag for the SPIs we allocate: the top bits of every SPI we hand out, so a
  /// sharded daemon routes a message to its shard by SPI (DESIGN.md "Scale").
  /// With shard_bits > 0, IKE SA serials and reqids carry it in their low
  /// bits (shard_tag.hpp: `(counter << shard_bits) | shard`), so they are
  /// unique across the engines and ShardTag::shard_of finds the owner. CHILD
  /// SA serials are per engine (found through their IKE SA's serial).
  std::uint8_t shard = 0;
  std::uint8_t shard_bits = 0;
  /// keyingtries: a negotiation we started that the peer refused (an error
  /// notify) is tried again after this long; one the peer never answered is
  /// tried again at once (its retransmissions took long enough).
  Duration keying_retry_delay = seconds(10);
  /// Unprotected INVALID_IKE_SPI answers to requests for IKE SAs we do not
  /// have (RFC 7296 2.21.4): at most one per source address per interval and
  /// at most `invalid_spi_answers` in all per interval, so a flood of spoofed
  /// requests neither makes us a reflector nor costs unbounded memory.
  Duration invalid_spi_interval = seconds(1);
  std::size_t invalid_spi_answers = 64;
  /// An IKE SA behind a NAT sends a NAT keepalive (RFC 3948 2.3) when it sent
  /// the peer nothing for this long (ipsec.conf keep_alive; zero: never).
  Duration nat_keepalive_interval = seconds(20);
};

class Engine {
 public:
  Engine(EngineSettings settings, RandomSource& random, Kernel& kernel, EventSink& events,
         const Credentials& credentials);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // --- configuration
  /// Adds `connection`, or replaces the connection of the same name (a
  /// reload): running IKE SAs keep the Connection they were created with
  /// (they hold its shared_ptr); new negotiations use the new one. A routed
  /// connection stays routed: its traps are replaced by the new one's.
  void add_connection(ConnectionPtr connection);
  /// Drops the connection (a reload without it): it is unrouted and pending
  /// keyingtries retries of it are dropped; running IKE SAs live on.
  void remove_connection(std::string_view name);
  const Connection* find_connection(std::string_view name) const noexcept;
  /// Every connection, by name.
  std::vector<ConnectionPtr> connections() const;
  /// Certificates are checked for validity at this time; the daemon sets it
  /// before each input (libike reads no clock).
  void set_wall_time(WallTime wall_now) noexcept { wall_now_ = wall_now; }
  /// EngineSettings::nat_keepalive_interval after a reload (zero: none).
  void set_nat_keepalive_interval(Duration interval) noexcept;

  // --- inputs
  void handle_datagram(const Datagram& datagram, MonoTime now);
  void handle_timeout(MonoTime now);
  /// The kernel's lifetime of a CHILD SA's ESP SA ran out: soft rekeys the
  /// CHILD SA, hard (the kernel removed the SA) deletes it. Unknown SAs are
  /// ignored.
  void handle_kernel_expire(const KernelExpire& expire, MonoTime now);
  /// `ikectl up`: starts an IKE SA for the connection (with the named CHILD
  /// SA, or its first one), or a new CHILD SA on an established IKE SA.
  /// An IKE SA of the connection being set up or up is reused: one IKE SA per
  /// connection (strongSwan issue 1801); a CHILD SA already up is not
  /// duplicated; a CHILD SA missing on an established IKE SA is created with
  /// CREATE_CHILD_SA. keyingtries: a negotiation of a new IKE SA that fails
  /// (no answer, or an error notify other than COOKIE/INVALID_KE) is started
  /// again on a new IKE SA until Connection::keying_tries attempts were made
  /// (0: forever), each retry logged "trying again (attempt 2 of 3)"; the
  /// `failed` event comes only with the last attempt. Returns the IKE SA's
  /// serial.
  Result<std::uint32_t> initiate(std::string_view connection, std::string_view child, MonoTime now);
  /// `ikectl rekey`: rekeys the established IKE SAs of the connection
  /// (`ike`), or all their CHILD SAs.
  Status rekey(std::string_view connection, bool ike, MonoTime now);
  /// `ikectl rekey` of one CHILD of a connection with several (conns that
  /// share an IKE SA): rekeys only that CHILD's CHILD SAs.
  Status rekey_child(std::string_view connection, std::string_view child, MonoTime now);
  /// `ikectl down`: deletes every IKE SA of the connection (and their CHILD
  /// SAs) and drops pending keyingtries retries. Trap policies stay (unroute).
  Status terminate(std::string_view connection, MonoTime now);
  /// `ikectl down name[serial]`: deletes only the IKE SA with `serial` (and
  /// its CHILD SAs), e.g. one of two that both peers initiated at once.
  Status terminate_ike_sa(std::uint32_t serial, MonoTime now);
  /// `ikectl down` of one CHILD of a connection with several: deletes that
  /// CHILD's CHILD SAs (INFORMATIONAL with Delete) and keeps the IKE SA for
  /// the others. An IKE SA left with no CHILD SA of another CHILD (none
  /// installed or being created) is deleted whole, and one still being set
  /// up is ended when it negotiates only this CHILD.
  Status terminate_child(std::string_view connection, std::string_view child, MonoTime now);
  /// auto=route: installs a trap policy (PolicyRequest::trap, direction out)
  /// for every CHILD of the connection; a packet matching one makes the
  /// kernel send an ACQUIRE (handle_kernel_acquire). The connection is
  /// replaced by a copy in which every CHILD has a fixed reqid (reqid 0 gets
  /// one from the engine), so the CHILD SAs negotiated for it match the trap.
  /// A CHILD SA's own policies take the place of a trap with the same
  /// selectors while it is installed; the trap comes back when it goes.
  /// Routing a routed connection again replaces its traps. Fails for an
  /// unknown connection or one without a local or remote address.
  Status route(std::string_view connection, MonoTime now);
  /// Removes exactly the traps route() installed; SAs are not touched.
  Status unroute(std::string_view connection);
  bool is_routed(std::string_view connection) const noexcept;

  /// A packet matched a trap: initiates the routed CHILD with that reqid
  /// (as initiate(connection, child)) unless a negotiation for it is under
  /// way or it is up already. Unknown reqids are ignored.
  void handle_kernel_acquire(const KernelAcquire& acquire, MonoTime now);
  /// The kernel received authenticated ESP-in-UDP for one of our inbound SAs
  /// from a new address or port (a NAT mapping changed, RFC 3948): on an IKE
  /// SA with a NAT (or forced encapsulation), the peer's endpoint of the IKE
  /// SA and of all its CHILD SAs' kernel SAs move there. Ignored otherwise.
  void handle_kernel_mapping(const KernelMapping& mapping, MonoTime now);

  // --- outputs
  std::optional<Datagram> poll_transmit();
  std::optional<MonoTime> next_deadline() const;

  // --- status
  std::vector<const IkeSa*> ike_sas() const;
  /// How many ike_sas() would return, without building the list.
  std::size_t ike_sa_count() const noexcept;
  const IkeSa* find_ike_sa(std::uint32_t serial) const noexcept;
  /// Serials of the connection's live IKE SAs (any state but destroying),
  /// ascending; the IKE SAs before a reload count under the same name.
  std::vector<std::uint32_t> ike_sas_of(std::string_view connection) const;
  std::size_t half_open_count() const noexcept;
  /// Self-check for tests: where the engine's timer index (which IKE SA is
  /// due when) disagrees with the IKE SAs themselves; empty when consistent.
  std::vector<std::string> timer_index_mismatches() const;
  /// Self-check for tests: where the lookup indexes (IKE SAs by connection,
  /// peer, identities, CHILD SA SPIs) disagree with a full scan of the IKE
  /// SAs; empty when consistent.
  std::vector<std::string> sa_index_mismatches() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  WallTime wall_now_{};
};

}  // namespace ike::sa
