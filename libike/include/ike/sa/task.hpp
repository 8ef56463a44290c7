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
};

}  // namespace ike::sa
