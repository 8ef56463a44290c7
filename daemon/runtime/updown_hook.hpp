#pragma once
/// leftupdown: the daemon runs the connection's script when one of its CHILD
/// SAs is installed (up-client) or removed (down-client), through
/// daemon/updown's runner, which never blocks the loop.

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
  /// `child` are valid only during the call.
  void child_event(bool up, const setup::ConnectionSetup& setup, const ike::sa::IkeSa& sa,
                   const ike::sa::ChildSa& child);
  /// Shutdown: no new scripts.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ikev2d::runtime
