#include "ike/sa/engine.hpp"

#include <algorithm>
#include <array>

#include "child_installer.hpp"
#include "cookies.hpp"
#include "ike/wire/exchange_rules.hpp"
#include "ike/wire/message.hpp"
#include "message_io.hpp"
#include "scheduled_work.hpp"
#include "tasks/liveness.hpp"
#include "tasks/tasks.hpp"

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

  // --- SA lifecycle
  std::uint64_t allocate_spi();
  IkeSa& create_sa(ConnectionPtr connection, bool initiator, MonoTime now);
  IkeSa& start_initiator(ConnectionPtr connection, const ChildConfig* child, MonoTime now);
  void give_up_on_peer(IkeSa& sa, const std::string& reason);
  void start_restarts(MonoTime now);
  void destroy_sa(IkeSa& sa, const std::string& reason);
  void sweep_destroyed();

  // --- message flow
  void receive(IkeSa& sa, const wire::Message& message, const Datagram& datagram);
  void receive_request(IkeSa& sa, const wire::IkeHeader& header,
                       const std::vector<wire::Payload>& payloads, const Datagram& datagram);
  void receive_response(IkeSa& sa, const wire::IkeHeader& header,
                        const std::vector<wire::Payload>& payloads, const Datagram& datagram);
  void start_next_request(IkeSa& sa);
  void send_request(IkeSa& sa, Task& task);
  void note_established(IkeSa& sa);
  void after_initiator_status(IkeSa& sa, TaskStatus status);
  void send_datagrams(const IkeSa& sa, const std::vector<Bytes>& datagrams);
  void respond_to_stranger(const Datagram& datagram, const wire::IkeHeader& header,
                           const Error& error);
  void handle_new_ike_sa_init(const wire::Message& message, const Datagram& datagram);
  bool passes_cookie_gate(const wire::Message& message, const Datagram& datagram);
  const Connection* connection_for(const Datagram& datagram) const;
  void on_timer(IkeSa& sa, MonoTime now);

  // --- IKE rekeys (IkeSaRegistry), CHILD SAs on existing IKE SAs
  std::uint64_t allocate_ike_spi() override { return allocate_spi(); }
  IkeSa* create_ike_sa(ConnectionPtr connection, bool initiator, std::uint64_t our_spi) override;
  IkeSa* find_ike_sa(std::uint32_t serial) noexcept override;
  /// IKE SAs a rekey created during the current input: their queued
  /// requests (moved from the old IKE SA) start once the input is handled.
  std::vector<std::uint64_t> adopted;
  void start_adopted();
  /// The IKE SA of `connection` that is being set up or is up, if any.
  IkeSa* usable_ike_sa(const Connection& connection);
};

namespace {
std::string endpoint_key(const Endpoint& endpoint) {
  return endpoint.to_string();
}
}  // namespace

std::uint64_t Engine::Impl::allocate_spi() {
  for (;;) {
    std::array<std::uint8_t, 8> bytes{};
    services.random.fill(bytes);
    std::uint64_t spi = 0;
    for (auto byte : bytes)
      spi = spi << 8 | byte;
    if (settings.shard_bits > 0) {
      unsigned shift = 64 - settings.shard_bits;
      spi = (spi & ((std::uint64_t{1} << shift) - 1)) | (std::uint64_t{settings.shard} << shift);
    }
    if (spi != 0 && !sas.contains(spi)) return spi;
  }
}

IkeSa& Engine::Impl::create_sa(ConnectionPtr connection, bool initiator, MonoTime now) {
  auto spi = allocate_spi();
  auto sa = std::make_unique<IkeSa>(next_serial++, std::move(connection), initiator);
  (initiator ? sa->spi_i : sa->spi_r) = spi;
  sa->created_at = now;
  sa->last_heard = now;
  auto& ref = *sa;
  sas.emplace(spi, std::move(sa));
  return ref;
}

IkeSa* Engine::Impl::create_ike_sa(ConnectionPtr connection, bool initiator,
                                   std::uint64_t our_spi) {
  if (our_spi == 0 || sas.contains(our_spi)) return nullptr;
  auto sa = std::make_unique<IkeSa>(next_serial++, std::move(connection), initiator);
  (initiator ? sa->spi_i : sa->spi_r) = our_spi;
  sa->created_at = services.now;
  sa->last_heard = services.now;
  auto* created = sa.get();
  sas.emplace(our_spi, std::move(sa));
  adopted.push_back(our_spi);
  return created;
}

