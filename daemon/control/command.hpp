#pragma once
/// The control protocol between ikectl and ikev2d, as the daemon's code sees
/// it: validated commands in, a stream of JSON reply lines out.
///
/// Wire format (newline-delimited JSON on /run/ikev2d/ikev2d.sock, one
/// request per connection line, at most kMaxRequestBytes):
///   request:  {"command":"up","connection":"office","child":"net"}
///   replies:  zero or more progress lines, then exactly one result line:
///     {"type":"log","level":"info","connection":"office","sa":"office[1] …","message":"…"}
///     {"type":"ike_sa", …}            one per IKE SA (status; schema below)
///     {"type":"connection", …}        one per connection (list-conns)
///     {"type":"certificate", …}       one per certificate (list-certs)
///     {"type":"result","ok":true, …}  or  {"type":"result","ok":false,"error":"reason"}
///
/// "ike_sa" record: {"type":"ike_sa","connection":s,"serial":n,"state":s,
///   "initiator":b,"spi_i":"hex16","spi_r":"hex16","local":"addr[port]",
///   "remote":"addr[port]","local_id":s,"remote_id":s,"algorithms":s,
///   "established_seconds":n,"rekey_in_seconds":n|null,"nat_local":b,"nat_remote":b,
///   "children":[{"name":s,"serial":n,"state":s,"mode":"tunnel|transport",
///     "reqid":n,"spi_in":"hex8","spi_out":"hex8","algorithms":s,
///     "local_ts":[s],"remote_ts":[s],"encapsulated":b,
///     "bytes_in":n,"packets_in":n,"bytes_out":n,"packets_out":n,
///     "rekey_in_seconds":n|null}]}
/// Both the IKE SA and each child may add "last_failure":s (the reason the
/// last negotiation or rekey failed), which ikectl prints.
///
/// "connection" record (list-conns), as ikectl expects it; ikectl prints
/// every field it finds, these first and in this order, and tolerates any
/// missing one: {"type":"connection","name":s,"auto":s,"local":s,"remote":s,
///   "local_id":s,"remote_id":s,"local_auth":s,"remote_auth":s,
///   "ike_proposals":[s],"children":[{"name":s,"mode":s,"local_ts":[s],
///     "remote_ts":[s],"esp_proposals":[s]}]}
///
/// "certificate" record (list-certs): {"type":"certificate","subject":s,
///   "issuer":s,"serial":"hex","not_before":s,"not_after":s,
///   "fingerprint_sha256":"hex","has_private_key":b,"is_ca":b}
///
/// "result" line: {"type":"result","ok":true} plus whatever the handler put
/// in finish_ok(); a "message":s is printed by ikectl. On failure
/// {"type":"result","ok":false,"error":s}; ikectl prints
/// "ikectl: <command words>: <error>" and exits 1.
///
/// "log" line: "level" is one of kLogLevels, "subsystem" (optional) one of
/// kLogSubsystems; ikectl prints "[level] <sa or connection> <message>".

#include <array>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

