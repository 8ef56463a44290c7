#include "runtime/updown_hook.hpp"

namespace ikev2d::runtime {

struct UpdownHook::Impl {
  Impl(boost::asio::io_context& io_context, Logger& log) : io(io_context), logger(log) {}
  boost::asio::io_context& io;
  Logger& logger;
  bool stopped = false;
};

UpdownHook::UpdownHook(boost::asio::io_context& io, Logger& logger)
    : impl_(std::make_unique<Impl>(io, logger)) {}

UpdownHook::~UpdownHook() = default;

void UpdownHook::child_event(bool up, const setup::ConnectionSetup& setup, const ike::sa::IkeSa& sa,
                             const ike::sa::ChildSa& child) {
  if (impl_->stopped) return;
  // daemon/updown's runner is not there yet: say what would run.
  impl_->logger.log(Subsystem::updown, LogLevel::info, sa.label(),
                    std::string(up ? "up-client" : "down-client") + " for CHILD SA '" +
                        (child.config ? child.name() : std::string()) +
                        "': " + setup.updown_script + " (updown runner not available)");
}

void UpdownHook::stop() {
  impl_->stopped = true;
}

}  // namespace ikev2d::runtime