IkeSa* Engine::Impl::find_ike_sa(std::uint32_t serial) noexcept {
  for (auto& [spi, sa] : sas) {
    if (sa->serial == serial && sa->state != IkeState::destroying) return sa.get();
  }
  return nullptr;
}

void Engine::Impl::start_adopted() {
  auto pending = std::move(adopted);
  adopted.clear();
  for (auto spi : pending) {
    if (auto it = sas.find(spi); it != sas.end()) start_next_request(*it->second);
  }
}

IkeSa* Engine::Impl::usable_ike_sa(const Connection& connection) {
  for (auto& [spi, sa] : sas) {
    if (sa->connection->name != connection.name) continue;
    if (sa->state == IkeState::established || sa->state == IkeState::rekeying ||
        (sa->initiator && (sa->state == IkeState::connecting || sa->state == IkeState::created))) {
      return sa.get();
    }
  }
  return nullptr;
}

void Engine::Impl::destroy_sa(IkeSa& sa, const std::string& reason) {
  if (sa.state == IkeState::destroying) return;
  // An exchange cut short releases what it took from the kernel (task.hpp).
  if (sa.active) {
    sa.active->abandon(sa, services);
    sa.active.reset();
  }
  for (auto& child : sa.children)
    uninstall_child(sa, child, services, "IKE SA " + reason);
  sa.children.clear();
  // An IKE SA a rekey replaced lives on in its successor: no ike_down.
  bool replaced = sa.state == IkeState::rekeyed;
  bool was_up = sa.state == IkeState::established || sa.state == IkeState::rekeying ||
                sa.state == IkeState::deleting;
  if (sa.half_open_deadline && half_open > 0) --half_open;
  sa.half_open_deadline.reset();
  sa.state = IkeState::destroying;
  sa.requests.abandon();
  sa.last_failure = reason;
  if (replaced) {
    services.log(sa, LogLevel::info, "replaced IKE SA removed: " + reason);
    return;
  }
  services.publish(sa, was_up ? EventKind::ike_down : EventKind::failed, reason);
}

void Engine::Impl::sweep_destroyed() {
  for (auto it = sas.begin(); it != sas.end();) {
    if (it->second->state == IkeState::destroying) {
      if (!it->second->initiator) {
        by_initiator_spi.erase({it->second->spi_i, endpoint_key(it->second->remote)});
      }
      it = sas.erase(it);
    } else {
      ++it;
    }
  }
}

void Engine::Impl::send_datagrams(const IkeSa& sa, const std::vector<Bytes>& datagrams) {
  for (const auto& bytes : datagrams)
    outbox.push_back(Datagram{sa.local, sa.remote, bytes});
}

void Engine::Impl::start_next_request(IkeSa& sa) {
  if (sa.state == IkeState::destroying || sa.active || sa.requests.busy() || sa.queued.empty()) {
    return;
  }
  sa.active = std::move(sa.queued.front());
  sa.queued.pop_front();
  send_request(sa, *sa.active);
}

void Engine::Impl::note_established(IkeSa& sa) {
  if (sa.state == IkeState::established && sa.half_open_deadline) {
    sa.half_open_deadline.reset();
    if (half_open > 0) --half_open;
  }
}

void Engine::Impl::send_request(IkeSa& sa, Task& task) {
  std::vector<wire::Payload> payloads;
  auto status = task.build(sa, services, payloads);
  if (status != TaskStatus::done && status != TaskStatus::need_more) {
    sa.active.reset();
    after_initiator_status(sa, status);
    return;
  }
  auto message_id = sa.requests.next_id();
  auto datagrams =
      build_datagrams(sa, services, task.exchange(), /*response=*/false, message_id, payloads);
  if (!datagrams) {
    services.log(sa, LogLevel::error,
                 std::string(task.name()) + ": cannot send request: " + datagrams.error().reason);
    sa.active.reset();
    destroy_sa(sa, "cannot build " + wire::to_string(task.exchange()) + " request");
    return;
  }
  if (task.exchange() == wire::ExchangeType::ike_sa_init) sa.init_message_ours = datagrams->front();
  send_datagrams(sa, *datagrams);
  sa.requests.sent(std::move(*datagrams), services.now, sa.connection->retransmit);
}

