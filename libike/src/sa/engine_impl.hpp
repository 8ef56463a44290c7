#pragma once
/// The engine's state and the members that work on it, one group per file:
///   engine.cpp               the public API: sets the input's time, forwards, finishes the input
///   engine_sa_table.cpp      IKE SAs by our SPI: create, find, destroy, sweep
///   engine_routing.cpp       a datagram to its IKE SA; IKE_SA_INIT responders, cookies, strangers
///   engine_inbound.cpp       a message on an IKE SA: windows, decryption, responder tasks
///   engine_requests.cpp      our requests: the task queue, one request in flight, sending
///   engine_timers.cpp        retransmits, dead peers, scheduled work, the next deadline
///   engine_commands.cpp      operator commands: initiate, terminate, rekey
///   engine_kernel_events.cpp what the kernel tells us: expires

#include <array>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "cookies.hpp"
#include "ike/sa/engine.hpp"
#include "ike/wire/message.hpp"

namespace ike::sa {

struct Engine::Impl final : IkeSaRegistry {
  Impl(EngineSettings engine_settings, RandomSource& random, Kernel& kernel, EventSink& events,
       const Credentials& credentials)
      : settings(engine_settings),
        services{random,       kernel, events, credentials,        ciphers,
                 certificates, {},     {},     &next_child_serial, &next_reqid},
        cookies(random, engine_settings.cookie_secret_lifetime) {}

  EngineSettings settings;
  crypto::CipherAlgorithms ciphers;
  pki::CertificateCache certificates;
  std::uint32_t next_child_serial = 1;
  std::uint32_t next_reqid = 1;
  Services services;
  std::uint32_t next_serial = 1;
  std::map<std::string, ConnectionPtr, std::less<>> connections;
  /// Every IKE SA by the SPI we chose for it.
  std::unordered_map<std::uint64_t, std::unique_ptr<IkeSa>> sas;
  /// Responder SAs by the initiator's SPI, to recognise a retransmitted
  /// IKE_SA_INIT before SPIr is known to the peer.
  std::map<std::pair<std::uint64_t, std::string>, std::uint64_t> by_initiator_spi;
  std::size_t half_open = 0;
  std::deque<Datagram> outbox;
  CookieJar cookies;
  /// dpd_action=restart re-initiations decided while iterating over `sas`,
  /// started once the iteration is over.
  struct Restart {
    ConnectionPtr connection;
    /// The first comes with IKE_AUTH, the others with CREATE_CHILD_SA.
    std::vector<const ChildConfig*> children;
  };
  std::vector<Restart> restarts;

  // --- every input (engine.cpp)
  void begin_input(MonoTime now, WallTime wall_now);
  /// Starts what the input left pending and removes destroyed IKE SAs.
  void finish_input();

  // --- SA lifecycle (engine_sa_table.cpp)
  std::uint64_t allocate_spi();
  IkeSa& create_sa(ConnectionPtr connection, bool initiator, MonoTime now);
  void destroy_sa(IkeSa& sa, const std::string& reason);
  void sweep_destroyed();
  /// The IKE SA of `connection` that is being set up or is up, if any.
  IkeSa* usable_ike_sa(const Connection& connection);

  // --- IKE rekeys (IkeSaRegistry), CHILD SAs on existing IKE SAs (engine_sa_table.cpp)
  std::uint64_t allocate_ike_spi() override { return allocate_spi(); }
  IkeSa* create_ike_sa(ConnectionPtr connection, bool initiator, std::uint64_t our_spi) override;
  IkeSa* find_ike_sa(std::uint32_t serial) noexcept override;
  /// IKE SAs a rekey created during the current input: their queued
  /// requests (moved from the old IKE SA) start once the input is handled.
  std::vector<std::uint64_t> adopted;
  void start_adopted();

  // --- datagrams to IKE SAs (engine_routing.cpp)
  void route_datagram(const Datagram& datagram);
  void respond_to_stranger(const Datagram& datagram, const wire::IkeHeader& header,
                           const Error& error);
  void handle_new_ike_sa_init(const wire::Message& message, const Datagram& datagram);
  bool passes_cookie_gate(const wire::Message& message, const Datagram& datagram);
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
  void send_datagrams(const IkeSa& sa, const std::vector<Bytes>& datagrams);

  // --- time (engine_timers.cpp)
  void run_timers(MonoTime now);
  void on_timer(IkeSa& sa, MonoTime now);
  void give_up_on_peer(IkeSa& sa, const std::string& reason);
  void start_restarts(MonoTime now);
  std::optional<MonoTime> next_deadline() const;

  // --- operator commands (engine_commands.cpp)
  IkeSa& start_initiator(ConnectionPtr connection, const ChildConfig* child, MonoTime now);
  Result<std::uint32_t> initiate(std::string_view connection_name, std::string_view child_name,
                                 MonoTime now);
  Status terminate(std::string_view connection_name);
  Status rekey(std::string_view connection_name, bool ike);

  // --- kernel events (engine_kernel_events.cpp)
  void handle_kernel_expire(const KernelExpire& expire);
};

/// The key of by_initiator_spi's peer half.
inline std::string endpoint_key(const Endpoint& endpoint) {
  return endpoint.to_string();
}

}  // namespace ike::sa
