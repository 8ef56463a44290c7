#pragma once
/// The engine's state and the members that work on it, one group per file:
///   engine.cpp               the public API: sets the input's time, forwards, finishes the input
///   engine_sa_table.cpp      IKE SAs by our SPI: create, find, destroy, sweep
///   engine_routing.cpp       a datagram to its IKE SA; IKE_SA_INIT responders, cookies, strangers
///   engine_inbound.cpp       a message on an IKE SA: windows, decryption, responder tasks
///   engine_requests.cpp      our requests: the task queue, one request in flight, sending
///   engine_timers.cpp        retransmits, dead peers, scheduled work, the next deadline
///   engine_commands.cpp      operator commands: initiate, terminate, rekey
///   engine_connections.cpp   the configuration: add, replace, remove connections
///   engine_keying_tries.cpp  initiations: keyingtries retries, dpd_action=restart
///   engine_traps.cpp         auto=route: trap policies, ACQUIREs
///   engine_kernel_events.cpp what the kernel tells us: expires
///   engine_peer_address.cpp  the peer moved (NAT mapping, RFC 7296 2.23, RFC 3948)
///   engine_strangers.cpp     answers without an IKE SA (2.21.1, INVALID_IKE_SPI 2.21.4)
///   engine_sa_index.cpp      IKE SAs by connection, peer, identities, CHILD SA SPIs

#include <array>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "cookies.hpp"
#include "ike/sa/engine.hpp"
#include "ike/sa/shard_tag.hpp"
#include "ike/wire/message.hpp"
#include "prf_cache.hpp"
#include "reply_rate_limiter.hpp"
#include "reqid_registry.hpp"
#include "sa_index.hpp"
#include "trap_policies.hpp"

namespace ike::sa {

struct Engine::Impl final : IkeSaRegistry {
  Impl(EngineSettings engine_settings, RandomSource& random, Kernel& kernel, EventSink& events,
       const Credentials& credentials)
      : settings(engine_settings),
        policies(kernel),
        services{random,       policies, events, credentials,        ciphers,
                 certificates, {},       {},     &next_child_serial, &next_reqid},
        cookies(random, engine_settings.cookie_secret_lifetime),
        invalid_spi_answers(engine_settings.invalid_spi_interval,
                            engine_settings.invalid_spi_answers) {}

  EngineSettings settings;
  crypto::CipherAlgorithms ciphers;
  pki::CertificateCache certificates;
  std::uint32_t next_child_serial = 1;
  std::uint32_t next_reqid = 1;
  /// Reqids of CHILD SAs shared by config and selectors (both peers
  /// initiating at once give two IKE SAs with the same CHILD SA).
  ReqidRegistry reqids{next_reqid, ShardTag{settings.shard, settings.shard_bits}};
  PrfCache prfs;
  /// The kernel as tasks see it: CHILD SA policies take over traps.
  TrapPolicyKernel policies;
  Services services;
  /// Untagged: IKE SA serials (and reqids) carry shard_tag().
  std::uint32_t next_serial = 1;
  ShardTag shard_tag() const noexcept { return ShardTag{settings.shard, settings.shard_bits}; }
  std::map<std::string, ConnectionPtr, std::less<>> connections;
  /// Every IKE SA by the SPI we chose for it.
  std::unordered_map<std::uint64_t, std::unique_ptr<IkeSa>> sas;
  /// The same IKE SAs by serial (ikectl status looks each one up).
  std::unordered_map<std::uint32_t, IkeSa*> by_serial;
  /// Timers (engine_timers.cpp): every IKE SA with a deadline, by deadline,
  /// so neither next_deadline() nor a timeout visits every IKE SA. An input
  /// marks the IKE SAs it touched, and finish_input() files them again.
  std::set<std::pair<MonoTime, std::uint32_t>> timer_queue;
  /// Serials of IKE SAs with queued requests and nothing in flight: every
  /// timer run starts their next request, as it did when it visited all.
  std::set<std::uint32_t> kick_queue;
  std::vector<std::uint32_t> touched;
  void touch(const IkeSa& sa) { touched.push_back(sa.serial); }
  /// When `sa` next needs on_timer (absent: never, until an input changes it).
  std::optional<MonoTime> deadline_of(const IkeSa& sa) const;
  void file_timer(IkeSa& sa);
  void unfile_timer(IkeSa& sa);
  void file_touched_timers();
  void file_all_timers();
  std::vector<std::string> timer_index_mismatches() const;
  /// Lookup indexes (engine_sa_index.cpp, sa_index.hpp). By connection name:
  /// every IKE SA in `sas`, filed when created and when its connection
  /// switches (choose_connection_by_identity), removed when swept.
  SerialIndex<std::string, NameHash> by_connection;
  /// The others follow what IKE SAs' fields and CHILD SAs change to: they are
  /// brought up to date for the touched IKE SAs at the end of every input
  /// (file_touched_keys). Lookups during an input also look at `touched`.
  SerialIndex<std::size_t> by_peer;
  SerialIndex<std::size_t> by_identities;
  /// CHILD SAs' SPIs (inbound: ours; outbound: the peer's) -> IKE SAs.
  SerialIndex<std::uint32_t> by_inbound_spi;
  SerialIndex<std::uint32_t> by_outbound_spi;
  std::unordered_map<std::uint32_t, FiledKeys> filed_keys;
  void file_connection(const IkeSa& sa) { by_connection.add(sa.connection->name, sa.serial); }
  void file_keys(const IkeSa& sa);
  void unfile_keys(const IkeSa& sa);
  void file_touched_keys();
  /// A live IKE SA (not destroying) by serial.
  IkeSa* live_ike_sa(std::uint32_t serial) const noexcept;
  /// Serials of the IKE SAs of a connection, oldest first (destroying too).
  std::vector<std::uint32_t> serials_of(std::string_view connection) const;
  /// The IKE SA and CHILD SA owning the kernel SA (destination, spi): an
  /// inbound SA when the IKE SA's local address is the destination.
  struct KernelSaOwner {
    IkeSa* sa;
    ChildSa* child;
    bool inbound;
  };
  std::optional<KernelSaOwner> owner_of_kernel_sa(const IpAddress& destination,
                                                  std::uint32_t spi) const;
  std::vector<std::string> sa_index_mismatches() const;
  /// SPIs of IKE SAs that may have become `destroying` during this input:
  /// sweep_destroyed looks only at these, not at every IKE SA.
  std::vector<std::uint64_t> sweep_candidates;
  /// Responder SAs by the initiator's SPI, to recognise a retransmitted
  /// IKE_SA_INIT before SPIr is known to the peer.
  std::map<std::pair<std::uint64_t, std::string>, std::uint64_t> by_initiator_spi;
  std::size_t half_open = 0;
  std::deque<Datagram> outbox;
  CookieJar cookies;
  ReplyRateLimiter invalid_spi_answers;