void Engine::Impl::after_initiator_status(IkeSa& sa, TaskStatus status) {
  switch (status) {
    case TaskStatus::done:
    case TaskStatus::failed:
      sa.active.reset();
      start_next_request(sa);
      break;
    case TaskStatus::need_more:
      send_request(sa, *sa.active);
      break;
    case TaskStatus::destroy_sa:
      sa.active.reset();
      destroy_sa(sa, sa.last_failure.empty() ? "negotiation failed" : sa.last_failure);
      break;
  }
}

void Engine::Impl::receive_response(IkeSa& sa, const wire::IkeHeader& header,
                                    const std::vector<wire::Payload>& payloads,
                                    const Datagram& datagram) {
  if (!sa.active || !sa.requests.accept_response(header.message_id)) {
    services.log(sa, LogLevel::debug,
                 "dropping response with message ID " + std::to_string(header.message_id) +
                     " that answers no request in flight");
    return;
  }
  InboundMessage in{header, payloads, datagram.bytes, datagram.local, datagram.remote};
  auto status = sa.active->process(sa, services, in);
  // A COOKIE or INVALID_KE retry of IKE_SA_INIT goes out with the message ID
  // just answered (RFC 7296 2.6).
  if (status == TaskStatus::need_more && sa.active->retry_keeps_message_id()) {
    sa.requests.reset(header.message_id);
  }
  note_established(sa);
  after_initiator_status(sa, status);
}

void Engine::Impl::receive_request(IkeSa& sa, const wire::IkeHeader& header,
                                   const std::vector<wire::Payload>& payloads,
                                   const Datagram& datagram) {
  InboundMessage in{header, payloads, datagram.bytes, datagram.local, datagram.remote};
  std::unique_ptr<Task> task;
  if (header.exchange == wire::ExchangeType::ike_sa_init) {
    task = make_ike_init_responder();
  } else if (header.exchange == wire::ExchangeType::ike_auth) {
    task = make_ike_auth_responder();
  } else {
    task = make_responder_task(sa, in);
  }
  std::vector<wire::Payload> response;
  TaskStatus status = TaskStatus::done;
  if (task) {
    status = task->process(sa, services, in);
    auto build_status = task->build(sa, services, response);
    if (status == TaskStatus::done) status = build_status;
  }
  auto exchange = header.exchange;
  auto datagrams =
      build_datagrams(sa, services, exchange, /*response=*/true, header.message_id, response);
  if (!datagrams) {
    services.log(sa, LogLevel::error,
                 "cannot answer " + wire::to_string(exchange) + ": " + datagrams.error().reason);
    destroy_sa(sa, "cannot answer " + wire::to_string(exchange));
    return;
  }
  if (exchange == wire::ExchangeType::ike_sa_init) sa.init_message_ours = datagrams->front();
  send_datagrams(sa, *datagrams);
  sa.responses.answered(header.message_id, std::move(*datagrams));
  if (status == TaskStatus::destroy_sa) {
    destroy_sa(sa, sa.last_failure.empty() ? "refused by responder" : sa.last_failure);
    return;
  }
  note_established(sa);
  start_next_request(sa);
}

