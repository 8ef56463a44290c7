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

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

namespace ikev2d::control {

inline constexpr std::size_t kMaxRequestBytes = 4096;

/// `ikectl up NAME [CHILD]`: initiate and stream the negotiation's log lines
/// until the CHILD SA is installed (ok) or the negotiation failed (error).
struct UpCommand {
  std::string connection;
  std::string child;  ///< empty: the connection's first CHILD
};
struct DownCommand {
  std::string connection;
};
struct StatusCommand {
  std::optional<std::string> connection;  ///< nullopt: every connection
};
struct ReloadCommand {};
struct ListConnectionsCommand {};
struct ListCertificatesCommand {};
struct RekeyCommand {
  std::string connection;
  bool ike = false;  ///< --ike: the IKE SA, otherwise its CHILD SAs
};
/// `ikectl log LEVEL [SUBSYSTEM]`: levels debug|info|warning|error.
struct LogCommand {
  std::string level;
  std::optional<std::string> subsystem;  ///< nullopt: every subsystem
};

using Command = std::variant<UpCommand, DownCommand, StatusCommand, ReloadCommand,
                             ListConnectionsCommand, ListCertificatesCommand, RekeyCommand,
                             LogCommand>;

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
};
using ReplyStreamPtr = std::shared_ptr<ReplyStream>;

/// Implemented by the daemon's runtime; called on the loop thread.
class CommandHandler {
 public:
  virtual ~CommandHandler() = default;
  virtual void handle(const Command& command, ReplyStreamPtr reply) = 0;
};

}  // namespace ikev2d::control