  /// What a new IKE SA we initiate is to bring up, and which attempt it is.
  struct Initiation {
    ConnectionPtr connection;
    /// The first comes with IKE_AUTH, the others with CREATE_CHILD_SA.
    std::vector<const ChildConfig*> children;
    /// 1-based, counted against Connection::keying_tries.
    std::uint32_t attempt = 1;
    /// When to start it (pending ones only).
    MonoTime not_before{};
  };
  /// Initiator IKE SAs not established yet, by serial: what a retry repeats.
  std::unordered_map<std::uint32_t, Initiation> initiations;
  /// Initiations to start once the current input is handled or later:
  /// dpd_action=restart (decided while iterating over `sas`) and keyingtries
  /// retries.
  std::vector<Initiation> pending_initiations;

  /// auto=route: the traps of one connection.
  struct RoutedChild {
    std::string name;
    std::uint32_t reqid = 0;
    std::vector<PolicyRequest> traps;
  };
  struct Route {
    ConnectionPtr connection;  ///< the copy with fixed reqids, as in `connections`
    std::vector<RoutedChild> children;
  };
  std::map<std::string, Route, std::less<>> routes;
  /// ACQUIREs acted on, by reqid: the IKE SA that negotiates the CHILD SA.
  std::map<std::uint32_t, std::uint32_t> acquired;

  // --- every input (engine.cpp)
  void begin_input(MonoTime now, WallTime wall_now);
  /// Starts what the input left pending and removes destroyed IKE SAs.
  void finish_input();

  // --- SA lifecycle (engine_sa_table.cpp)
  std::uint64_t allocate_spi();
  IkeSa& create_sa(ConnectionPtr connection, bool initiator, MonoTime now);
  /// `announce`: publish ike_down or failed (false: a keyingtries retry follows).
  void destroy_sa(IkeSa& sa, const std::string& reason, bool announce = true);
  void sweep_destroyed();
  /// The IKE SA of `connection` that is being set up or is up, if any.
  IkeSa* usable_ike_sa(const Connection& connection);

  // --- IKE rekeys (IkeSaRegistry), CHILD SAs on existing IKE SAs (engine_sa_table.cpp)
  std::uint64_t allocate_ike_spi() override { return allocate_spi(); }
  IkeSa* create_ike_sa(ConnectionPtr connection, bool initiator, std::uint64_t our_spi) override;
  IkeSa* find_ike_sa(std::uint32_t serial) noexcept override;
  // --- INITIAL_CONTACT (engine_initial_contact.cpp)
  bool has_other_ike_sa_to_peer(const IkeSa& sa) const override;
  std::size_t drop_ike_sas_replaced_by(IkeSa& sa) override;
  void choose_connection_by_identity(IkeSa& sa, const pki::Identity& peer_id,
                                     const std::optional<pki::Identity>& our_id) override;
  /// IKE SAs a rekey created during the current input: their queued
  /// requests (moved from the old IKE SA) start once the input is handled.
  std::vector<std::uint64_t> adopted;
  void start_adopted();