void Engine::Impl::receive(IkeSa& sa, const wire::Message& message, const Datagram& datagram) {
  const auto& header = message.header;
  bool response = header.is_response();
  if (!response) {
    switch (sa.responses.classify(header.message_id)) {
      case ResponseWindow::Verdict::retransmission:
        // RFC 7383 2.6.1: of a retransmitted fragmented request only fragment
        // number 1 triggers the resend, not every fragment that arrives.
        if (const auto* fragment = message.encrypted_fragment();
            fragment && fragment->number != 1) {
          return;
        }
        services.log(sa, LogLevel::debug,
                     "retransmitted request " + std::to_string(header.message_id) +
                         ", sending the cached response");
        send_datagrams(sa, sa.responses.cached_response());
        return;
      case ResponseWindow::Verdict::out_of_window:
        services.log(sa, LogLevel::debug,
                     "dropping request with message ID " + std::to_string(header.message_id) +
                         " (expected " + std::to_string(sa.responses.expected_id()) + ")");
        return;
      case ResponseWindow::Verdict::new_request:
        break;
    }
  } else if (sa.requests.in_flight_id() != header.message_id) {
    services.log(sa, LogLevel::debug,
                 "dropping response " + std::to_string(header.message_id) + " to no request");
    return;
  }

  if (header.exchange == wire::ExchangeType::ike_sa_init) {
    if (auto rules = wire::check_exchange_rules(header, message.payloads, nullptr); !rules) {
      services.log(sa, LogLevel::warning, "dropping message: " + rules.error().reason);
      return;
    }
    sa.init_message_peers = datagram.bytes;
    sa.last_heard = services.now;
    if (response) {
      receive_response(sa, header, message.payloads, datagram);
    } else {
      receive_request(sa, header, message.payloads, datagram);
    }
    return;
  }

  auto opened = open_datagram(sa, message, datagram.bytes);
  if (!opened) {
    services.log(sa, LogLevel::warning,
                 "dropping " + wire::to_string(header.exchange) + ": " + opened.error().reason);
    return;
  }
  if (!opened->has_value()) return;  // a fragment, more to come
  auto& plain = **opened;
  if (auto rules = wire::check_exchange_rules(plain.header, message.payloads, &plain.payloads);
      !rules) {
    services.log(sa, LogLevel::warning, "dropping message: " + rules.error().reason);
    return;
  }
  sa.last_heard = services.now;
  if (response) {
    receive_response(sa, plain.header, plain.payloads, datagram);
  } else {
    receive_request(sa, plain.header, plain.payloads, datagram);
  }
}

const Connection* Engine::Impl::connection_for(const Datagram& datagram) const {
  // The first connection whose addresses admit this peer; identities are
  // checked later, in IKE_AUTH.
  for (const auto& [name, connection] : connections) {
    bool local_ok =
        connection->local_address.is_zero() || connection->local_address == datagram.local.address;
    bool remote_ok = connection->remote_address.is_zero() ||
                     connection->remote_address == datagram.remote.address;
    if (local_ok && remote_ok &&
        connection->local_address.family() == datagram.local.address.family()) {
      return connection.get();
    }
  }
  for (const auto& [name, connection] : connections) {
    bool remote_ok = connection->remote_address.is_zero() ||
                     connection->remote_address == datagram.remote.address;
    if (remote_ok && connection->local_address.is_zero()) return connection.get();
  }
  return nullptr;
}

void Engine::Impl::respond_to_stranger(const Datagram& datagram, const wire::IkeHeader& header,
                                       const Error& error) {
  // RFC 7296 2.21.1: an unprotected IKE_SA_INIT request that cannot be parsed
  // is answered with a notify in an IKE_SA_INIT response; nothing else is.
  if (header.is_response() || header.exchange != wire::ExchangeType::ike_sa_init) return;
  wire::IkeHeader reply = header;
  reply.major_version = 2;
  reply.minor_version = 0;
  reply.flags = wire::IkeHeader::kFlagResponse;
  std::vector<wire::Payload> payloads;
  auto notify = wire::notify_for_error(error);
  payloads.push_back(wire::make_notify(notify.type, notify.data));
  outbox.push_back(
      Datagram{datagram.local, datagram.remote, wire::encode_message(reply, payloads)});
}

void Engine::Impl::handle_new_ike_sa_init(const wire::Message& message, const Datagram& datagram) {
  const auto& header = message.header;
  auto known = by_initiator_spi.find({header.spi_initiator, endpoint_key(datagram.remote)});
  if (known != by_initiator_spi.end()) {
    if (auto it = sas.find(known->second); it != sas.end()) {
      receive(*it->second, message, datagram);
      return;
    }
  }
  if (!passes_cookie_gate(message, datagram)) return;
  const Connection* connection = connection_for(datagram);
  if (!connection) {
    Event event;
    event.kind = EventKind::log;
    event.level = LogLevel::warning;
    event.message = "IKE_SA_INIT from " + datagram.remote.to_string() +
                    " matches no connection; answering NO_PROPOSAL_CHOSEN";
    services.events.publish(event);
    wire::IkeHeader reply = header;
    reply.flags = wire::IkeHeader::kFlagResponse;
    std::vector<wire::Payload> payloads{wire::make_notify(wire::NotifyType::no_proposal_chosen)};
    outbox.push_back(
        Datagram{datagram.local, datagram.remote, wire::encode_message(reply, payloads)});
    return;
  }
  auto& sa =
      create_sa(connections.find(connection->name)->second, /*initiator=*/false, services.now);
  sa.spi_i = header.spi_initiator;
  sa.local = datagram.local;
  sa.remote = datagram.remote;
  sa.state = IkeState::connecting;
  sa.half_open_deadline = services.now + settings.half_open_timeout;
  ++half_open;
  by_initiator_spi[{sa.spi_i, endpoint_key(sa.remote)}] = sa.spi_r;
  receive(sa, message, datagram);
}

