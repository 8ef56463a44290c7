#pragma once
/// An exchange is a task (STYLE.md 2): one file each under src/sa/tasks/,
/// separate initiator and responder types with the same small interface.
///   initiator: build(request) ... process(response)
///   responder: process(request) ... build(response)
/// The task manager (engine) runs one initiator task at a time per IKE SA
/// and answers the peer's requests with responder tasks.

#include <string_view>
#include <vector>

#include "ike/crypto/cipher_algorithms.hpp"
#include "ike/crypto/pki/certificate_cache.hpp"
#include "ike/random.hpp"
#include "ike/sa/credentials.hpp"
#include "ike/sa/endpoint.hpp"
#include "ike/sa/events.hpp"
#include "ike/sa/ike_sa.hpp"
#include "ike/sa/kernel.hpp"
#include "ike/sa/time.hpp"
#include "ike/wire/header.hpp"
#include "ike/wire/payloads.hpp"

namespace ike::sa {

class ReqidRegistry;
class PrfCache;

/// What the task manager does after build() or process():
///
/// | status     | initiator task                               | responder task |
/// |------------|----------------------------------------------|-------------------------------------|
/// | done       | exchange finished; task removed, next starts | response sent; task removed | |
/// need_more  | build() again and send a new request (cookie | (not used) | |            | or
/// INVALID_KE retry of IKE_SA_INIT keeps its |                                     | |            |
/// message ID 0)                                |                                     | | failed |
/// exchange failed; task removed, IKE SA stays  | response sent (it carries the       | | | (e.g. a
/// CHILD SA refused)                    | refusal); IKE SA stays              | | destroy_sa | the
/// IKE SA is torn down                      | response sent, then IKE SA torn down|
enum class TaskStatus { done, need_more, failed, destroy_sa };
std::string_view to_string(TaskStatus status) noexcept;

/// The engine's table of IKE SAs as tasks see it: an IKE rekey (RFC 7296
/// 1.3.2, 2.18) creates an IKE SA, and a collision of two rekeys (2.8.1)
/// needs to find the one the peer created.
class IkeSaRegistry {
 public:
  virtual ~IkeSaRegistry() = default;
  /// An IKE SPI of ours that no IKE SA uses (with the engine's shard tag).
  virtual std::uint64_t allocate_ike_spi() = 0;
  /// Creates an IKE SA of `connection` known by `our_spi` and registers it;
  /// its queued requests are started once the current input is handled.
  /// nullptr when `our_spi` is taken meanwhile.
  virtual IkeSa* create_ike_sa(ConnectionPtr connection, bool initiator, std::uint64_t our_spi) = 0;
  /// The IKE SA with `serial`, or nullptr when it is gone or being destroyed.
  virtual IkeSa* find_ike_sa(std::uint32_t serial) noexcept = 0;
  /// Another live IKE SA with our identity of `sa` to the same peer address:
  /// then `sa` is not our first contact and sends no INITIAL_CONTACT.
  virtual bool has_other_ike_sa_to_peer(const IkeSa& sa) const = 0;
  /// INITIAL_CONTACT received on `sa` (RFC 7296 2.4, 3.10.1): the peer
  /// restarted, so every IKE SA between the same two identities that was up
  /// before `sa` began is stale and goes, with its CHILD SAs, without a
  /// Delete to the peer. Returns how many went.
  virtual std::size_t drop_ike_sas_replaced_by(IkeSa& sa) = 0;
  /// At IKE_AUTH, as responder: moves `sa` to the connection between the
  /// same addresses that suits the peer's identity (and the IDr it asked
  /// for) best, when that is not the one IKE_SA_INIT chose by address.
  virtual void choose_connection_by_identity(IkeSa& sa, const pki::Identity& peer_id,
                                             const std::optional<pki::Identity>& our_id) = 0;
};

/// Everything an exchange may touch besides its IKE SA; owned by the engine.
struct Services {
  RandomSource& random;
  Kernel& kernel;
  EventSink& events;
  const Credentials& credentials;
  const crypto::CipherAlgorithms& ciphers;
  /// Peer certificates parsed once, found again by their DER (DESIGN.md "Scale").
  pki::CertificateCache& certificates;
  MonoTime now{};
  WallTime wall_now{};
  /// Allocates CHILD SA serials and reqids unique within the engine.
  std::uint32_t* next_child_serial;
  std::uint32_t* next_reqid;
  /// Set by the engine; IKE rekeys need it.
  IkeSaRegistry* registry = nullptr;
  /// Set by the engine: reqids shared by CHILD SAs with the same config and
  /// selectors (src/sa/reqid_registry.hpp).
  ReqidRegistry* reqids = nullptr;
  /// Set by the engine: one prepared PRF per algorithm (src/sa/prf_cache.hpp).
  PrfCache* prfs = nullptr;

  void log(const IkeSa& sa, LogLevel level, std::string message) const;
  void publish(const IkeSa& sa, EventKind kind, std::string message,
               std::uint32_t child_serial = 0) const;
};

/// A received message after decryption and the exchange-rule check.
struct InboundMessage {
  const wire::IkeHeader& header;
  /// The payloads in clear for IKE_SA_INIT, the decrypted inner ones otherwise.
  const std::vector<wire::Payload>& payloads;
  /// The whole datagram as received (IKE_SA_INIT: for the AUTH octets).
  ByteView raw;
  Endpoint local;
  Endpoint remote;
};

/// A rekey the peer started and a responder task completed while an
/// initiator task of ours was in flight (RFC 7296 2.8.1): the responder hands
/// it to the active task's collide(), so "the lowest of the four nonces loses"
/// is decided in one place, when the response to our own request arrives.
struct PassiveRekey {
  /// CHILD rekey: the CHILD SA the peer rekeyed and the one that replaced it.
  std::uint32_t old_child_serial = 0;
  std::uint32_t new_child_serial = 0;
  /// IKE rekey: the IKE SA the peer's rekey created (0 for a CHILD rekey).
  std::uint32_t new_ike_serial = 0;
  Bytes nonce_i;  ///< the peer's, as initiator of that exchange
  Bytes nonce_r;  ///< ours
};

class Task {
 public:
  virtual ~Task() = default;
  /// For log lines: "IKE_SA_INIT initiator", "CHILD rekey responder".
  virtual std::string_view name() const = 0;
  virtual wire::ExchangeType exchange() const = 0;
  /// Initiator: fill the request. Responder: fill the response.
  virtual TaskStatus build(IkeSa& sa, Services& services, std::vector<wire::Payload>& out) = 0;
  /// Initiator: handle the response. Responder: handle the request.
  virtual TaskStatus process(IkeSa& sa, Services& services, const InboundMessage& in) = 0;
  /// For IKE_SA_INIT retries: the next request reuses the message ID of the
  /// one just answered (RFC 7296 2.6, 1.2) instead of taking a new one.
  virtual bool retry_keeps_message_id() const { return false; }
  /// Told by a responder task about a rekey the peer started meanwhile; tasks
  /// that can collide with one (CHILD and IKE rekeys) keep it for process().
  virtual void collide(const PassiveRekey&) {}
  /// The task is dropped unfinished because its IKE SA is being destroyed
  /// (the peer stopped answering, the operator tore it down): release what
  /// build() took from the kernel, such as an allocated inbound SPI.
  virtual void abandon(IkeSa&, Services&) {}
};

}  // namespace ike::sa
