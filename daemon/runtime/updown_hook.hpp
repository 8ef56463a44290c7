#pragma once
/// leftupdown: the daemon runs the connection's script when one of its CHILD
/// SAs is installed (up-client) or removed (down-client), through
/// daemon/updown's runner, which never blocks the loop. The hook drives the
/// runner: SIGCHLD and a short poll while scripts run.

#include <functional>
#include <memory>
#include <optional>

#include <boost/asio/io_context.hpp>

#include "ike/sa/ike_sa.hpp"
#include "ike/sa/task.hpp"
#include "runtime/logger.hpp"
#include "setup/configuration.hpp"
#include "updown/updown_runner.hpp"

namespace ikev2d::runtime {

class UpdownHook {
 public:
  UpdownHook(boost::asio::io_context& io, Logger& logger);
  ~UpdownHook();
  /// The script run for child_up / child_down, made while the engine
  /// publishes it (`sa` and `child` are read during the call only). Safe on
  /// a shard's thread: it reads only its arguments. Nothing when the
  /// section has no script.
  static std::optional<updown::UpdownJob> job_for(bool up, const setup::ConnectionSetup& setup,
                                                  const ike::sa::IkeSa& sa,
                                                  const ike::sa::ChildSa& child);
  /// Runs a job from job_for(), on the loop thread; none after stop().
  void submit(updown::UpdownJob job);
  /// Shutdown: no new scripts; `done` runs once the running ones finished
  /// (the down-client scripts of the last deletes) or after `limit`.
  void stop(std::function<void()> done, ike::Duration limit = ike::seconds(5));

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ikev2d::runtime