bool Engine::Impl::passes_cookie_gate(const wire::Message& message, const Datagram& datagram) {
  // RFC 7296 2.6: below the threshold no cookie is asked for.
  if (half_open < settings.cookie_threshold) return true;
  const auto& header = message.header;
  const auto* nonce =
      wire::find_body<wire::NoncePayload>(message.payloads, wire::PayloadType::nonce);
  if (!nonce) return false;  // nothing to bind a cookie to; dropped without state
  // A retried request carries the COOKIE as its first payload.
  const auto& payloads = message.payloads;
  if (!payloads.empty() && payloads.front().type == wire::PayloadType::notify) {
    const auto& first = std::get<wire::NotifyPayload>(payloads.front().body);
    if (first.type == wire::NotifyType::cookie &&
        cookies.verify(first.data, nonce->data, datagram.remote.address, header.spi_initiator,
                       services.now)) {
      return true;
    }
  }
  wire::IkeHeader reply = header;
  reply.flags = wire::IkeHeader::kFlagResponse;
  reply.spi_responder = 0;
  std::vector<wire::Payload> answer{wire::make_notify(
      wire::NotifyType::cookie,
      cookies.make(nonce->data, datagram.remote.address, header.spi_initiator, services.now))};
  outbox.push_back(Datagram{datagram.local, datagram.remote, wire::encode_message(reply, answer)});
  return false;
}

IkeSa& Engine::Impl::start_initiator(ConnectionPtr connection, const ChildConfig* child,
                                     MonoTime now) {
  auto& sa = create_sa(connection, /*initiator=*/true, now);
  sa.local = Endpoint{connection->local_address, connection->local_port};
  sa.remote = Endpoint{connection->remote_address, connection->remote_port};
  sa.state = IkeState::connecting;
  sa.queued.push_back(make_ike_init_initiator());
  sa.queued.push_back(make_ike_auth_initiator(child));
  start_next_request(sa);
  return sa;
}

void Engine::Impl::give_up_on_peer(IkeSa& sa, const std::string& reason) {
  // RFC 7296 2.4: an established peer that stops answering is dead; its
  // CHILD SAs' dpd_action says what follows (liveness.hpp).
  bool was_up = sa.state == IkeState::established || sa.state == IkeState::rekeying;
  if (!was_up) {
    destroy_sa(sa, reason);
    return;
  }
  auto plan = plan_dead_peer(sa, services);
  auto connection = sa.connection;
  destroy_sa(sa, reason);
  if (!plan.restart) return;
  restarts.push_back(Restart{connection, std::move(plan.restart_children)});
}

void Engine::Impl::start_restarts(MonoTime now) {
  auto pending = std::move(restarts);
  restarts.clear();
  for (auto& restart : pending) {
    const auto& children = restart.children;
    auto& sa =
        start_initiator(restart.connection, children.empty() ? nullptr : children.front(), now);
    for (std::size_t i = 1; i < children.size(); ++i)
      sa.queued.push_back(make_child_create_initiator(*children[i]));
  }
}