namespace ikev2d::control {

inline constexpr std::size_t kMaxRequestBytes = 4096;

/// Where ikev2d listens and ikectl connects unless told otherwise.
inline constexpr std::string_view kDefaultSocketPath = "/run/ikev2d/ikev2d.sock";

/// Connection and CHILD names: 1..kMaxNameLength characters of [A-Za-z0-9._-].
inline constexpr std::size_t kMaxNameLength = 64;

/// The levels `ikectl log` accepts, most verbose first.
inline constexpr std::array<std::string_view, 4> kLogLevels = {"debug", "info", "warning", "error"};

/// The subsystems `ikectl log LEVEL SUBSYSTEM` accepts, and the values of a
/// "log" line's "subsystem" field: ike (the IKE engine: exchanges, SAs),
/// cfg (configuration and credentials loading), knl (XFRM kernel interface),
/// net (UDP sockets, NAT-T), ctl (this control socket), updown (scripts).
inline constexpr std::array<std::string_view, 6> kLogSubsystems = {"ike", "cfg", "knl",
                                                                   "net", "ctl", "updown"};

/// `ikectl up NAME [CHILD]`: initiate and stream the negotiation's log lines
/// until the CHILD SA is installed (ok) or the negotiation failed (error).
struct UpCommand {
  std::string connection;
  std::string child;  ///< empty: the connection's first CHILD
  bool operator==(const UpCommand&) const = default;
};
struct DownCommand {
  std::string connection;
  bool operator==(const DownCommand&) const = default;
};
struct StatusCommand {
  std::optional<std::string> connection;  ///< nullopt: every connection
  bool operator==(const StatusCommand&) const = default;
};
struct ReloadCommand {
  bool operator==(const ReloadCommand&) const = default;
};
struct ListConnectionsCommand {
  bool operator==(const ListConnectionsCommand&) const = default;
};
struct ListCertificatesCommand {
  bool operator==(const ListCertificatesCommand&) const = default;
};
struct RekeyCommand {
  std::string connection;
  bool ike = false;  ///< --ike: the IKE SA, otherwise its CHILD SAs
  bool operator==(const RekeyCommand&) const = default;
};
/// `ikectl log LEVEL [SUBSYSTEM]`: levels debug|info|warning|error.
struct LogCommand {
  std::string level;
  std::optional<std::string> subsystem;  ///< nullopt: every subsystem
  bool operator==(const LogCommand&) const = default;
};

using Command =
    std::variant<UpCommand, DownCommand, StatusCommand, ReloadCommand, ListConnectionsCommand,
                 ListCertificatesCommand, RekeyCommand, LogCommand>;

/// Where a command's replies go. Lives as long as a holder keeps it (an `up`
/// keeps it until its negotiation ends); writes after the client has gone are
/// dropped quietly.
class ReplyStream {
 public:
  virtual ~ReplyStream() = default;
  /// A progress line ("log", "ike_sa", ...); must carry "type".
  virtual void send(const nlohmann::json& line) = 0;
  /// The result line; ends the reply. Later calls are ignored.
  virtual void finish_ok(nlohmann::json result = nlohmann::json::object()) = 0;
  virtual void finish_error(const std::string& reason) = 0;
  /// The client hung up or the reply already finished.
  virtual bool closed() const = 0;
  /// A progress line already serialized: one JSON object carrying "type",
  /// without the newline. For producers of very many records (`status` of
  /// 100,000 SAs writes its records as text: building a json value per
  /// record costs more than the rest). The default parses and calls send().
  virtual void send_serialized(std::string line) { send(nlohmann::json::parse(line)); }

  /// Backpressure for long replies. Bytes queued for this client and not
  /// yet written. The server drops a client whose unread replies from
  /// earlier loop turns exceed its bound (64 MiB), so a producer that sends
  /// a long reply in batches across loop turns (status of 100,000 SAs)
  /// should send a batch, then continue from when_drained() instead of
  /// asio::post: memory then stays at about one batch whatever the client's
  /// speed.
  virtual std::size_t queued_bytes() const { return 0; }
  /// Calls `ready` once, from a later event-loop handler, when queued_bytes()
  /// is below kDrainedBytes or the reply has closed (check closed() first in
  /// `ready`). One waiter at a time: a new call replaces a pending one. The
  /// default (no queue) calls it at once.
  virtual void when_drained(std::function<void()> ready) { ready(); }
};

/// The low-water mark of ReplyStream::when_drained().
inline constexpr std::size_t kDrainedBytes = 256 * 1024;
using ReplyStreamPtr = std::shared_ptr<ReplyStream>;

/// Implemented by the daemon's runtime; called on the loop thread.
class CommandHandler {
 public:
  virtual ~CommandHandler() = default;
  virtual void handle(const Command& command, ReplyStreamPtr reply) = 0;
};

}  // namespace ikev2d::control