  // --- datagrams to IKE SAs (engine_routing.cpp)
  void route_datagram(const Datagram& datagram);
  void handle_new_ike_sa_init(const wire::Message& message, const Datagram& datagram);
  bool passes_cookie_gate(const wire::Message& message, const Datagram& datagram);
  /// The cookie gate before decoding: under cookie pressure, a new
  /// IKE_SA_INIT request without a valid COOKIE is answered from its header
  /// and Nonce alone (true: answered, nothing more to do), so a flood of
  /// them costs a hash each, not a decode of every SA payload.
  bool answered_by_cookie_gate(const Datagram& datagram);
  void send_cookie(const wire::IkeHeader& request, ByteView nonce, const Datagram& datagram);
  const Connection* connection_for(const Datagram& datagram) const;

  // --- messages on an IKE SA (engine_inbound.cpp)
  void receive(IkeSa& sa, const wire::Message& message, const Datagram& datagram);
  void receive_request(IkeSa& sa, const wire::IkeHeader& header,
                       const std::vector<wire::Payload>& payloads, const Datagram& datagram);
  void receive_response(IkeSa& sa, const wire::IkeHeader& header,
                        const std::vector<wire::Payload>& payloads, const Datagram& datagram);

  // --- our requests (engine_requests.cpp)
  void start_next_request(IkeSa& sa);
  void send_request(IkeSa& sa, Task& task);
  void note_established(IkeSa& sa);
  void after_initiator_status(IkeSa& sa, TaskStatus status);
  void send_datagrams(IkeSa& sa, const std::vector<Bytes>& datagrams);

  // --- answers without an IKE SA (engine_strangers.cpp)
  void respond_to_stranger(const Datagram& datagram, const wire::IkeHeader& header,
                           const Error& error);
  /// A request for an IKE SA we do not have: N(INVALID_IKE_SPI), rate-limited.
  void answer_unknown_spi(const wire::Message& message, const Datagram& datagram);
  /// An unprotected N(INVALID_IKE_SPI) response: true when `message` is one
  /// (logged on `sa`, if known, and otherwise dropped).
  bool note_invalid_spi_notify(IkeSa* sa, const wire::Message& message, const Datagram& datagram);
  /// A log line about no IKE SA in particular.
  void log_without_sa(const std::string& connection, LogLevel level, std::string message);

  // --- time (engine_timers.cpp)
  void run_timers(MonoTime now);
  void on_timer(IkeSa& sa, MonoTime now);
  void give_up_on_peer(IkeSa& sa, const std::string& reason);
  /// RFC 3948 2.3: a keepalive when `sa` is behind a NAT and was silent for
  /// settings.nat_keepalive_interval (nat_keepalive.hpp).
  void send_due_nat_keepalive(IkeSa& sa, MonoTime now);
  std::optional<MonoTime> next_deadline() const;

  // --- initiations (engine_keying_tries.cpp)
  /// Starts a new initiator IKE SA for `initiation` and remembers it.
  IkeSa& start_initiation(Initiation initiation, MonoTime now);
  /// The negotiation of a new IKE SA we started failed: tries again while
  /// keyingtries allows (`peer_silent`: at once, else after
  /// keying_retry_delay), else destroys the SA with a `failed` event. Other
  /// IKE SAs are simply destroyed.
  void end_failed_initiation(IkeSa& sa, const std::string& reason, bool peer_silent);
  void start_due_initiations(MonoTime now);
  /// Pending initiations of `connection`, or of every connection (empty name).
  std::size_t drop_pending_initiations(std::string_view connection);
  bool initiation_pending(std::string_view connection, std::string_view child) const;

  // --- operator commands (engine_commands.cpp)
  Result<std::uint32_t> initiate(std::string_view connection_name, std::string_view child_name,
                                 MonoTime now);
  Status terminate(std::string_view connection_name);
  Status terminate_ike_sa(std::uint32_t serial);
  /// D(IKE) for an established IKE SA, destroy_sa otherwise.
  void end_ike_sa(IkeSa& sa);
  Status rekey(std::string_view connection_name, bool ike);
  Status rekey_child(std::string_view connection_name, std::string_view child_name);
  Status terminate_child(std::string_view connection_name, std::string_view child_name);

  // --- configuration (engine_connections.cpp)
  void add_connection(ConnectionPtr connection);
  void remove_connection(std::string_view name);

  // --- auto=route (engine_traps.cpp)
  Status route(std::string_view connection_name);
  Status unroute(std::string_view connection_name);
  void handle_kernel_acquire(const KernelAcquire& acquire, MonoTime now);

  // --- kernel events (engine_kernel_events.cpp)
  void handle_kernel_expire(const KernelExpire& expire);

  // --- the peer's endpoint (engine_peer_address.cpp)
  void handle_kernel_mapping(const KernelMapping& mapping);
  /// RFC 7296 2.23: an authenticated message from a new address or port of a
  /// peer behind a NAT moves the IKE SA and its CHILD SAs there.
  void follow_peer(IkeSa& sa, const Datagram& datagram, std::uint32_t message_id);
  /// Moves the IKE SA's remote endpoint and updates every CHILD SA's kernel
  /// SAs (and, when the address changes, its policies).
  void move_peer(IkeSa& sa, const Endpoint& remote, const std::string& why);
};

/// The key of by_initiator_spi's peer half.
inline std::string endpoint_key(const Endpoint& endpoint) {
  return endpoint.to_string();
}

}  // namespace ike::sa