void Engine::Impl::on_timer(IkeSa& sa, MonoTime now) {
  if (sa.state == IkeState::destroying) return;
  if (sa.half_open_deadline && now >= *sa.half_open_deadline && sa.state != IkeState::established) {
    destroy_sa(sa, "half-open IKE SA timed out");
    return;
  }
  switch (sa.requests.on_timer(now, sa.connection->retransmit)) {
    case RequestWindow::TimerOutcome::nothing:
      break;
    case RequestWindow::TimerOutcome::retransmit:
      services.log(sa, LogLevel::info,
                   "retransmitting request " + std::to_string(*sa.requests.in_flight_id()));
      send_datagrams(sa, sa.requests.datagrams());
      break;
    case RequestWindow::TimerOutcome::give_up:
      give_up_on_peer(sa, "peer did not answer request " +
                              std::to_string(*sa.requests.in_flight_id()) + " after " +
                              std::to_string(sa.connection->retransmit.tries) + " retransmissions");
      return;
  }
  if (auto reason = run_scheduled_work(sa, services)) {
    destroy_sa(sa, *reason);
    return;
  }
  start_next_request(sa);
}

// ---------------------------------------------------------------- Engine

Engine::Engine(EngineSettings settings, RandomSource& random, Kernel& kernel, EventSink& events,
               const Credentials& credentials)
    : impl_(std::make_unique<Impl>(settings, random, kernel, events, credentials)) {
  impl_->services.registry = impl_.get();
}

Engine::~Engine() = default;

void Engine::add_connection(ConnectionPtr connection) {
  auto name = connection->name;
  impl_->connections[name] = std::move(connection);
}

const Connection* Engine::find_connection(std::string_view name) const noexcept {
  auto it = impl_->connections.find(name);
  return it == impl_->connections.end() ? nullptr : it->second.get();
}

void Engine::handle_datagram(const Datagram& datagram, MonoTime now) {
  auto& impl = *impl_;
  impl.services.now = now;
  impl.services.wall_now = wall_now_;
  auto message = wire::decode_message(datagram.bytes);
  if (!message) {
    if (auto header = wire::peek_header(datagram.bytes)) {
      impl.respond_to_stranger(datagram, *header, message.error());
    }
    return;
  }
  const auto& header = message->header;
  if (header.exchange == wire::ExchangeType::ike_sa_init && !header.is_response() &&
      header.spi_responder == 0) {
    impl.handle_new_ike_sa_init(*message, datagram);
  } else {
    // Our SPI is SPIr in messages from the original initiator, SPIi otherwise.
    auto our_spi = header.from_initiator() ? header.spi_responder : header.spi_initiator;
    auto it = impl.sas.find(our_spi);
    if (it != impl.sas.end() && it->second->state != IkeState::destroying) {
      impl.receive(*it->second, *message, datagram);
    }
  }
  impl.start_adopted();
  impl.sweep_destroyed();
}

void Engine::handle_timeout(MonoTime now) {
  auto& impl = *impl_;
  impl.services.now = now;
  impl.services.wall_now = wall_now_;
  for (auto& [spi, sa] : impl.sas)
    impl.on_timer(*sa, now);
  impl.start_adopted();
  impl.sweep_destroyed();
  impl.start_restarts(now);
}

Result<std::uint32_t> Engine::initiate(std::string_view connection_name,
                                       std::string_view child_name, MonoTime now) {
  auto& impl = *impl_;
  impl.services.now = now;
  impl.services.wall_now = wall_now_;
  auto it = impl.connections.find(connection_name);
  if (it == impl.connections.end()) {
    return make_error(Errc::invalid_argument,
                      "no connection named '" + std::string(connection_name) + "'");
  }
  const auto& connection = it->second;
  const ChildConfig* child = nullptr;
  if (!child_name.empty()) {
    child = connection->child(child_name);
    if (!child) {
      return make_error(Errc::invalid_argument, "connection '" + connection->name +
                                                    "' has no CHILD SA named '" +
                                                    std::string(child_name) + "'");
    }
  } else if (!connection->children.empty()) {
    child = &connection->children.front();
  }
  if (auto* existing = impl.usable_ike_sa(*connection)) {
    // One IKE SA per connection (strongSwan issue 1801): the CHILD SA comes
    // with CREATE_CHILD_SA once the IKE SA is up (RFC 7296 1.3.1).
    if (child) existing->queued.push_back(make_child_create_initiator(*child));
    impl.start_next_request(*existing);
    impl.sweep_destroyed();
    return existing->serial;
  }
  if (connection->remote_address.is_zero()) {
    return make_error(Errc::invalid_argument,
                      "connection '" + connection->name + "' has no remote address to initiate to");
  }
  auto serial = impl.start_initiator(connection, child, now).serial;
  impl.sweep_destroyed();
  return serial;
}

