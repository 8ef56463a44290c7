#pragma once
/// leftupdown: the daemon runs the connection's script when one of its CHILD
/// SAs is installed (up-client) or removed (down-client), through
/// daemon/updown's runner, which never blocks the loop. The hook drives the
/// runner: SIGCHLD and a short poll while scripts run.

#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>

#include "ike/sa/ike_sa.hpp"
#include "ike/sa/task.hpp"
#include "runtime/logger.hpp"
#include "setup/configuration.hpp"

namespace ikev2d::runtime {

class UpdownHook {
 public:
  UpdownHook(boost::asio::io_context& io, Logger& logger);
  ~UpdownHook();
  /// Called while the engine publishes child_up / child_down: `sa` and
  /// `child` are read during the call only.
  void child_event(bool up, const setup::ConnectionSetup& setup, const ike::sa::IkeSa& sa,
                   const ike::sa::ChildSa& child);
  /// Shutdown: no new scripts; `done` runs once the running ones finished
  /// (the down-client scripts of the last deletes) or after `limit`.
  void stop(std::function<void()> done, ike::Duration limit = ike::seconds(5));

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ikev2d::runtime
