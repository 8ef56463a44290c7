#pragma once
/// ikev2d's loop (issue 4): one Boost.Asio io_context on one thread. Inputs —
/// UDP datagrams, the engines' timer, XFRM events, control commands, signals —
/// go to the Shard whose engine owns them (shard_routing.hpp); datagrams and
/// timeouts of several shards run on their threads at once (shard_pool.hpp).
/// After each input the daemon sends what the engines queued
/// (poll_transmit), re-arms the one timer at the earliest next_deadline()
/// and acts on the engines' events (log lines, `ikectl up` replies, updown
/// scripts, sd_notify STATUS).
///
/// Start-up: load the configuration (refuse to start on an error), open XFRM
/// and remove what a crashed predecessor left (remove_owned), bind the UDP
/// sockets, serve the control socket, apply auto=route/start, READY=1.
/// Shutdown (SIGTERM/SIGINT): STOPPING=1, delete every IKE SA and give the
/// deletes up to two seconds, then remove_owned() so nothing of ours stays in
/// the kernel, exit 0. SIGHUP and `ikectl reload` reload (reload_plan.hpp).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "control/command.hpp"
#include "control/control_server.hpp"
#include "ike/sa/events.hpp"
#include "runtime/ike_socket.hpp"
#include "runtime/locked_kernel.hpp"
#include "runtime/logger.hpp"
#include "runtime/options.hpp"
#include "runtime/reload_plan.hpp"
#include "runtime/sd_notify.hpp"
#include "runtime/shard_pool.hpp"
#include "runtime/shard_routing.hpp"
#include "runtime/status_record.hpp"
#include "runtime/up_tracker.hpp"
#include "setup/configuration.hpp"
#include "updown/updown_runner.hpp"
#include "xfrm/xfrm_kernel.hpp"

namespace ikev2d::runtime {

class UpdownHook;

class Daemon final : public control::CommandHandler, public xfrm::KernelEventHandler {
 public:
  Daemon(RuntimeOptions options, Logger& logger);
  ~Daemon() override;
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  /// Everything before READY=1; an error is the reason the daemon refuses
  /// to start ("/etc/ikev2d/ipsec.conf:12: ...").
  ike::Status start();
  /// Runs the loop until shutdown has finished; the exit code.
  int run();

  // control::CommandHandler (command handling: daemon_commands.cpp)
  void handle(const control::Command& command, control::ReplyStreamPtr reply) override;
  /// An engine event, on the thread running that shard (daemon_events.cpp).
  void publish(std::size_t shard, const ike::sa::Event& event);
  // xfrm::KernelEventHandler (daemon_events.cpp)
  void on_acquire(const ike::sa::KernelAcquire& acquire) override;
  void on_expire(const ike::sa::KernelExpire& expire) override;
  void on_mapping(const ike::sa::KernelMapping& mapping) override;

 private:
  /// An engine event kept until the input that raised it is done.
  struct PendingEvent {
    ike::sa::Event event;
    std::string child_name;
  };
  /// What one shard's engine published, kept for the loop thread: during a
  /// parallel step each shard writes only its own.
  struct ShardOutbox {
    std::vector<PendingEvent> events;
    std::vector<updown::UpdownJob> updown_jobs;
    bool status_dirty = false;
  };
  /// One shard's EventSink.
  class ShardEvents final : public ike::sa::EventSink {
   public:
    ShardEvents(Daemon& daemon, std::size_t shard) : daemon_(daemon), shard_(shard) {}
    void publish(const ike::sa::Event& event) override { daemon_.publish(shard_, event); }

   private:
    Daemon& daemon_;
    std::size_t shard_;
  };
  /// `ikectl down` waiting for its IKE SAs, or only their CHILD SAs of
  /// `child`, to go.
  struct DownWait {
    std::vector<std::uint32_t> serials;
    std::string child;
    control::ReplyStreamPtr reply;
    ike::MonoTime deadline;
  };
  /// What a conn name given to ikectl means to the engine.
  struct ConnTarget {
    std::string connection;  ///< the engine connection
    std::string child;       ///< the section's CHILD ("" for a bare engine name)
    bool shares_ike_sa = false;
  };