Status Engine::terminate(std::string_view connection_name, MonoTime now) {
  auto& impl = *impl_;
  impl.services.now = now;
  impl.services.wall_now = wall_now_;
  bool found = false;
  for (auto& [spi, sa] : impl.sas) {
    if (sa->connection->name != connection_name || sa->state == IkeState::destroying) continue;
    found = true;
    if (sa->state == IkeState::established) {
      sa->state = IkeState::deleting;
      sa->queued.clear();
      sa->queued.push_back(make_ike_delete_initiator());
      impl.start_next_request(*sa);
    } else {
      impl.destroy_sa(*sa, "terminated by operator");
    }
  }
  impl.sweep_destroyed();
  if (!found) {
    return make_error(Errc::invalid_argument,
                      "no IKE SA of connection '" + std::string(connection_name) + "'");
  }
  return {};
}

void Engine::handle_kernel_expire(const KernelExpire& expire, MonoTime now) {
  auto& impl = *impl_;
  impl.services.now = now;
  impl.services.wall_now = wall_now_;
  for (auto& [spi, sa] : impl.sas) {
    if (sa->state == IkeState::destroying) continue;
    bool inbound = sa->local.address == expire.sa.destination;
    auto* child = inbound ? sa->find_child_by_inbound_spi(expire.sa.spi)
                          : sa->find_child_by_outbound_spi(expire.sa.spi);
    if (!child) continue;
    if (!expire.hard) {
      queue_child_rekey(*sa, *child, impl.services, "soft lifetime reached in the kernel");
    } else {
      // The kernel removed that SA itself; the rest goes with a delete.
      (inbound ? child->inbound_installed : child->outbound_installed) = false;
      queue_child_delete(*sa, *child, impl.services, "hard lifetime reached in the kernel");
    }
    impl.start_next_request(*sa);
    break;
  }
  impl.sweep_destroyed();
}

Status Engine::rekey(std::string_view connection_name, bool ike, MonoTime now) {
  auto& impl = *impl_;
  impl.services.now = now;
  impl.services.wall_now = wall_now_;
  bool found = false;
  for (auto& [spi, sa] : impl.sas) {
    if (sa->connection->name != connection_name || sa->state != IkeState::established) continue;
    found = true;
    if (ike) {
      sa->rekey_at.reset();
      sa->queued.push_back(make_ike_rekey_initiator());
    } else {
      for (auto& child : sa->children)
        queue_child_rekey(*sa, child, impl.services, "operator");
    }
    impl.start_next_request(*sa);
  }
  impl.sweep_destroyed();
  if (!found) {
    return make_error(Errc::invalid_argument,
                      "no established IKE SA of connection '" + std::string(connection_name) + "'");
  }
  return {};
}

std::optional<Datagram> Engine::poll_transmit() {
  if (impl_->outbox.empty()) return std::nullopt;
  auto out = std::move(impl_->outbox.front());
  impl_->outbox.pop_front();
  return out;
}

std::optional<MonoTime> Engine::next_deadline() const {
  std::optional<MonoTime> earliest;
  auto consider = [&](std::optional<MonoTime> when) {
    if (when && (!earliest || *when < *earliest)) earliest = when;
  };
  for (const auto& [spi, sa] : impl_->sas) {
    consider(sa->requests.deadline());
    if (sa->state != IkeState::established) consider(sa->half_open_deadline);
    consider(scheduled_deadline(*sa));
  }
  return earliest;
}

std::vector<const IkeSa*> Engine::ike_sas() const {
  std::vector<const IkeSa*> out;
  out.reserve(impl_->sas.size());
  for (const auto& [spi, sa] : impl_->sas)
    out.push_back(sa.get());
  std::sort(out.begin(), out.end(),
            [](const IkeSa* a, const IkeSa* b) { return a->serial < b->serial; });
  return out;
}

const IkeSa* Engine::find_ike_sa(std::uint32_t serial) const noexcept {
  for (const auto& [spi, sa] : impl_->sas) {
    if (sa->serial == serial) return sa.get();
  }
  return nullptr;
}

std::size_t Engine::half_open_count() const noexcept {
  return impl_->half_open;
}

}  // namespace ike::sa