  // --- network (daemon_network.cpp)
  ike::Status open_sockets();
  void watch_socket(IkeSocket& socket);
  void on_socket_readable(IkeSocket& socket);
  IkeSocket* socket_for(const ike::sa::Datagram& datagram) const;
  /// What one shard's engine queued; safe on that shard's thread.
  void send_output(std::size_t shard);
  void watch_kernel_events();
  // --- shards (daemon_shards.cpp)
  ike::Status open_shards(const setup::Configuration& loaded);
  ike::sa::Engine& engine(std::size_t shard) { return (*shards_)[shard].engine(); }
  /// The IKE SA of a serial, on whichever shard it lives.
  const ike::sa::IkeSa* find_ike_sa(std::uint32_t serial) const;
  std::size_t count_ike_sas() const;
  /// Where an initiation of an engine connection goes: the shard that has
  /// its IKE SA, else the shard of its peer address.
  std::size_t shard_for_initiation(const std::string& connection) const;
  /// The shard of a connection's peer address (0 for %any).
  std::size_t home_shard(const ike::sa::Connection& connection) const;
  /// A command for an engine connection on every shard: done where any
  /// shard did it, else the first shard's reason.
  ike::Status on_every_shard(const std::function<ike::Status(ike::sa::Engine&)>& command);
  // --- after every input (daemon.cpp)
  /// Sets the wall time and returns "now" for an input.
  ike::MonoTime begin_input();
  void after_input();
  void rearm_timer();
  void on_timer();
  void update_status(ike::MonoTime now);
  // --- configuration (daemon_config.cpp)
  ike::Result<setup::Configuration> load() const;
  void apply(const ReloadPlan& plan, const setup::Configuration& loaded, bool starting);
  /// `ikectl reload` / SIGHUP: a summary, or the reason nothing changed.
  ike::Result<std::string> reload();
  void act_on_auto(const setup::ConnectionSetup& setup, ike::MonoTime now);
  void index_configuration();
  // --- events (daemon_events.cpp)
  void process_pending_events();
  void check_down_waits(ike::MonoTime now);
  // --- commands (daemon_commands.cpp)
  /// A loaded section, or else an engine connection of that name (one a
  /// reload removed may still have SAs).
  ConnTarget target_of(const std::string& name) const;
  /// Serials of the IKE SAs of an engine connection.
  std::vector<std::uint32_t> ike_sas_of(const std::string& connection) const;
  void command_up(const control::UpCommand& up, control::ReplyStreamPtr reply);
  void command_down(const control::DownCommand& down, control::ReplyStreamPtr reply);
  /// `ikectl down` of a section that shares its IKE SA: only its CHILD SAs.
  void command_down_child(const ConnTarget& target, control::ReplyStreamPtr reply);
  void command_status(const control::StatusCommand& status, control::ReplyStreamPtr reply);
  /// One batch of the listing; `identities` lives as long as the listing.
  void stream_status(std::shared_ptr<std::vector<std::uint32_t>> serials, std::size_t next,
                     std::shared_ptr<IdentityTexts> identities, control::ReplyStreamPtr reply);
  void command_reload(control::ReplyStreamPtr reply);
  void command_list_connections(control::ReplyStreamPtr reply);
  void command_list_certificates(control::ReplyStreamPtr reply);
  void command_rekey(const control::RekeyCommand& rekey, control::ReplyStreamPtr reply);
  void command_log(const control::LogCommand& log, control::ReplyStreamPtr reply);
  // --- signals and shutdown (daemon.cpp)
  void watch_signals();
  void begin_shutdown(const std::string& why);
  void finish_shutdown();

  RuntimeOptions options_;
  Logger& logger_;
  boost::asio::io_context io_;
  setup::SystemHostAddresses host_;
  setup::Configuration config_;
  /// config_.connections by name (rebuilt when config_ changes).
  std::unordered_map<std::string, const setup::ConnectionSetup*> setup_by_name_;
  std::unique_ptr<xfrm::XfrmKernel> kernel_;
  /// --null-kernel: what the engines use instead of XFRM.
  std::unique_ptr<ike::sa::Kernel> null_kernel_;
  std::unique_ptr<LockedKernel> shared_kernel_;
  ShardLayout layout_;
  std::vector<std::unique_ptr<ShardEvents>> shard_events_;
  std::vector<ShardOutbox> outboxes_;
  std::unique_ptr<ShardPool> shards_;
  std::vector<std::unique_ptr<IkeSocket>> sockets_;
  std::optional<boost::asio::posix::stream_descriptor> kernel_events_;
  boost::asio::steady_timer engine_timer_;
  std::optional<ike::MonoTime> armed_for_;
  boost::asio::steady_timer status_timer_;
  boost::asio::steady_timer shutdown_timer_;
  boost::asio::signal_set signals_;
  std::unique_ptr<control::ControlServer> control_;
  std::unique_ptr<UpdownHook> updown_;
  SystemdNotifier notifier_;
  std::string last_status_text_;
  std::optional<ike::MonoTime> last_status_at_;
  bool status_timer_armed_ = false;
  UpTracker up_waits_;
  std::vector<DownWait> down_waits_;
  bool status_dirty_ = true;
  bool stopping_ = false;
  bool stopped_ = false;
  int exit_code_ = 0;
  std::uint64_t dropped_datagrams_ = 0;
};

}  // namespace ikev2d::runtime
